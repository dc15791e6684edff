"""Fonts for documents: which faces templates use, and how small they are embedded.

A 公文 type scale from Debian's fonts-noto-cjk (Regular and Bold only; all SIL OFL):
the title in "Noto Serif CJK SC" Bold (the open stand-in for 方正小标宋), first-level
headings in "Noto Sans CJK SC" Bold (黑体 style), the body in "Noto Serif CJK SC" Regular,
and Serif Bold where the format asks for bold (second-level headings, table heads, totals).
Debian has no openly licensed 仿宋 face covering simplified Chinese (fonts-cwtex-fs is a
traditional-only Big5 font), so the body stays in the serif. Each face costs 50–100 ms and,
after :func:`shrink_cff_fonts`, only the glyphs it sets.

A deployment licensed for 方正小标宋 or 仿宋_GB2312 points ``KUANGCAI_FONT_DIR`` (or
``font_dir=``) at a folder holding ``title.*``, ``body.*`` and/or ``heading.*`` (.otf, .ttf or
.ttc); those files are used for titles, body text and headings, with Noto as the fallback for
anything they lack. Such faces are single-weight designs (小标宋 and 黑体 are already heavy),
so their role's weight turns normal instead of WeasyPrint synthesising a bold.

WeasyPrint subsets with HarfBuzz but keeps glyph ids, so a CJK face with ids up to 65,000
stays 100–250 KB even for thirty glyphs. :func:`shrink_cff_fonts` re-subsets each CID-keyed
CFF face without retained ids and embeds the bare CFF program (FontFile3/CIDFontType0C). In a
CID-keyed font the charset maps each new glyph back to its CID, and Noto CJK's CIDs equal its
glyph ids, which is what the page content already uses, so nothing else in the PDF changes.
Each result is checked; anything unexpected keeps WeasyPrint's original embedding.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from documents.errors import RendererUnavailable

BODY_FAMILY = "Noto Serif CJK SC"
TITLE_FAMILY = "Noto Serif CJK SC"
HEADING_FAMILY = "Noto Sans CJK SC"
FONT_DIR_ENV = "KUANGCAI_FONT_DIR"
_FONT_SUFFIXES = (".otf", ".ttf", ".ttc")
_ROLES = {"body": "Kuangcai Body", "title": "Kuangcai Title", "heading": "Kuangcai Heading"}
_DROPPED_TABLES = (b"BASE", b"GPOS", b"GSUB", b"JSTF", b"VORG", b"vhea", b"vmtx")


def font_dir_from(font_dir: str | os.PathLike[str] | None) -> Path | None:
    """The explicit directory, else ``$KUANGCAI_FONT_DIR``, else None (Noto only)."""
    chosen = font_dir if font_dir is not None else os.environ.get(FONT_DIR_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen)
    if not path.is_dir():
        raise RendererUnavailable(f"字体目录不存在：{path}")
    return path


def _role_files(font_dir: Path | None) -> dict[str, Path]:
    if font_dir is None:
        return {}
    found: dict[str, Path] = {}
    for role in _ROLES:
        for suffix in _FONT_SUFFIXES:
            candidate = font_dir / f"{role}{suffix}"
            if candidate.is_file():
                found[role] = candidate
                break
    return found


@lru_cache(maxsize=8)
def fonts_css(font_dir: Path | None) -> str:
    """CSS custom properties naming the families, plus @font-face for deployment fonts."""
    files = _role_files(font_dir)
    rules = [
        f'@font-face {{ font-family: "{_ROLES[role]}"; src: url("{path.as_uri()}"); }}'
        for role, path in sorted(files.items())
    ]
    body = f'"{BODY_FAMILY}", serif'
    if "body" in files:
        body = f'"{_ROLES["body"]}", {body}'
    title = f'"{TITLE_FAMILY}", serif'
    if "title" in files:
        title = f'"{_ROLES["title"]}", {title}'
    heading = f'"{HEADING_FAMILY}", sans-serif'
    if "heading" in files:
        heading = f'"{_ROLES["heading"]}", {heading}'
    # A licensed 方正小标宋 or 黑体 is heavy in its regular weight; Noto needs its Bold.
    title_weight = "normal" if "title" in files else "bold"
    heading_weight = "normal" if "heading" in files else "bold"
    rules.append(
        f":root {{ --body-font: {body}; --title-font: {title}; --heading-font: {heading};"
        f" --title-weight: {title_weight}; --heading-weight: {heading_weight}; }}"
    )
    return "\n".join(rules)


def _cff_subset(hb_face: Any, glyph_ids: list[int]) -> bytes | None:
    """HarfBuzz subset of ``hb_face`` to ``glyph_ids`` (renumbered); its CFF table bytes."""
    from weasyprint.text.ffi import ffi, harfbuzz, harfbuzz_subset

    subset_input = ffi.gc(
        harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy
    )
    if subset_input == ffi.NULL:
        return None
    glyphs = harfbuzz_subset.hb_subset_input_glyph_set(subset_input)
    array = ffi.new(f"hb_codepoint_t[{len(glyph_ids)}]", glyph_ids)
    harfbuzz.hb_set_add_sorted_array(glyphs, array, len(glyph_ids))
    drop = harfbuzz_subset.hb_subset_input_set(
        subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG
    )
    tags = sorted(harfbuzz.hb_tag_from_string(tag, -1) for tag in _DROPPED_TABLES)
    harfbuzz.hb_set_add_sorted_array(drop, ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    harfbuzz_subset.hb_subset_input_set_flags(
        subset_input,
        harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
        | harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
        | harfbuzz_subset.HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE,
    )
    face = harfbuzz_subset.hb_subset_or_fail(hb_face, subset_input)
    if face == ffi.NULL:
        return None
    face = ffi.gc(face, harfbuzz.hb_face_destroy)
    blob = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"CFF ", -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return bytes(ffi.buffer(data, length[0])) if length[0] else None
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _keeps_cids(cff: bytes, glyph_ids: Iterable[int]) -> bool:
    """True when ``cff`` is CID-keyed and holds a glyph for every CID the pages use."""
    from fontTools.cffLib import CFFFontSet

    font_set = CFFFontSet()
    font_set.decompile(io.BytesIO(cff), None)
    top = font_set[font_set.fontNames[0]]
    if not hasattr(top, "ROS"):
        return False
    names = set(top.charset)
    return all(f"cid{gid:05d}" in names for gid in glyph_ids if gid)


def shrink_cff_fonts(document: Any, pdf: Any) -> None:
    """WeasyPrint ``finisher``: replace each retained-gid CFF face with a compact one."""
    import pydyf

    descriptors = {
        obj["FontName"]: obj
        for obj in pdf.objects
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/FontDescriptor"
    }
    streams = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)}
    by_name: dict[bytes, list[Any]] = {}
    for font in document.fonts.values():
        by_name.setdefault(font.name, []).append(font)
    for name, fonts in by_name.items():
        descriptor = descriptors.get(name)
        if descriptor is None or "FontFile3" not in descriptor:
            continue
        stream = streams.get(descriptor["FontFile3"])
        if stream is None or stream.extra.get("Subtype") != "/OpenType":
            continue
        if any(font.missing or font.used_in_forms for font in fonts):
            continue  # WeasyPrint's own mapping for missing glyphs must stay intact
        glyph_ids = sorted({0}.union(*(font.widths.keys() for font in fonts)))
        cff = _cff_subset(fonts[0].hb_face, glyph_ids)
        if cff is None or not _keeps_cids(cff, glyph_ids):
            continue
        stream.stream = [cff]
        stream.extra["Subtype"] = "/CIDFontType0C"
