"""Checks that every rendered form field is the HTML control its WTForms field declares.

A field rendered with a wrong ``type`` (``type="None"`` once, from a template passing ``None``)
still posts, so only the rendered page shows it: a password typed in clear, a file input that is
a text box. :func:`captured_forms` records the forms a request renders (Flask's
``template_rendered`` signal); :func:`check_field_types` compares them with the HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

from flask import template_rendered
from wtforms import Field, FieldList, FormField
from wtforms.form import BaseForm
from wtforms.widgets import Input, Select, TextArea


class _Controls(HTMLParser):
    """Each element with an id: its tag and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, tuple[str, dict[str, str | None]]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.by_id.setdefault(str(found["id"]), (tag, found))


def leaves(fields: Any) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField | FieldList):
            yield from leaves(field)
        else:
            yield field


def expected_control(field: Field) -> tuple[str, str | None] | None:
    widget = field.widget
    if isinstance(widget, Input):
        return "input", widget.input_type
    if isinstance(widget, Select):
        return "select", None
    if isinstance(widget, TextArea):
        return "textarea", None
    return None  # radio lists and other compound widgets render no single control


def _forms_in(value: Any) -> Iterator[BaseForm]:
    if isinstance(value, BaseForm):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _forms_in(item)


@contextmanager
def captured_forms(app: Any) -> Iterator[list[BaseForm]]:
    """The forms handed to templates while the block runs."""
    forms: list[BaseForm] = []

    def record(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        for value in context.values():
            forms.extend(_forms_in(value))

    template_rendered.connect(record, app)
    try:
        yield forms
    finally:
        template_rendered.disconnect(record, app)


def check_field_types(html: str, forms: list[BaseForm]) -> set[str]:
    """Assert each rendered field of ``forms`` is its declared control; returns the names of
    the form classes with at least one field found on the page."""
    parser = _Controls()
    parser.feed(html)
    seen: set[str] = set()
    for form in forms:
        for field in leaves(form):
            control = expected_control(field)
            element = parser.by_id.get(field.id)
            if control is None or element is None:
                continue
            tag, attrs = element
            wanted_tag, wanted_type = control
            where = f"{type(form).__name__}.{field.name}"
            assert tag == wanted_tag, f"{where} rendered as <{tag}>, not <{wanted_tag}>"
            if wanted_type is not None:
                assert attrs.get("type") == wanted_type, (
                    f"{where} rendered with type={attrs.get('type')!r}, not {wanted_type!r}")
            seen.add(type(form).__name__)
    return seen
