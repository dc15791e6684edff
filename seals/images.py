"""Seal images drawn in code: a round official seal (公章 / 合同专用章) and a personal seal.

Drawn with Pillow at print resolution on a transparent background and returned as PNG bytes;
the same inputs always give the same bytes. The official seal follows the usual layout of a
Chinese organisation seal: a thick red ring, the organisation name along the upper arc (each
character upright towards the centre, narrowed when the name is long), a solid five-pointed
star in the middle and the seal type on a straight line beneath it. The personal seal (名章)
puts the name in a red square, read in columns from right to left, completed with 之印 / 印
the traditional way when the name is short.

Fonts: Noto Serif / Sans CJK SC from Debian's fonts-noto-cjk (.ttc collections; index 2 is SC).
These are stand-ins; real seals use licensed faces, so a deployment may pass its own font path.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

NOTO_DIR = "/usr/share/fonts/opentype/noto"
SERIF_BOLD = f"{NOTO_DIR}/NotoSerifCJK-Bold.ttc"
SANS_BOLD = f"{NOTO_DIR}/NotoSansCJK-Bold.ttc"
SC_INDEX = 2  # Simplified Chinese face inside the Noto CJK collections
SEAL_RED = (218, 26, 32, 255)
OFFICIAL_SEAL_MM = 42.0  # 单位公章 are usually 40–42 mm across
_SUPERSAMPLE = 2  # draw at twice the size, then downsample: smooth edges without aliasing


@lru_cache(maxsize=64)
def _font(path: str, size: int, index: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def _glyph(char: str, font: ImageFont.FreeTypeFont, width: int, height: int) -> Image.Image:
    """One character as a red-on-transparent tile of exactly width × height pixels."""
    left, top, right, bottom = font.getbbox(char)
    tile = Image.new("L", (max(1, int(right - left)), max(1, int(bottom - top))), 0)
    ImageDraw.Draw(tile).text((-left, -top), char, font=font, fill=255)
    tile = tile.resize((width, height), Image.Resampling.LANCZOS)
    coloured = Image.new("RGBA", tile.size, SEAL_RED)
    coloured.putalpha(tile)
    return coloured


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


#: Alpha levels kept: 16 still give smooth edges at print size and make the alpha plane
#: compress 2.4× better than 256 (the image stream a seal adds: ~18 KB instead of ~43 KB).
ALPHA_LEVELS = 16
_ALPHA_STEP = 255 / (ALPHA_LEVELS - 1)
_QUANTISE = [round(round(v / _ALPHA_STEP) * _ALPHA_STEP) for v in range(256)]


def _png(image: Image.Image, size: tuple[int, int]) -> bytes:
    """Downsample, then paint every pixel seal red and let alpha alone carry the shape.

    A single ink colour makes the colour plane compress to almost nothing once embedded in the
    PDF (pyHanko stores colour and alpha as separate Flate streams), and a quantised alpha
    plane compresses well too. (PNG ``optimize`` is not used: it cost 5× the signature's time
    and pyHanko re-encodes the pixels anyway.)
    """
    alpha = image.resize(size, Image.Resampling.LANCZOS).getchannel("A").point(_QUANTISE)
    final = Image.new("RGBA", size, SEAL_RED)
    final.putalpha(alpha)
    buffer = io.BytesIO()
    final.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def official_seal_png(
    org_name: str,
    seal_type: str = "公章",
    *,
    size_px: int = 600,
    font_path: str = SERIF_BOLD,
    font_index: int = SC_INDEX,
) -> bytes:
    """A round red seal: ``org_name`` on the upper arc, a star, ``seal_type`` beneath.

    ``size_px`` is the diameter; 600 px prints a 42 mm seal at about 360 dpi.
    """
    name = "".join(org_name.split())
    if not name:
        raise ValueError("org_name must not be empty")
    size = size_px * _SUPERSAMPLE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    ring = size * 0.032
    # Pillow strokes inwards from the box: the ring runs from the image edge inwards.
    draw.ellipse((0, 0, size - 1, size - 1), outline=SEAL_RED, width=round(ring))

    # Organisation name along the upper arc, clockwise from lower left to lower right.
    count = len(name)
    span = min(250.0, max(150.0, 20.0 * count))
    char_height = round(size * 0.145)
    text_radius = size / 2 - ring * 2.4 - char_height / 2
    step = math.radians(span / max(count - 1, 1))
    char_width = min(char_height, round(text_radius * step * 0.86))
    font = _font(font_path, char_height, font_index)
    for i, char in enumerate(name):
        angle = -span / 2 + (span / max(count - 1, 1)) * i if count > 1 else 0.0
        glyph = _glyph(char, font, char_width, char_height).rotate(
            -angle, resample=Image.Resampling.BICUBIC, expand=True
        )
        theta = math.radians(angle - 90)
        gx = centre + text_radius * math.cos(theta) - glyph.width / 2
        gy = centre + text_radius * math.sin(theta) - glyph.height / 2
        image.alpha_composite(glyph, (round(gx), round(gy)))

    _star(draw, centre, centre, size * 0.15)

    # Seal type on a straight line below the star.
    kind = "".join(seal_type.split())
    if kind:
        kind_height = round(size * 0.09)
        kind_width = min(kind_height, round(size * 0.5 / len(kind)))
        kind_font = _font(font_path, kind_height, font_index)
        total = kind_width * len(kind) + round(kind_width * 0.08) * (len(kind) - 1)
        x = centre - total / 2
        y = centre + size * 0.215
        for char in kind:
            image.alpha_composite(
                _glyph(char, kind_font, kind_width, kind_height), (round(x), round(y))
            )
            x += kind_width * 1.08
    return _png(image, (size_px, size_px))


def personal_seal_png(
    name: str,
    *,
    size_px: int = 300,
    font_path: str = SERIF_BOLD,
    font_index: int = SC_INDEX,
) -> bytes:
    """A square red 名章: name in columns, right to left (张三 → 张三之印 in a 2 × 2 grid).

    Names longer than four characters go on one line in a rectangle instead.
    """
    chars = "".join(name.split())
    if not chars:
        raise ValueError("name must not be empty")
    if len(chars) == 2:
        chars += "之印"
    elif len(chars) == 3:
        chars += "印"
    scale = _SUPERSAMPLE
    if len(chars) == 4:
        width = height = size_px * scale
    else:
        height = size_px * scale
        width = round(height * 0.62 * len(chars)) + height // 5
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    border = round(height * 0.06)
    draw.rectangle((0, 0, width - 1, height - 1), outline=SEAL_RED, width=border)
    inner = border * 2.4
    if len(chars) == 4:
        cell_w = (width - 2 * inner) / 2
        cell_h = (height - 2 * inner) / 2
        font = _font(font_path, round(cell_h), font_index)
        # Column 0 is on the right: 1st and 2nd characters; column 1 on the left: 3rd, 4th.
        for i, char in enumerate(chars):
            column, row = divmod(i, 2)
            x = width - inner - (column + 1) * cell_w
            y = inner + row * cell_h
            glyph = _glyph(char, font, round(cell_w * 0.94), round(cell_h * 0.94))
            image.alpha_composite(glyph, (round(x + cell_w * 0.03), round(y + cell_h * 0.03)))
    else:
        cell_w = (width - 2 * inner) / len(chars)
        cell_h = height - 2 * inner
        font = _font(font_path, round(cell_h), font_index)
        for i, char in enumerate(chars):
            glyph = _glyph(char, font, round(cell_w * 0.92), round(cell_h * 0.8))
            image.alpha_composite(
                glyph, (round(inner + i * cell_w + cell_w * 0.04), round(inner + cell_h * 0.1))
            )
    return _png(image, (width // scale, height // scale))


def image_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height of a PNG (to keep a seal's aspect ratio on the page)."""
    with Image.open(io.BytesIO(png)) as image:
        return image.size
