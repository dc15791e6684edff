"""Pagination and overflow, read from the PDF's geometry (poppler's pdftohtml -xml).

Every kind's sample and hard inputs (300 lots, 300 items, 120-character names, 36-character
unbroken tokens) are checked for: no text outside the GB/T 9704 text block, no heading or
table head ending a page, a 合计 row never alone under a table head, no title ending in a
one- or two-character line, names and numbers whole, and 28 characters on a full body line.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from documents import get_kind, render_pdf
from tests.documents.conftest import KIND_CODES

A4_WIDTH_PT, A4_HEIGHT_PT = 595.276, 841.89
LEFT = 28 / 25.4 * 72
RIGHT = A4_WIDTH_PT - 26 / 25.4 * 72
TEXT_BOTTOM = A4_HEIGHT_PT - 35 / 25.4 * 72
#: pdftohtml rounds glyph advances; half a point is well under the 0.5 mm the issue measured.
TOLERANCE = 0.5
TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"  # 36 characters, no break opportunity
LONG_NAME = ("内蒙古自治区呼和浩特市赛罕区" * 8)[:110] + "信息技术有限公司"


@dataclass(frozen=True)
class Line:
    page: int
    top: float
    left: float
    right: float
    size: float
    bold: bool
    text: str


def layout(path: Path) -> list[Line]:
    """Each text line of the PDF with its page, box (points from the top left) and weight."""
    out = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", "-noroundcoord", str(path)],
        check=True, capture_output=True, text=True).stdout
    sizes = dict(re.findall(r'<fontspec id="(\d+)" size="([\d.]+)"', out))
    lines = []
    for page, body in re.findall(r'<page number="(\d+)"(.*?)</page>', out, re.S):
        for top, left, width, font, content in re.findall(
                r'<text top="([\d.-]+)" left="([\d.-]+)" width="([\d.-]+)" height="[\d.-]+" '
                r'font="(\d+)">(.*?)</text>', body):
            lines.append(Line(int(page), float(top), float(left), float(left) + float(width),
                              float(sizes[font]), "<b>" in content,
                              html.unescape(re.sub(r"<[^>]+>", "", content))))
    return lines


def rows_by_page(lines: list[Line]) -> dict[int, list[list[Line]]]:
    """Text of the text block (page numbers left out) grouped into rows, top to bottom."""
    pages: dict[int, dict[float, list[Line]]] = {}
    for line in lines:
        if line.top < TEXT_BOTTOM:
            pages.setdefault(line.page, {}).setdefault(round(line.top, 1), []).append(line)
    return {page: [rows[top] for top in sorted(rows)] for page, rows in pages.items()}


def outside_margins(lines: list[Line]) -> list[Line]:
    return [line for line in lines
            if line.right > RIGHT + TOLERANCE or line.left < LEFT - TOLERANCE]


def pages_ending_in_bold(lines: list[Line]) -> list[tuple[int, str]]:
    """Pages whose last row is a heading, a table head or a title (bold introduces content;
    a bold 合计 row closes its table). The document's own last page may end however it ends."""
    pages = rows_by_page(lines)
    last_page = max(pages)
    return [(page, " ".join(line.text for line in rows[-1]))
            for page, rows in pages.items()
            if page != last_page and all(line.bold for line in rows[-1])
            and not rows[-1][0].text.startswith("合计")]  # a total closes its table


def lonely_totals(lines: list[Line]) -> list[int]:
    """Pages where a 合计 row comes right under a table head, with no data row above it."""
    found = []
    for page, rows in rows_by_page(lines).items():
        for above, row in zip(rows, rows[1:], strict=False):
            if any(line.text.startswith("合计") for line in row) and all(
                    line.bold for line in above):
                found.append(page)
    return found


def render(tmp_path: Path, code: str, data: dict[str, Any], name: str | None = None) -> Path:
    path = tmp_path / f"{name or code}.pdf"
    path.write_bytes(render_pdf(code, data).content)
    return path


