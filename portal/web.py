"""Rendering helpers: every URL renders a full page; an HTMX request gets the page's named block."""

from __future__ import annotations

from typing import Any

from flask import render_template
from htmx_flask import request
from jinja2_fragments.flask import render_block


def render(template: str, status: int = 200, block: str = "content", **context: Any) -> Any:
    """The whole page, or for an HTMX request the named block (``content`` by default)."""
    if request.htmx and not request.htmx.boosted:
        return render_block(template, block, **context), status
    return render_template(template, **context), status
