"""DOCX made from the same HTML the PDF is made from, so both carry the same content.

The document templates use a small vocabulary (title, headings, paragraphs, lists, bordered
and borderless tables, signature blocks); each element maps to its Word counterpart with the
same type scale, alignment and keep-together rules. List numbers are written into the text,
so they survive any editor. Seal anchors are dropped: seals go on the PDF.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.docx_builder import new_document, to_bytes
from documents.fonts import HEADING_FAMILY

BODY_PT = 15.75
INDENT = Pt(BODY_PT * 2)
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML white space; not the ideographic space


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _inline(element: Any, bold: bool = False) -> Iterator[tuple[str, bool]]:
    """(text, bold) runs of an element's inline content, whitespace collapsed as HTML does."""
    bold = bold or element.tag in ("strong", "b", "th")
    if element.tag == "br":
        yield "\n", bold
    elif "keep" in _classes(element):  # a number or name kept whole: no-break spaces
        yield element.text_content().replace(" ", "\u00a0"), bold
        return
    elif element.text:
        yield element.text, bold
    for child in element:
        if not isinstance(child.tag, str):
            continue
        yield from _inline(child, bold)
        if child.tail:
            yield child.tail, bold


def _runs(paragraph: Any, element: Any, *, bold: bool = False, size: float | None = None,
          family: str | None = None) -> None:
    pieces = [(_SPACE.sub(" ", text) if text != "\n" else text, b)
              for text, b in _inline(element, bold)]
    if pieces and pieces[0][0] != "\n":
        pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
    if pieces and pieces[-1][0] != "\n":
        pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
    for text, is_bold in pieces:
        if text == "\n":
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        if not text:
            continue
        run = paragraph.add_run(text)
        run.bold = is_bold or None
        if size:
            run.font.size = Pt(size)
        if family:
            run.font.name = family
            fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
            fonts.set(qn("w:eastAsia"), family)