# ---- hard inputs -----------------------------------------------------------------------------


def hard_contract() -> dict[str, Any]:
    data = get_kind("contract").sample()
    row = data["items"][0]
    data["items"] = [dict(row, name=f"{TOKEN}台式计算机{n}", specification=TOKEN)
                     for n in range(300)]
    data["total_amount"] = f"{Decimal(row['amount']) * 300:.2f}"
    data["supplier"]["name"] = LONG_NAME[:120]
    data["purchaser"]["name"] = LONG_NAME[:117] + "教育局"
    return data


def hard_collection() -> dict[str, Any]:
    data = get_kind("collection_announcement").sample()
    lot = data["lots"][0]
    data["lots"] = [dict(lot, number=f"{n:03d}", name=f"{TOKEN}{n}") for n in range(1, 301)]
    data["project_name"] = LONG_NAME[:112] + "框架协议采购项目"
    return data


def hard_shortlist() -> dict[str, Any]:
    data = get_kind("shortlist_announcement").sample()
    lot = data["lots"][0]
    supplier = lot["suppliers"][0]
    data["lots"] = [dict(lot, number=f"{n:02d}", suppliers=[
        dict(supplier, name=f"{LONG_NAME[:100]}{n}{m}有限公司", product=f"{TOKEN} {m}")
        for m in range(5)]) for n in range(1, 61)]
    return data


HARD_CASES: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "contract_300_items": ("contract", hard_contract),
    "collection_300_lots": ("collection_announcement", hard_collection),
    "shortlist_300_suppliers": ("shortlist_announcement", hard_shortlist),
}


@cache
def _hard_layout(case: str, folder: str) -> list[Line]:
    code, make = HARD_CASES[case]
    return layout(render(Path(folder), code, make(), case))


@pytest.fixture(scope="module")
def hard_layouts(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[Line]]:
    folder = str(tmp_path_factory.mktemp("hard"))
    return lambda case: _hard_layout(case, folder)


# ---- every kind's sample -----------------------------------------------------------------------


@pytest.mark.parametrize("code", KIND_CODES)
def test_no_sample_text_crosses_the_margins(code: str, pdf_files: dict[str, Path]) -> None:
    assert outside_margins(layout(pdf_files[code])) == []


@pytest.mark.parametrize("code", KIND_CODES)
def test_no_sample_page_ends_in_a_heading(code: str, pdf_files: dict[str, Path]) -> None:
    assert pages_ending_in_bold(layout(pdf_files[code])) == []


def test_a_full_body_line_holds_28_characters(pdf_files: dict[str, Path]) -> None:
    """GB/T 9704: 28 characters a line on the 156 mm text block."""
    lengths = [len(line.text) for line in layout(pdf_files["collection_announcement"])
               if 15 <= line.size <= 16.5 and not line.bold and line.text.strip()
               and all(unicodedata.east_asian_width(char) in "WF" for char in line.text)]
    assert max(lengths) == 28


@pytest.mark.parametrize("code", ["contract", "framework_agreement"])
def test_names_and_bank_accounts_are_never_broken(code: str, pdf_files: dict[str, Path],
                                                 samples: dict[str, Any]) -> None:
    lines = layout(pdf_files[code])
    texts = [line.text for line in lines]
    assert not [t for t in texts if t.endswith(("有限公", "有限责任公")) or t.startswith("司")]
    data = samples[code]
    for block in ("purchaser", "supplier"):
        party = data.get(block) or {}
        for value in (party.get("bank_account"), party.get("uscc")):
            if value:
                assert any(value in text for text in texts), value


def test_the_supplier_name_in_the_signature_breaks_before_its_legal_form(
        pdf_files: dict[str, Path]) -> None:
    rows = rows_by_page(layout(pdf_files["contract"]))
    last = rows[max(rows)]
    texts = [line.text for row in last for line in row]
    assert "有限公司" in texts  # …技术 / 有限公司 rather than …有限公 / 司
    assert "呼和浩特市赛罕区教育局" in texts


