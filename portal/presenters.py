"""Display helpers for documents: labels, states and a draft's answers for the check page."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class AnswerTable:
    """A list of rows shown as a table on the check page: one column per leaf of a row,
    labelled as the wizard labels it, and each cell's field name (to mark its errors)."""

    name: str
    label: str
    columns: list[str]
    rows: list[list[tuple[str, object]]]


def answer_blocks(doc: Document, step: documents.WizardStep) -> list[
        tuple[str, str, object] | AnswerTable]:
    """The check page's answers: single fields as (name, label, value), lists of rows (lots,
    items, suppliers …) as tables."""
    draft = draft_formdata(doc)
    hidden = documents.get_kind(doc.kind).hidden_fields(draft)
    return list(_blocks(step.form_class(draft), "", hidden))


def _blocks(form: Form | FormField, prefix: str, hidden: Collection[str]) -> Iterator[
        tuple[str, str, object] | AnswerTable]:
    for field in form:
        if field.name in hidden:
            continue
        if isinstance(field, FormField):
            yield from _blocks(field, f"{prefix}{field.label.text} · ", hidden)
        elif isinstance(field, FieldList) and field.unbound_field.field_class is FormField:
            cells = [{label: (name, value) for name, label, value in _labelled_leaves(entry)}
                     for entry in field.entries]
            columns = list(dict.fromkeys(label for row in cells for label in row))
            rows = [[row.get(label, ("", "")) for label in columns] for row in cells]
            yield AnswerTable(field.name, f"{prefix}{field.label.text}", columns, rows)
        elif isinstance(field, FieldList):
            for number, entry in enumerate(field.entries, start=1):
                yield entry.name, f"{prefix}{field.label.text}（第{number}行）", _display(entry)
        else:
            yield field.name, f"{prefix}{field.label.text}", _display(field)


def field_label(kind: documents.Kind, path: str) -> str:
    """The Chinese label of a field path as the wizard shows it, rows numbered:
    ``surveyed_purchasers-1-name`` → 需求调查情况 · 调查的采购人 第 2 行 · 单位名称; a list's own
    path (``surveyed_purchasers``, "至少 3 家") → 需求调查情况 · 调查的采购人."""
    if path == "upload":
        return str(_l("合同 PDF"))
    for step in kind.steps:
        label = _label_of(step.form_class, path.split("-"))
        if label is not None:
            return f"{step.title} · {label}"
    return path or str(_l("文书"))


def _label_of(form_class: type[Form], parts: list[str]) -> str | None:
    field = next((f for f in form_class() if f.short_name == parts[0]), None)
    if field is None:
        return None
    label, rest = str(field.label.text), parts[1:]
    if not rest:
        return label
    if isinstance(field, FormField):
        inner = _label_of(field.form_class, rest)
        return None if inner is None else f"{label} · {inner}"
    if isinstance(field, FieldList) and rest[0].isdigit():
        row = str(_l("%(label)s 第 %(n)s 行", label=label, n=int(rest[0]) + 1))
        unbound = field.unbound_field
        if len(rest) == 1:
            return row
        if unbound.field_class is FormField:
            inner = _label_of(unbound.args[0], rest[1:])
            return None if inner is None else f"{row} · {inner}"
    return None


def init_app(app: Flask) -> None:
    for helper in (status_label, kind_title, answer_blocks, field_label, sealed_label):
        app.add_template_global(helper)
