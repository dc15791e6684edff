"""Editable DOCX for the four agreement-like kinds (docxtpl)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import docx
import pytest

from documents import RenderedFile, UnsupportedFormat, get_kind, render_docx
from documents.docx_templates import BUILDERS, build
from documents.formatting import cn_date
from documents.kinds import sample_data as s
from documents.templating import TEMPLATE_ROOT

from .conftest import DOCX_CODES, pdf_text, squash

Sample = Callable[[str], dict[str, Any]]

KEY_TEXT = {
    "entrustment_agreement": ["委托代理协议", "NMGZC-WT-2026-0158", "内蒙古恒信招标代理有限公司",
                              "12150000MB1A234570", "编制征集文件，报甲方确认；",
                              "人民币壹拾贰万元整（¥120,000.00）", s.cn_day(s.ENTRUSTED)],
    "solicitation": ["征集文件", "第二章　供应商须知", "NMGZC-KJ-2026-0158", "6,500.00",
                     "价格优先法", f"{s.cn_day(s.DEADLINE)} 09:30", "响应文件应使用中文编制；"],
    "framework_agreement": ["框架协议", "NMGZC-KJ-2026-0158-KX01", "内蒙古草原云信息技术有限公司",
                            "人民币陆仟伍佰元整", "伍仟捌佰玖拾元整",
                            cn_date(date.fromisoformat(s.year_from(s.TERM_START)))],
    "contract": ["采购合同", "SHQJY-HT-2027-0031", "1115010501152378XQ", "长城 世恒TD120A2",
                 "人民币叁拾肆万伍仟陆佰元整（¥345,600.00）",
                 s.cn_day(s.CONTRACT_SIGNED)],
}


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.mark.parametrize("code", DOCX_CODES)
def test_docx_opens_and_carries_the_documents_content(code: str,
                                                      rendered_docx: dict[str, RenderedFile]
                                                      ) -> None:
    rendered = rendered_docx[code]
    assert rendered.media_type.endswith("wordprocessingml.document")
    text = _text(rendered.content)
    for expected in KEY_TEXT[code]:
        assert expected in text, expected
    assert "{{" not in text and "{%" not in text


def test_rich_text_becomes_separate_numbered_paragraphs(
        rendered_docx: dict[str, RenderedFile]) -> None:
    paragraphs = [p.text for p in docx.Document(
        io.BytesIO(rendered_docx["entrustment_agreement"].content)).paragraphs]
    assert "1.编制征集文件，报甲方确认；" in paragraphs
    assert "3.组织开启、评审，协助抽取评审专家；" in paragraphs


def _comparable(text: str) -> str:
    """Text without white space or page numbers."""
    return re.sub(r"—\d+—", "", squash(text))


@pytest.mark.parametrize("code", DOCX_CODES)
def test_the_docx_carries_the_same_text_as_the_pdf(code: str,
                                                   rendered_docx: dict[str, RenderedFile],
                                                   pdf_files: dict[str, Path]) -> None:
    """Every paragraph and table cell of the DOCX is in the PDF and, read the other way, every
    line the PDF prints is in the DOCX: the two are made from the same HTML."""
    document = docx.Document(io.BytesIO(rendered_docx[code].content))
    # list numbers are drawn in the PDF as markers, which pdftotext does not extract
    pieces = [re.sub(r"^(\d+\.|• )", "", p.text) for p in document.paragraphs]
    pieces += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    pdf = _comparable(pdf_text(pdf_files[code], raw=True))
    missing = [piece for piece in pieces if _comparable(piece) not in pdf]
    assert missing == []
    docx_text = _comparable("".join(pieces))
    pdf_lines = [line for line in pdf_text(pdf_files[code]).splitlines()
                 if _comparable(line)
                 and not re.fullmatch(r"—\s*\d+\s*—|\d+\.|•", line.strip())]
    absent = [line for line in pdf_lines if _comparable(line) not in docx_text
              and not all(_comparable(part) in docx_text for part in line.split())]
    assert absent == []


@pytest.mark.parametrize("code", DOCX_CODES)
def test_docx_metadata_names_no_generator(code: str,
                                          rendered_docx: dict[str, RenderedFile]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(rendered_docx[code].content))
    meta = archive.read("docProps/app.xml") + archive.read("docProps/core.xml")
    assert b"python-docx" not in meta and b"Microsoft" not in meta
    properties = docx.Document(io.BytesIO(rendered_docx[code].content)).core_properties
    assert properties.author == "框采" and properties.comments == ""


def test_docx_chapters_are_centred_and_page_numbers_alternate(
        rendered_docx: dict[str, RenderedFile]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document(io.BytesIO(rendered_docx["solicitation"].content))
    chapters = [p for p in document.paragraphs if p.text.startswith("第二章")]
    assert chapters and chapters[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize("code", DOCX_CODES)
def test_docx_bytes_are_deterministic(code: str, samples: dict[str, Any],
                                      rendered_docx: dict[str, RenderedFile]) -> None:
    again = render_docx(code, samples[code])
    assert again.content == rendered_docx[code].content
    assert again.sha256 == rendered_docx[code].sha256
    entries = zipfile.ZipFile(io.BytesIO(again.content)).infolist()
    assert entries[0].filename == "[Content_Types].xml"
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_metadata_is_dated_by_the_document(rendered_docx: dict[str, RenderedFile]) -> None:
    properties = docx.Document(io.BytesIO(rendered_docx["contract"].content)).core_properties
    assert properties.created == properties.modified
    signed = datetime.combine(s.day(s.CONTRACT_SIGNED), time())
    assert properties.created.replace(tzinfo=None) == signed
    assert properties.title == "采购合同"


def test_markup_in_values_is_escaped_into_text(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["contract_name"] = '台式计算机 & 打印机 <w:p> "采购" 合同'
    text = _text(render_docx("contract", data).content)
    assert '合同名称：台式计算机 & 打印机 <w:p> "采购" 合同' in text


def test_kinds_without_docx_say_so(samples: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedFormat, match="没有 DOCX"):
        render_docx("collection_announcement", samples["collection_announcement"])


def test_a_region_without_its_own_docx_uses_the_default(samples: dict[str, Any],
                                                        rendered_docx: dict[str, RenderedFile]
                                                        ) -> None:
    assert render_docx("contract", samples["contract"], region="150000").content == \
        rendered_docx["contract"].content


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_default_docx_templates_match_their_builder(name: str) -> None:
    committed = (TEMPLATE_ROOT / "default" / name).read_bytes()
    assert committed == build(name), f"run: python -m documents.docx_templates ({name})"


@pytest.mark.parametrize("code", DOCX_CODES)
def test_libreoffice_converts_the_docx_with_its_title(code: str,
                                                      libreoffice_pdfs: dict[str, Path]) -> None:
    # soffice exits 0 even when it converted nothing: judge by the PDF and its text.
    path = libreoffice_pdfs[code]
    assert path.exists() and path.read_bytes().startswith(b"%PDF-")
    text = squash(pdf_text(path))
    assert squash(get_kind(code).title) in text
    assert squash(KEY_TEXT[code][1]) in text