class _Writer:
    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.page_break_next = False

    def paragraph(self, *, indent: bool = True, align: Any = None, keep: bool = False) -> Any:
        paragraph = self.document.add_paragraph()
        layout = paragraph.paragraph_format
        if indent:
            layout.first_line_indent = INDENT
        if align is not None:
            paragraph.alignment = align
        if keep:
            layout.keep_with_next = True
        if self.page_break_next:
            layout.page_break_before = True
            self.page_break_next = False
        return paragraph

    def block(self, element: Any) -> None:
        tag, classes = element.tag, _classes(element)
        if not isinstance(tag, str) or "seal-anchor" in classes:
            return
        if tag == "h1":
            paragraph = self.paragraph(indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
            paragraph.paragraph_format.line_spacing = Pt(36)
            paragraph.paragraph_format.space_after = Pt(28.9)
            _runs(paragraph, element, bold=True, size=22)
        elif tag == "h2":
            chapter = "chapter" in classes
            paragraph = self.paragraph(
                indent=not chapter, align=WD_ALIGN_PARAGRAPH.CENTER if chapter else None,
                keep=True)
            _runs(paragraph, element, bold=True, size=18 if chapter else None,
                  family=HEADING_FAMILY)
        elif tag in ("h3", "h4"):
            _runs(self.paragraph(keep=True), element, bold=True)
        elif tag == "p":
            centred = classes & {"doc-number", "form-title"} or element.getparent() is not None \
                and _classes(element.getparent()) & {"cover-parties"}
            paragraph = self.paragraph(
                indent=not centred, align=WD_ALIGN_PARAGRAPH.CENTER if centred else None,
                keep="form-title" in classes)
            _runs(paragraph, element, bold="form-title" in classes,
                  family=HEADING_FAMILY if "form-title" in classes else None)
        elif tag in ("ul", "ol"):
            for number, item in enumerate((c for c in element if c.tag == "li"), start=1):
                paragraph = self.paragraph()
                paragraph.add_run(f"{number}." if tag == "ol" else "• ")
                _runs(paragraph, item)
        elif tag == "table":
            self.table(element, classes)
        elif tag == "div" and "signatures" in classes and "joint" not in classes:
            for part in element.iter("div"):
                if _classes(part) & {"issuer", "date"}:
                    paragraph = self.paragraph(indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
                    _runs(paragraph, part)
        elif tag == "div" and "joint" in classes:
            for child in element:
                if child.tag == "table":
                    self.table(child, _classes(child))
                elif "date" in _classes(child):
                    paragraph = self.paragraph(indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
                    _runs(paragraph, child)
        else:
            if "appendix" in classes:
                self.page_break_next = True
            start = len(self.document.paragraphs)
            for child in element:
                self.block(child)
            if "together" in classes:
                for paragraph in self.document.paragraphs[start:-1]:
                    paragraph.paragraph_format.keep_with_next = True
            if "cover" in classes:
                self.page_break_next = True

    def table(self, element: Any, classes: set[str]) -> None:
        rows = [row for row in element.iter("tr")]
        if not rows:
            return
        width = max(sum(int(cell.get("colspan") or 1) for cell in row
                        if cell.tag in ("td", "th")) for row in rows)
        grid = self.document.add_table(rows=len(rows), cols=width)
        bordered = not classes & {"sign-grid", "joint-issuers", "parties"}
        if bordered:
            grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        size = 12 if bordered else BODY_PT
        for index, row in enumerate(rows):
            in_head = row.getparent() is not None and row.getparent().tag == "thead"
            word_row = grid.rows[index]
            properties = word_row._tr.get_or_add_trPr()
            no_split = OxmlElement("w:cantSplit")
            properties.append(no_split)
            if in_head:
                repeat = OxmlElement("w:tblHeader")
                repeat.set(qn("w:val"), "true")
                properties.append(repeat)
            column = 0
            for cell in (c for c in row if c.tag in ("td", "th")):
                span = int(cell.get("colspan") or 1)
                target = word_row.cells[column]
                if span > 1:
                    target = target.merge(word_row.cells[column + span - 1])
                column += span
                paragraph = target.paragraphs[0]
                layout = paragraph.paragraph_format
                layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
                layout.first_line_indent = Pt(0)
                cell_classes = _classes(cell)
                if cell.tag == "th" or "center" in cell_classes:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif "num" in cell_classes:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                total = "total" in _classes(row)
                _runs(paragraph, cell, bold=cell.tag == "th" or total, size=size)
        _column_widths(grid, rows, width)


def _ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.55 for char in text)


def _column_widths(grid: Any, rows: list[Any], width: int) -> None:
    """Columns as wide as their content asks (long text capped, amounts whole), filling the
    156 mm text block, so LibreOffice and Word do not fall back to equal columns."""
    wanted = [2.0] * width
    for row in rows:
        column = 0
        for cell in (c for c in row if c.tag in ("td", "th")):
            span = int(cell.get("colspan") or 1)
            if span == 1:
                text = _SPACE.sub(" ", cell.text_content()).strip()
                whole = "num" in _classes(cell)  # an amount never breaks
                need = _ems(text) + 1 if whole else min(_ems(text), 10.0) + 1
                if cell.tag == "th":
                    need = min(need, 5.0)
                wanted[column] = max(wanted[column], need)
            column += span
    total = sum(wanted)
    grid.autofit = False
    for index, column in enumerate(grid.columns):
        share = Mm(156 * wanted[index] / total)
        column.width = share
        for cell in column.cells:
            cell.width = share


def _alternate_page_numbers(document: DocxDocument) -> None:
    """GB/T 9704: page numbers on the outer side, right on odd pages and left on even ones."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.add_run("— ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    even._p.append(page)
    even.add_run(" —")


def html_to_docx(html: str) -> DocxDocument:
    """The python-docx document for a rendered document's HTML (metadata set by the caller)."""
    from lxml import html as lxml_html

    tree = lxml_html.document_fromstring(html)
    document = new_document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _alternate_page_numbers(document)
    writer = _Writer(document)
    for element in tree.body:
        writer.block(element)
    return document


def html_to_docx_bytes(html: str) -> bytes:
    return to_bytes(html_to_docx(html))
