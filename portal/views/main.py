"""Home page, 我的待办 and the language switch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from portal import db
from portal.policy import PUBLIC, SIGNED_IN, access
from portal.todo import todo_for
from portal.web import render

bp = Blueprint("main", __name__)


@bp.get("/")
@access(PUBLIC)
def home() -> Any:
    return render("main/home.html")


@bp.get("/todo")
@access(SIGNED_IN)
def todo() -> Any:
    groups = todo_for(db.session(), current_user)
    return render("main/todo.html", groups=groups)


@bp.get("/lang/<code>")
@access(PUBLIC)
def set_language(code: str) -> Any:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    back = request.referrer or ""
    host = request.host_url
    return redirect(back if back.startswith(host) else url_for("main.home"))
