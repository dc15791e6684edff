"""Rendering helpers: every URL renders a full page; an HTMX request gets the page's named block."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block

from portal import storage

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
