"""Writing docxtpl templates with python-docx: page set-up, styles and Jinja-tagged blocks.

The default ``.docx`` templates are generated (``python -m documents.docx_templates``) so each
Jinja tag sits whole in one run, which Word-edited templates cannot promise. A region that
wants different wording copies a generated file into its folder and edits it in Word.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.docx_render import normalise_zip

FONT = "Noto Serif CJK SC"
BODY_SIZE = Pt(16)
LINE = Pt(28.9)
FIXED_STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _set_fonts(run_properties: Any) -> None:
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    run_properties.append(language)


def new_document() -> DocxDocument:
    """A4, GB/T 9704 margins, 三号 body on a fixed 28.9 pt line, page numbers in the footer."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = FONT
    _set_fonts(normal.element.get_or_add_rPr())
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = LINE
    layout.space_before = layout.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    page = OxmlElement("w:fldSimple")
    page.set(qn("w:instr"), "PAGE")
    footer._p.append(page)
    footer.add_run(" —")
    properties = document.core_properties
    properties.author = properties.last_modified_by = "框采"
    properties.created = properties.modified = properties.last_printed = FIXED_STAMP
    properties.revision = 1
    return document


def title(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = LINE
    paragraph.add_run(text).font.size = Pt(22)


def centered(document: DocxDocument, text: str) -> None:
    document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER


def para(document: DocxDocument, text: str, *, indent: bool = True) -> None:
    """A body paragraph; ``{{ x|docx_rich }}`` alone in one becomes several paragraphs."""
    paragraph = document.add_paragraph(text)
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)


def tag(document: DocxDocument, statement: str) -> None:
    """A paragraph-level Jinja statement (``{%p if … %}``); docxtpl removes the paragraph."""
    document.add_paragraph(statement)


def heading(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(32)
    paragraph.paragraph_format.keep_with_next = True


def table(
    document: DocxDocument, headers: Sequence[str], cells: Sequence[str], loop: str,
    total: tuple[str, str] | None = None,
) -> None:
    """A bordered table: header row (repeated on each page), then one row per ``loop`` item."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        _cell_text(cell, text, center=True)
    grid.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(grid.add_row().cells, cells, strict=True):
        _cell_text(cell, text)
    grid.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if total is not None:
        row = grid.add_row().cells
        label = row[0].merge(row[-2])
        _cell_text(label, total[0], center=True)
        _cell_text(row[-1], total[1])


def _cell_text(cell: object, text: str, *, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.first_line_indent = Pt(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(text).font.size = Pt(12)


def signatures(document: DocxDocument, parties: Sequence[tuple[str, str]], dated: str) -> None:
    """Each party's 盖章 line and the signing date; seals go on the PDF, not here."""
    grid = document.add_table(rows=3, cols=len(parties))
    for column, (label, name) in enumerate(parties):
        grid.cell(0, column).paragraphs[0].add_run(f"{label}（盖章）：")
        grid.cell(1, column).paragraphs[0].add_run(name)
        grid.cell(2, column).paragraphs[0].add_run(f"日期：{dated}")


def to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())
