"""DOCX with docxtpl, made deterministic.

python-docx stamps every zip entry with the current time, and a template's core properties may
carry any date; both are pinned here (entries to 1980-01-01, properties to the document's own
date), so the same data gives the same bytes and the same SHA-256.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined

from documents.templating import FILTERS, SectionCounter, configure

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)


def _docx_rich(value: Any) -> str:
    """Sanitised rich text as paragraphs; docxtpl turns ``\\a`` into a new paragraph."""
    return "\a".join(FILTERS["paragraphs"](value))


def docx_environment() -> Environment:
    # A fresh environment per render: docxtpl sets ``autoescape`` on whatever it is given.
    env = Environment(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
    configure(env)
    env.filters["docx_rich"] = _docx_rich
    env.globals["sections"] = SectionCounter
    return env


def _finalize(value: Any) -> Any:
    return "" if value is None else value


#: docProps/app.xml without the "Microsoft Macintosh Word" of python-docx's default template.
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>\xe6\xa1\x86\xe9\x87\x87</Application><DocSecurity>0</DocSecurity>"
    b"</Properties>"
)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, entries in their original order,
    and the application named as 框采."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            content = APP_XML if info.filename == "docProps/app.xml" else source.read(info)
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()


def _stamp(document: Any, dated: date | None, title: str) -> bytes:
    """Metadata of the document's own making: its date, 框采 as author, no generator notes."""
    properties = document.core_properties
    stamp = datetime(dated.year, dated.month, dated.day, tzinfo=UTC) if dated else FALLBACK_DATE
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    properties.last_modified_by = "框采"
    properties.author = "框采"
    properties.title = title
    properties.comments = ""
    properties.subject = ""
    properties.keywords = ""
    properties.category = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def render_docx_template(
    template: Path, context: dict[str, Any], dated: date | None, title: str
) -> bytes:
    """A region's own Word template (docxtpl), for wording a region edits in Word."""
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template))
    document.render(context, jinja_env=docx_environment(), autoescape=True)
    return _stamp(document.docx, dated, title)


def render_docx_html(html: str, dated: date | None, title: str) -> bytes:
    """The DOCX of the HTML the PDF is made from: the same content in both files."""
    from documents.docx_html import html_to_docx

    return _stamp(html_to_docx(html), dated, title)
