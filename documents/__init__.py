"""Kuangcai's document library: what each procurement document contains and how it looks.

It owns the catalogue of the sixteen document kinds (采购需求 … 采购合同), each declared once
in ``documents.kinds`` with its wizard steps (WTForms), templates, and who drafts, reviews
and seals it; validation of a document's data, identical for a wizard POST and for JSON;
and rendering to HTML (also the live preview), PDF (WeasyPrint, with seal anchors for the
``seals`` library) and, for the four editable kinds, DOCX (docxtpl). Output is deterministic:
the same data gives the same bytes and the same SHA-256.

It is a pure library: no Flask, no database, no clock. Data in, bytes out. Money is Decimal,
never float; rich text is sanitised; templates can be overridden per region (GB/T 2260 code).
"""

from codes.uscc import check_digit, is_valid_uscc
from documents.catalogue import KINDS, all_kinds, get_kind
from documents.errors import (
    DocumentError,
    RendererUnavailable,
    UnknownKind,
    UnknownStep,
    UnsupportedFormat,
    ValidationFailed,
)
from documents.formdata import to_formdata
from documents.kind import Kind, WizardStep
from documents.money import format_amount, parse_capitals, to_capitals
from documents.pdf_render import SealAnchor, require_harfbuzz_subset
from documents.rendering import RenderedFile, render_docx, render_html, render_pdf
from documents.richtext import sanitize_html
from documents.validation import (
    StepResult,
    ValidatedDocument,
    preview_data,
    validate,
    validate_step,
)

__all__ = [
    "KINDS",
    "DocumentError",
    "Kind",
    "RenderedFile",
    "RendererUnavailable",
    "SealAnchor",
    "StepResult",
    "UnknownKind",
    "UnknownStep",
    "UnsupportedFormat",
    "ValidatedDocument",
    "ValidationFailed",
    "WizardStep",
    "all_kinds",
    "check_digit",
    "format_amount",
    "get_kind",
    "is_valid_uscc",
    "parse_capitals",
    "preview_data",
    "render_docx",
    "render_html",
    "render_pdf",
    "require_harfbuzz_subset",
    "sanitize_html",
    "to_capitals",
    "to_formdata",
    "validate",
    "validate_step",
]