def test_a_title_never_ends_in_a_one_or_two_character_line(sample_of: Any,
                                                           tmp_path: Path) -> None:
    data = sample_of("collection_announcement")
    # 18 characters + 征集公告: at 22 pt a title line holds 20, so "公告" would stand alone.
    data["project_name"] = "内蒙古自治区二〇二七年度信息化设备项目"[:18]
    lines = layout(render(tmp_path, "collection_announcement", data))
    title = [line for line in lines if line.page == 1 and line.size >= 20]
    assert len(title) == 2
    assert len(title[-1].text) >= 3


# ---- hard inputs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(HARD_CASES))
def test_hard_inputs_stay_inside_the_margins(case: str, hard_layouts: Any) -> None:
    lines = hard_layouts(case)
    assert max(line.page for line in lines) > 5
    assert outside_margins(lines) == []


@pytest.mark.parametrize("case", sorted(HARD_CASES))
def test_hard_inputs_never_end_a_page_in_a_heading_or_table_head(case: str,
                                                                 hard_layouts: Any) -> None:
    assert pages_ending_in_bold(hard_layouts(case)) == []


def test_the_total_row_keeps_a_data_row_above_it(hard_layouts: Any) -> None:
    lines = hard_layouts("contract_300_items")
    assert any(line.text.startswith("合计") for line in lines)
    assert lonely_totals(lines) == []


def test_the_signature_keeps_the_last_paragraph(hard_layouts: Any) -> None:
    rows = rows_by_page(hard_layouts("contract_300_items"))
    last = rows[max(rows)]
    assert not any(line.text.startswith("甲方（盖章）") for line in last[0])
    assert any("本合同自" in line.text or "生效" in line.text for row in last for line in row)


def test_a_long_token_wraps_inside_its_cell(hard_layouts: Any) -> None:
    lines = hard_layouts("contract_300_items")
    amounts = [line for line in lines if line.text.endswith("345,600.00")]
    assert amounts
    assert max(line.right for line in amounts) <= RIGHT + TOLERANCE


def test_headings_and_totals_stay_with_what_follows_wherever_the_page_ends(
        sample_of: Any, tmp_path: Path) -> None:
    """A contract grown one item at a time moves every heading and the 合计 row across the
    foot of a page; none may end one, and 合计 never sits alone under the table head."""
    for count in range(10, 24):
        data = sample_of("contract")
        row = data["items"][0]
        data["items"] = [dict(row, name=f"台式计算机{n}") for n in range(count)]
        data["total_amount"] = f"{Decimal(row['amount']) * count:.2f}"
        lines = layout(render(tmp_path, "contract", data, f"contract-{count}"))
        assert pages_ending_in_bold(lines) == [], count
        assert lonely_totals(lines) == [], count


def pages_ending_in_a_lead(lines: list[Line]) -> list[tuple[int, str]]:
    """Pages whose last row introduces what follows: a label ending in "：" or a lot's
    threshold line, which belong with the table or text under them."""
    pages = rows_by_page(lines)
    last_page = max(pages)
    found = []
    for page, rows in pages.items():
        text = "".join(line.text for line in rows[-1]).strip()
        if page != last_page and (text.endswith("：") or text.startswith(("最高入围价格",
                                                                         "最低入围得分"))):
            found.append((page, text))
    return found


def test_a_lot_heading_and_threshold_stay_with_the_lots_table(sample_of: Any,
                                                              tmp_path: Path) -> None:
    """第02包, its 最高入围价格 and its table on one page, wherever the first lot ends."""
    for count in range(1, 12):
        data = sample_of("shortlist_announcement")
        first = data["lots"][0]
        supplier = first["suppliers"][0]
        first["suppliers"] = [dict(supplier, name=f"{n}号{supplier['name']}")
                              for n in range(count)]
        lines = layout(render(tmp_path, "shortlist_announcement", data, f"shortlist-{count}"))
        assert pages_ending_in_bold(lines) == [], count
        assert pages_ending_in_a_lead(lines) == [], count
