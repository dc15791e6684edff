"""Seal images: transparent PNGs, red ink, print resolution, same bytes for same input."""

from __future__ import annotations

import io

from PIL import Image

from seals import official_seal_png, personal_seal_png
from seals.images import SEAL_RED


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def _pixel(image: Image.Image, x: int, y: int) -> tuple[int, int, int, int]:
    value = image.getpixel((x, y))
    assert isinstance(value, tuple) and len(value) == 4
    return (value[0], value[1], value[2], value[3])


def _red_share(image: Image.Image) -> float:
    raw = image.convert("RGBA").tobytes()
    pixels = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    inked = [p for p in pixels if p[3] > 128]
    red = [p for p in inked if p[0] > 150 and p[1] < 90 and p[2] < 90]
    return len(red) / max(len(inked), 1)


def test_official_seal_is_a_600_px_transparent_red_round_seal() -> None:
    image = _open(official_seal_png("河南省某某科技有限公司", "合同专用章"))
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (600, 600)
    assert _pixel(image, 2, 2)[3] == 0  # corner outside the ring is transparent
    assert _pixel(image, 300, 300)[:3] == SEAL_RED[:3]  # the star's centre
    assert _pixel(image, 300, 3)[3] > 200  # the ring at the top
    assert _red_share(image) > 0.95


def test_the_name_and_seal_type_change_the_image_and_the_same_input_gives_the_same_bytes() -> None:
    first = official_seal_png("某某采购中心", "公章")
    assert first == official_seal_png("某某采购中心", "公章")
    assert first != official_seal_png("某某采购中心", "合同专用章")
    assert first != official_seal_png("某某采购中心二", "公章")


def test_personal_seal_is_a_red_square_or_a_rectangle_for_long_names() -> None:
    square = _open(personal_seal_png("张三"))
    assert square.size == (300, 300)
    assert _pixel(square, 1, 1)[3] > 0  # the border reaches the corner
    assert _red_share(square) > 0.95
    long_name = _open(personal_seal_png("阿依古丽买买提"))
    assert long_name.width > 2 * long_name.height
