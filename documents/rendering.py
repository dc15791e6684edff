"""Public rendering: a kind code and its data in, HTML text or file bytes with SHA-256 out."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from markupsafe import Markup

from documents.catalogue import get_kind
from documents.errors import UnsupportedFormat, ValidationFailed
from documents.fonts import font_dir_from, fonts_css
from documents.kind import Kind
from documents.pdf_render import SealAnchor, html_to_pdf
from documents.templating import DEFAULT_FOLDER, SectionCounter, environment, template_path
from documents.validation import ValidatedDocument, preview_data, validate

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Fields that date a document, most telling first; DOCX metadata takes the first present.
DATE_FIELDS = ("signing_date", "issue_date", "publication_date", "announcement_date",
               "change_date", "report_date", "decision_date")


@dataclass(frozen=True)
class RenderedFile:
    """Bytes of a rendered document, their SHA-256 (hex), type, and seal anchors (PDF only)."""

    content: bytes
    sha256: str
    media_type: str
    anchors: Mapping[str, SealAnchor] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls, content: bytes, media_type: str, anchors: Mapping[str, SealAnchor] | None = None
    ) -> RenderedFile:
        return cls(
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            media_type=media_type,
            anchors=MappingProxyType(dict(anchors or {})),
        )


def _typed(kind: Kind, data: Mapping[str, Any] | ValidatedDocument) -> Mapping[str, Any]:
    if isinstance(data, ValidatedDocument):
        if data.kind != kind.code:
            raise ValidationFailed({"": [f"数据属于“{data.kind}”，不能按“{kind.code}”渲染"]})
        return data.data
    return validate(kind.code, data).data


def document_date(data: Mapping[str, Any]) -> date | None:
    for name in DATE_FIELDS:
        value = data.get(name)
        if isinstance(value, date):
            return value
    return None


def context(
    kind: Kind, data: Mapping[str, Any], region: str | None, *, preview: bool, css: str
) -> dict[str, Any]:
    values = dict(data)
    values.update(
        kind=kind, region_code=region, preview=preview, sec=SectionCounter(),
        fonts_css=Markup(css),  # noqa: S704 - built by documents.fonts, not from user data
    )
    return values


def render_html(
    kind_code: str,
    data: Mapping[str, Any] | ValidatedDocument,
    region: str | None = None,
    *,
    preview: bool = False,
    font_dir: str | os.PathLike[str] | None = None,
) -> str:
    """The document as HTML (what the PDF is made from, and the wizard's live preview).

    Data is validated first and :class:`ValidationFailed` raised, unless ``preview`` is set:
    then an unfinished draft renders with blanks where values are missing or unreadable.
    """
    kind = get_kind(kind_code)
    typed = preview_data(kind.code, data) if preview and isinstance(data, Mapping) else None
    if typed is None:
        typed = _typed(kind, data)
    css = fonts_css(font_dir_from(font_dir))
    template = environment(region).get_template(kind.html_template)
    return template.render(context(kind, typed, region, preview=preview, css=css))


def render_pdf(
    kind_code: str,
    data: Mapping[str, Any] | ValidatedDocument,
    region: str | None = None,
    *,
    font_dir: str | os.PathLike[str] | None = None,
) -> RenderedFile:
    """The document as PDF (WeasyPrint); same data gives byte-identical output."""
    directory = font_dir_from(font_dir)
    html = render_html(kind_code, data, region, font_dir=directory)
    content, anchors = html_to_pdf(html, directory)
    return RenderedFile.of(content, PDF, anchors)


def render_docx(
    kind_code: str, data: Mapping[str, Any] | ValidatedDocument, region: str | None = None
) -> RenderedFile:
    """The editable DOCX of the kinds that have one.

    Made from the same HTML as the PDF (so both carry the same text), unless the region has its
    own Word template beside its HTML ones: that one is filled with docxtpl.
    """
    from documents.docx_render import render_docx_html, render_docx_template

    kind = get_kind(kind_code)
    if kind.docx_template is None:
        raise UnsupportedFormat(f"{kind.title}（{kind.code}）没有 DOCX 版本")
    typed = _typed(kind, data)
    template = template_path(kind.docx_template, region)
    if template.parent.name != DEFAULT_FOLDER:
        values = context(kind, typed, region, preview=False, css="")
        content = render_docx_template(template, values, document_date(typed), kind.title)
    else:
        html = render_html(kind.code, ValidatedDocument(kind=kind.code, data=typed), region)
        content = render_docx_html(html, document_date(typed), kind.title)
    return RenderedFile.of(content, DOCX)
