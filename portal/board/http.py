"""HTTP caching for the board: strong validators from what the content is made of.

Published content never changes in place, so a page's ETag is a hash of the announcement (or
the board's state, for lists and feeds) plus whatever else shapes the response: the language,
who is signed in (the page header shows them), and which fragment HTMX asked for, if any.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import Response, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import is_resource_modified


def etag_for(*parts: object, personal: bool = True) -> str:
    context: tuple[object, ...] = ()
    if personal:
        user = current_user.get_id() if current_user.is_authenticated else "-"
        context = (str(get_locale()), user, request.headers.get("HX-Request", ""),
                   request.headers.get("HX-Target", ""))  # which fragment, if any
    material = "|".join(str(p) for p in (*parts, *context))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC, microsecond=0) if value else None


def unchanged(etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy (If-None-Match / If-Modified-Since) is still current."""
    return not is_resource_modified(request.environ, etag=etag,
                                    last_modified=_aware(last_modified))


def not_modified(etag: str, last_modified: datetime | None) -> Response:
    return validated(Response(status=304), etag, last_modified)


def validated(response: Response, etag: str, last_modified: datetime | None,
              cache_control: str = "no-cache") -> Response:
    response.set_etag(etag)
    response.last_modified = _aware(last_modified)
    response.headers["Cache-Control"] = cache_control
    return response
