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


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, entries in their original order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()


def render_docx_template(
    template: Path, context: dict[str, Any], dated: date | None, title: str
) -> bytes:
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(template))
    document.render(context, jinja_env=docx_environment(), autoescape=True)
    properties = document.docx.core_properties
    stamp = datetime(dated.year, dated.month, dated.day, tzinfo=UTC) if dated else FALLBACK_DATE
    properties.created = stamp
    properties.modified = stamp
    properties.last_printed = stamp
    properties.revision = 1
    properties.last_modified_by = "框采"
    properties.author = "框采"
    properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())
