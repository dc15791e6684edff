"""Error pages (full page or HTMX fragment) and the mapping of domain exceptions."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from portal.domain.errors import DomainError
from portal.web import render

TITLES = {
    400: _l("请求有误"),
    403: _l("无权访问"),
    404: _l("页面不存在"),
    405: _l("请求方式不允许"),
    409: _l("操作冲突"),
    410: _l("该步骤已完成"),
    413: _l("上传文件过大"),
    429: _l("请求过于频繁"),
    500: _l("系统内部错误"),
    503: _l("服务暂不可用"),
}


def _rollback() -> None:
    """A failed flush or commit leaves the request's session unusable until rolled back; the
    error page reads ``current_user`` through it (a race's loser got PendingRollbackError)."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # noqa: BLE001  (the connection itself is gone: the page still renders)
            session.invalidate()


def error_page(status: int, message: str | None = None) -> Any:
    _rollback()
    title = str(TITLES.get(status, _("出错了")))
    return render("errors/error.html", status=status, code=status, title=title, message=message)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        code = exc.code or 500
        if code == 429:
            return error_page(429, _("操作过于频繁，请稍后再试。"))
        return error_page(code)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        return error_page(400, _("表单已过期或来源无法验证，请刷新页面后重新提交。"))

    def _rollback() -> None:
        """A failed flush leaves the session unusable; the error page needs it (current user)."""
        from portal import db

        try:
            db.session().rollback()
        except Exception:  # noqa: BLE001 - the page is still worth trying
            app.logger.exception("rollback failed")

    @app.errorhandler(StaleDataError)
    def _stale(exc: StaleDataError) -> Any:
        _rollback()
        # Two people saved the same item at once; the later commit lost the race.
        return error_page(409, _("该文书已被他人修改，请刷新页面查看最新内容后再操作。"))

    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> Any:
        return error_page(exc.status_code, exc.message)

    @app.errorhandler(OSError)
    def _storage(exc: OSError) -> Any:
        # a full or read-only disk; the message never names the server's paths
        app.logger.exception("storage error")
        return error_page(503, _("文件存储暂不可用（磁盘已满或只读），请稍后重试或联系管理员。"))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        app.logger.exception("unhandled error")
        _rollback()
        try:
            return error_page(500, _("请求未能完成，已记录错误。请稍后重试或联系管理员。"))
        except Exception:  # the page itself failed: answer plainly rather than not at all
            app.logger.exception("error page failed")
            return Response("500 系统内部错误", status=500, mimetype="text/plain")
