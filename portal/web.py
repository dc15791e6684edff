"""Rendering helpers: every URL renders a full page; an HTMX request gets the page's named block."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Response, flash, redirect, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from portal import db, storage
from portal.domain.errors import DomainError

T = TypeVar("T")

MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def render(template: str, status: int = 200, block: str = "content", **context: Any) -> Any:
    """The whole page, or for an HTMX request the named block (``content`` by default)."""
    if request.htmx and not request.htmx.boosted:
        return render_block(template, block, **context), status
    return render_template(template, **context), status


def stored_file(sha256: str, fmt: str, name: str) -> Response:
    """A stored PDF or DOCX as a download named ``name``; its hash is its ETag."""
    response = Response(storage.read(sha256, f".{fmt}"), mimetype=MEDIA[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["ETag"] = f'"{sha256}"'
    return response


def carry_out(command: Callable[[], T], refused: Callable[[int, str], Any], done: str,
              then: Callable[[T], str],
              refusals: tuple[type[DomainError], ...] = (DomainError,)) -> Any:
    """A POST's domain command: refused, the session is rolled back and ``refused(status,
    message)`` shows the page again with what was typed; done, ``done`` is flashed and the
    browser sent to ``then(result)``."""
    try:
        result = command()
    except refusals as error:
        db.session().rollback()
        return refused(error.status_code, error.message)
    flash(done)
    return redirect(then(result))
