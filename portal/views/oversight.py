"""Oversight by the regulator (财政部门): the audit trail of its province's organisations and
whether the whole chain is intact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from portal import db, params
from portal.domain.audit import events_in_scope, verify_chain
from portal.models import OrgKind, Position
from portal.policy import access
from portal.web import render

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

PAGE_SIZE = 50


@bp.get("/audit")
@access(roles=[OrgKind.regulator], positions=[Position.reviewer])
def audit_trail() -> Any:
    events = events_in_scope(db.session(), current_user, params.optional_id(
        request.args.get("before")), PAGE_SIZE)
    return render("oversight/audit.html", events=events, chain=verify_chain(db.session()),
                  next_before=events[-1].seq if len(events) == PAGE_SIZE else None)
