"""Display helpers for documents: labels, states and a draft's answers for the check page."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, SelectField

import documents
from documents.formdata import iter_leaves
from portal.domain.lifecycle import draft_formdata
from portal.models import Document, DocumentStatus

STATUS_LABELS = {
    DocumentStatus.draft: _l("草稿"),
    DocumentStatus.in_review: _l("审核中"),
    DocumentStatus.approved: _l("已审核"),
    DocumentStatus.sealed: _l("已盖章"),
    DocumentStatus.published: _l("已发布"),
}


def status_label(status: DocumentStatus) -> str:
    return str(STATUS_LABELS[status])


def kind_title(code: str) -> str:
    return documents.get_kind(code).title


def _labelled_leaves(form: Form) -> Iterator[tuple[str, str, object]]:
    for leaf in iter_leaves(form):
        if isinstance(leaf, FieldList):
            continue
        label = leaf.label.text
        parts = leaf.name.split("-")
        if len(parts) >= 3 and parts[-2].isdigit():
            label = f"{label}（第{int(parts[-2]) + 1}行）"
        value: object = leaf._value() if hasattr(leaf, "_value") else leaf.data
        if isinstance(leaf, SelectField):
            value = dict((str(k), v) for k, v, *_ in leaf.iter_choices()).get(str(leaf.data), "")
        yield leaf.name, label, value


def answers(doc: Document, step: documents.WizardStep) -> list[tuple[str, str, object]]:
    return list(_labelled_leaves(step.form_class(draft_formdata(doc))))


def field_label(kind: documents.Kind, path: str) -> str:
    for step in kind.steps:
        for name, label, _value in _labelled_leaves(step.form_class()):
            if name == path:
                return f"{step.title} · {label}"
    return path or str(_l("文书"))


def init_app(app: Flask) -> None:
    for helper in (status_label, kind_title, answers, field_label):
        app.add_template_global(helper)
