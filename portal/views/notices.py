"""消息通知: an organisation's notices, and marking one read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from portal import db
from portal.domain import notices
from portal.forms import EmptyForm
from portal.models import Notice
from portal.policy import SIGNED_IN, access
from portal.web import render

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.get("")
@access(SIGNED_IN)
def index() -> Any:
    return render("notices/index.html", notices=notices.for_org(db.session(), current_user),
                  form=EmptyForm())


@bp.post("/<int:notice_id>/read")
@access(SIGNED_IN)
def read(notice_id: int) -> Any:
    notice = db.session().get(Notice, notice_id)
    if notice is None or notice.org_id != current_user.org_id:
        raise NotFound()
    if EmptyForm().validate_on_submit():
        notices.mark_read(db.session(), current_user, notice)
    return redirect(url_for(".index", _anchor=f"notice-{notice.id}"))
