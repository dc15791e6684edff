"""Between JSON documents and WTForms: flattening, error paths, typed values.

A wizard POST arrives as ``items-0-name=…``; a JSON document as ``{"items": [{"name": …}]}``.
Flattening the JSON into the POST shape lets one set of form classes decide both, so a
document that validates in the API validates in the wizard and vice versa.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, Form, FormField

from documents.errors import ValidationFailed

FLOAT_MESSAGE = "不接受浮点数，请以字符串填写（如 \"1234.50\"）"
SEPARATOR = "-"


def _join(prefix: str, key: str | int) -> str:
    return f"{prefix}{SEPARATOR}{key}" if prefix else str(key)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def to_formdata(data: Mapping[str, Any]) -> MultiDict[str, str]:
    """Flatten a JSON-able document into WTForms names (``items-0-name``).

    Lists of scalars become repeated keys (multi-selects); ``None`` and ``False`` are left out,
    as a browser leaves out an empty checkbox. Floats are refused with field-level errors.
    """
    out, floats = flatten(data)
    if floats:
        raise ValidationFailed(floats)
    return out


def flatten(data: Mapping[str, Any]) -> tuple[MultiDict[str, str], dict[str, list[str]]]:
    """:func:`to_formdata` without raising: the flattened data and the float errors."""
    out: MultiDict[str, str] = MultiDict()
    floats: dict[str, list[str]] = {}

    def walk(value: Any, name: str) -> None:
        if isinstance(value, float):
            floats[name] = [FLOAT_MESSAGE]
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, _join(name, str(key)))
        elif isinstance(value, list | tuple):
            if all(not isinstance(item, Mapping | list | tuple) for item in value):
                for item in value:
                    if isinstance(item, float):
                        floats[name] = [FLOAT_MESSAGE]
                    elif item is not None:
                        out.add(name, _scalar(item))
            else:
                for index, item in enumerate(value):
                    walk(item, _join(name, index))
        elif value is None or value is False:
            return
        else:
            out.add(name, _scalar(value))

    walk(data, "")
    return out, floats


def iter_leaves(form: Form | FormField) -> Iterator[Field]:
    """Every leaf field of a (nested) form, FieldList entries included."""
    for field in form:
        if isinstance(field, FormField):
            yield from iter_leaves(field)
        elif isinstance(field, FieldList):
            yield field
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from iter_leaves(entry)
                else:
                    yield entry
        else:
            yield field


def form_errors(form: Form) -> dict[str, list[str]]:
    """Errors keyed by the field's WTForms name; list-level messages under the list's name."""
    errors: dict[str, list[str]] = {}
    for field in iter_leaves(form):
        if isinstance(field, FieldList):
            messages = [e for e in field.errors if isinstance(e, str)]
        else:
            messages = [str(e) for e in field.errors]
        if messages:
            errors.setdefault(field.name, []).extend(messages)
    return errors


def field_names(form: Form) -> set[str]:
    """Names a form reads, with FieldList names standing for all their entries."""
    names: set[str] = set()
    for field in iter_leaves(form):
        names.add(field.name)
    return names


def unknown_keys(formdata: MultiDict[str, str], forms: list[Form]) -> dict[str, list[str]]:
    """Keys in the input that no step reads: usually a typo that would silently vanish."""
    known: set[str] = set()
    for form in forms:
        known |= field_names(form)
    return {key: ["未知字段"] for key in formdata if key not in known}


def freeze(value: Any) -> Any:
    """Deeply read-only copy: dicts become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def to_jsonable(value: Any) -> Any:
    """Typed values back to the JSON shape: Decimal -> "1234.50", date -> "2026-11-21"."""
    if isinstance(value, Mapping):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Decimal | date):
        return _scalar(value)
    return value
