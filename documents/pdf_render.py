"""HTML to PDF with WeasyPrint: deterministic bytes, compact fonts, seal anchors.

WeasyPrint is imported on first use (about half a second), and that first use checks that
HarfBuzz's subsetter loaded: without Debian's ``libharfbuzz-subset0`` WeasyPrint falls back
to fontTools and every CJK document takes 26–35 s, which must fail loudly instead.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from documents.errors import RendererUnavailable
from documents.fonts import shrink_cff_fonts

#: CSS pixels (1/96 in) to PDF points (1/72 in).
PX_TO_PT = 0.75
ANCHOR_PREFIX = "seal-anchor-"


class SealAnchor(NamedTuple):
    """Where a seal goes: the anchor box's centre, in PDF points from the page's bottom left."""

    page_index: int
    x_pt: float
    y_pt: float


@lru_cache(maxsize=1)
def require_harfbuzz_subset() -> None:
    """Raise :class:`RendererUnavailable` unless WeasyPrint can subset fonts with HarfBuzz."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise RendererUnavailable(
            "WeasyPrint 未能加载 HarfBuzz 字体子集库（libharfbuzz-subset0 ≥ 4.1）；"
            "缺少它时每份中文文书需要约 30 秒。请执行 "
            "apt-get install libharfbuzz-subset0 后重试。"
        )


@lru_cache(maxsize=8)
def _font_configuration(font_dir: Path | None) -> Any:
    # One per font folder: loading @font-face files again for every document is wasted work.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _anchors(document: Any) -> dict[str, SealAnchor]:
    found: dict[str, SealAnchor] = {}
    for index, page in enumerate(document.pages):
        height = page.height
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or not hasattr(element, "get"):
                continue
            anchor_id = element.get("id") or ""
            if not anchor_id.startswith(ANCHOR_PREFIX):
                continue
            name = anchor_id[len(ANCHOR_PREFIX):]
            if name in found:  # a box split over two pages: the first part is where it starts
                continue
            x = box.border_box_x() + box.border_width() / 2
            y = box.border_box_y() + box.border_height() / 2
            found[name] = SealAnchor(
                page_index=index,
                x_pt=round(x * PX_TO_PT, 2),
                y_pt=round((height - y) * PX_TO_PT, 2),
            )
    return found


def html_to_pdf(html: str, font_dir: Path | None = None) -> tuple[bytes, dict[str, SealAnchor]]:
    """Lay out ``html`` and write a PDF whose bytes depend on nothing but ``html``.

    No dates are written (templates set none); the file identifier is derived from the HTML,
    which signatures later need and which must not be random.
    """
    require_harfbuzz_subset()
    from weasyprint import HTML

    font_config = _font_configuration(font_dir)
    document = HTML(string=html, base_url=str(font_dir) if font_dir else None).render(
        font_config=font_config
    )
    anchors = _anchors(document)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    content = document.write_pdf(pdf_identifier=identifier, finisher=shrink_cff_fonts)
    return content, anchors
