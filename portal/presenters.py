"""Display helpers for documents: labels, states and a draft's answers for the check page."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, FieldList, Form, FormField, SelectField

import documents
from portal.domain.lifecycle import draft_formdata
from portal.models import Document, DocumentStatus

STATUS_LABELS = {
    DocumentStatus.draft: _l("草稿"),
    DocumentStatus.in_review: _l("审核中"),
    DocumentStatus.approved: _l("已审核"),
    DocumentStatus.sealed: _l("已盖章"),
    DocumentStatus.published: _l("已发布"),
}


SEALED_LABELS = {
    "supplier": _l("供应商已盖章"),
    "purchaser": _l("采购单位已盖章"),
    "collector": _l("征集人已盖章"),
    "agency": _l("代理机构已盖章"),
    "regulator": _l("财政部门已盖章"),
    "expert": _l("评审专家已签章"),
}


def sealed_label(role: str) -> str:
    return str(SEALED_LABELS.get(role, role))


def status_label(status: DocumentStatus) -> str:
    return str(STATUS_LABELS[status])


def kind_title(code: str) -> str:
    return documents.get_kind(code).title


def _labelled_leaves(form: Form | FormField, prefix: str = "") -> Iterator[
        tuple[str, str, object]]:
    """(name, label with its group and row, display value) for every leaf of a form."""
    for field in form:
        if isinstance(field, FormField):
            yield from _labelled_leaves(field, f"{prefix}{field.label.text} · ")
        elif isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                row = f"{prefix}{field.label.text}（第{number}行） · "
                if isinstance(entry, FormField):
                    yield from _labelled_leaves(entry, row)
                else:
                    yield entry.name, row.rstrip(" ·"), _display(entry)
        else:
            yield field.name, f"{prefix}{field.label.text}", _display(field)


def _display(field: Field) -> object:
    if isinstance(field, SelectField):
        return dict((str(k), v) for k, v, *_ in field.iter_choices()).get(str(field.data), "")
    value = field._value() if hasattr(field, "_value") else field.data
    if (field.render_kw or {}).get("data-rich-text") and isinstance(value, str):
        return Markup(documents.sanitize_html(value))  # noqa: S704  (sanitised just now)
    return value


def answers(doc: Document, step: documents.WizardStep) -> list[tuple[str, str, object]]:
    return list(_labelled_leaves(step.form_class(draft_formdata(doc))))


def field_label(kind: documents.Kind, path: str) -> str:
    if path == "upload":
        return str(_l("合同 PDF"))
    for step in kind.steps:
        for name, label, _value in _labelled_leaves(step.form_class()):
            if name == path:
                return f"{step.title} · {label}"
    return path or str(_l("文书"))


def init_app(app: Flask) -> None:
    for helper in (status_label, kind_title, answers, field_label, sealed_label):
        app.add_template_global(helper)
