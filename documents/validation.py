"""Deciding whether data makes a document of a kind: one path for wizard posts and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form

from documents.catalogue import get_kind
from documents.errors import ValidationFailed
from documents.fields import MaxLength
from documents.formdata import (
    field_names,
    flatten,
    form_errors,
    freeze,
    iter_leaves,
    to_jsonable,
)
from documents.kind import Kind


@dataclass(frozen=True)
class ValidatedDocument:
    """Data that passed every step form and rule of its kind.

    ``data`` is deeply read-only and typed: money and quantities are ``Decimal``, dates
    ``date``, times ``datetime``, rows tuples of mappings. :meth:`to_json` gives the canonical
    JSON shape back (amounts as "1234.50"), which is what a draft should store.
    """

    kind: str
    data: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = to_jsonable(self.data)
        return result


@dataclass(frozen=True)
class StepResult:
    """A wizard step after a POST: the bound form to re-render, its data and its errors."""

    form: Form
    data: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    refused: bool = False  # nothing was kept: a value beyond what its field may hold

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_formdata(data: Any) -> tuple[MultiDict[str, str], dict[str, list[str]]]:
    """The input as a multi-dict, plus errors found while flattening (floats)."""
    if isinstance(data, MultiDict):
        return data, {}
    if hasattr(data, "getlist"):  # another framework's multi-dict (a Flask request.form)
        return MultiDict([(k, v) for k in data for v in data.getlist(k)]), {}
    if not isinstance(data, Mapping):
        raise ValidationFailed({"": ["文书数据必须是 JSON 对象"]})
    return flatten(data)


def _run_checks(kind: Kind, typed: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for check in kind.checks:
        for path, messages in check(typed).items():
            errors.setdefault(path, []).extend(messages)
    return errors


def bind_steps(kind: Kind, formdata: MultiDict[str, str]) -> list[Form]:
    return [step.form_class(formdata) for step in kind.steps]


def validate(kind_code: str, data: Mapping[str, Any]) -> ValidatedDocument:
    """Validate a whole document; raises :class:`ValidationFailed` with every field's errors."""
    kind = get_kind(kind_code)
    formdata, errors = _as_formdata(data)
    unreadable = set(errors)  # floats: "required" on top of "no floats" would only confuse
    forms = bind_steps(kind, formdata)
    typed: dict[str, Any] = {}
    known: set[str] = set()
    for form in forms:
        form.validate()
        for path, messages in form_errors(form).items():
            if path not in unreadable:
                errors.setdefault(path, []).extend(messages)
        typed.update(form.data)
        known |= field_names(form)
    for key in formdata:
        if key not in known and key not in errors:
            errors[key] = ["未知字段"]
    if not errors:
        errors = _run_checks(kind, typed)
    if errors:
        raise ValidationFailed(errors)
    return ValidatedDocument(kind=kind.code, data=freeze(typed))


def validate_step(kind_code: str, step_slug: str, formdata: Any) -> StepResult:
    """Validate one wizard step (a POST's multi-dict or a nested JSON mapping).

    Rules that span steps run too, but only report on this step's fields; the rest wait for
    :func:`validate` on the check-your-answers page.
    """
    kind = get_kind(kind_code)
    step = kind.step(step_slug)
    flat, errors = _as_formdata(formdata)
    unreadable = set(errors)
    form = step.form_class(flat)
    form.validate()
    for path, messages in form_errors(form).items():
        if path not in unreadable:
            errors.setdefault(path, []).extend(messages)
    typed = dict(form.data)
    if not errors:
        leaves = {field.name: field for field in iter_leaves(form)}
        for path, messages in _run_checks(kind, typed).items():
            if path in leaves:
                errors.setdefault(path, []).extend(messages)
                # shown beside the field, not only counted: a failed step always says why
                leaves[path].errors = [*leaves[path].errors, *messages]
    return StepResult(form=form, data=to_jsonable(typed), errors=errors)


def preview_data(kind_code: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Typed data for a live preview of an unfinished draft: missing or unreadable values are
    blank strings, so the preview shows gaps rather than errors."""
    kind = get_kind(kind_code)
    try:
        formdata, _ = _as_formdata(data)
    except ValidationFailed:
        formdata = MultiDict()
    typed: dict[str, Any] = {}
    for form in bind_steps(kind, formdata):
        typed.update(form.data)
    return freeze(_blank_missing(typed))


def _blank_missing(value: Any) -> Any:
    # Templates join values with "~"; a missing one must print as nothing, not "None".
    if isinstance(value, Mapping):
        return {key: _blank_missing(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_blank_missing(item) for item in value]
    return "" if value is None else value


# What a draft may hold at all, valid or not: a value over its field's limit is refused, never
# stored (a step keeps what was typed, so the limit must hold before saving, not only at submit).
MAX_VALUE = 30_000  # the longest field any kind declares (rich text)
MAX_VALUES = 3_000  # values in one step's post


def _limit(field: Any) -> int:
    return next((v.limit for v in field.validators if isinstance(v, MaxLength)), MAX_VALUE)


def _is_rich(field: Any) -> bool:
    return bool((field.render_kw or {}).get("data-rich-text"))


def refused_values(form: Form, formdata: MultiDict[str, str]) -> dict[str, list[str]]:
    """Errors for posted values that must not be stored: longer than their field allows (rich
    text measured once sanitised, with room for markup), or too many values altogether.
    ``form`` is the step's form bound to ``formdata``."""
    pairs = list(formdata.items(multi=True))
    if len(pairs) > MAX_VALUES:
        return {"": [f"提交的内容过多（超过{MAX_VALUES}项），未保存"]}
    leaves = {f.name: f for f in iter_leaves(form) if not isinstance(f, FieldList)}
    errors: dict[str, list[str]] = {}
    for key, value in pairs:
        field = leaves.get(key)
        limit, rich, label, measured = MAX_VALUE, False, key, value.strip()
        if field is not None:
            limit, rich, label = _limit(field), _is_rich(field), field.label.text
            if rich and isinstance(field.data, str):
                measured = field.data
        if len(measured) > limit or len(value) > (4 * limit if rich else MAX_VALUE):
            errors.setdefault(key, []).append(f"{label}不能超过{limit}个字，本次填写未保存")
    return errors


def sanitised_values(form: Form) -> dict[str, str]:
    """The stored form of each rich-text value in ``form`` (bound): already sanitised, so a
    draft never holds a script, not even before submission."""
    return {f.name: f.data for f in iter_leaves(form)
            if not isinstance(f, FieldList) and _is_rich(f) and isinstance(f.data, str)}


def row_list(form: Form, name: str) -> FieldList | None:
    """The list of rows (a FieldList, nested or not) called ``name`` in ``form``, if any."""
    return next((f for f in iter_leaves(form) if isinstance(f, FieldList) and f.name == name),
                None)


def is_row(form: Form, name: str) -> bool:
    """Whether ``name`` is one row (an entry) of a row list in ``form``."""
    return any(entry.name == name for f in iter_leaves(form) if isinstance(f, FieldList)
               for entry in f.entries)
