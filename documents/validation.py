"""Deciding whether data makes a document of a kind: one path for wizard posts and JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form

from documents.catalogue import get_kind
from documents.errors import ValidationFailed
from documents.formdata import field_names, flatten, form_errors, freeze, iter_leaves, to_jsonable
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
