"""Signing in and out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from portal import db, sessions
from portal.domain import accounts
from portal.domain.errors import InvalidInput
from portal.extensions import limiter
from portal.forms import ChangePasswordForm, EmptyForm, LoginForm
from portal.policy import PUBLIC, SIGNED_IN, access
from portal.web import render

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.todo")


def _failed(response: Any) -> bool:
    """Only failed attempts count towards the limits; signing in successfully costs nothing."""
    return bool(response.status_code != 302)


def _login_key() -> str:
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()[:64]}"


def hasher() -> Any:
    cfg = current_app.config
    return accounts.password_hasher(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               key_func=_login_key, deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_IP_RATE_LIMIT"], methods=["POST"],
               deduct_when=_failed)
def login() -> Any:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.todo"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render("auth/login.html", 400 if request.method == "POST" else 200, form=form)
    try:
        user = accounts.authenticate(db.session(), hasher(), form.username.data, form.password.data)
    except accounts.AuthenticationFailed as exc:
        form.password.errors = [exc.message]
        return render("auth/login.html", 400, form=form)
    sessions.begin(user)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@access(SIGNED_IN)
def logout() -> Any:
    if EmptyForm().validate_on_submit():
        accounts.sign_out(db.session(), current_user)
        logout_user()
        sessions.end()
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@access(SIGNED_IN)
def change_password() -> Any:
    """A new password signs the user out everywhere else; this browser gets a new session."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render("auth/password.html", 400 if request.method == "POST" else 200, form=form)
    user = current_user._get_current_object()
    try:
        accounts.change_password(db.session(), hasher(), user, form.current.data, form.new.data)
    except InvalidInput as exc:
        form.current.errors = [exc.message]
        return render("auth/password.html", 400, form=form)
    sessions.begin(user)
    flash(_("密码已修改，其他设备上的登录已全部退出。"))
    return redirect(url_for("main.todo"))
