"""Sessions: begun afresh at sign-in, revocable on the server, and only from our own pages.

The session cookie is signed but lives in the browser, so ending a session means refusing the
cookie. Each session carries the user's ``session_version`` from when it began; signing out,
or changing the password, raises the version and every cookie issued before is refused on its
next request (the loader below answers "nobody"). Sign-in clears whatever the session held
before, the CSRF secret included, so nothing minted before sign-in works after it.

State-changing requests must also come from our own pages: an ``Origin`` (or, without one, a
``Referer``) naming another site is refused even when the CSRF token is valid.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from flask_login import login_user
from flask_wtf.csrf import CSRFError

from portal import db

VERSION_KEY = "_sv"
KEPT = ("lang",)  # what survives sign-in: the visitor's choice of language
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def begin(user: Any) -> None:
    """A new session for ``user``: the old one's contents (its CSRF secret) are dropped."""
    kept = {key: session[key] for key in KEPT if key in session}
    session.clear()
    session.update(kept)
    login_user(user)
    session[VERSION_KEY] = user.session_version


def end() -> None:
    session.clear()


def load_user(user_id: str) -> Any:
    """Flask-Login's loader: the user, unless this session was revoked since it began."""
    from portal.models import User

    if not user_id.isdigit():
        return None
    user = db.session().get(User, int(user_id))
    if user is None or session.get(VERSION_KEY) != user.session_version:
        return None
    return user


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower() if parts.scheme in ("http", "https") else ""


def _check_origin() -> None:
    if request.method in SAFE_METHODS:
        return
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return  # older clients and tools send neither; the CSRF token still guards the form
    ours = {request.host.lower(), *current_app.config.get("TRUSTED_ORIGINS", ())}
    if _origin(claimed) not in ours:
        raise CSRFError(_("请求来源与本站不符，已拒绝。"))


def init_app(app: Flask) -> None:
    app.before_request(_check_origin)
