"""Oversight by the regulator (财政部门): the audit trail and whether its chain is intact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from sqlalchemy import select

from portal import db, params
from portal.domain.audit import verify_chain
from portal.models import AuditEvent, OrgKind, Position
from portal.policy import access
from portal.web import render

bp = Blueprint("oversight", __name__, url_prefix="/oversight")

PAGE_SIZE = 50


@bp.get("/audit")
@access(roles=[OrgKind.regulator], positions=[Position.reviewer])
def audit_trail() -> Any:
    before = params.optional_id(request.args.get("before"))
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE_SIZE)
    if before:
        query = query.where(AuditEvent.seq < before)
    events = db.session().scalars(query).all()
    return render("oversight/audit.html", events=events, chain=verify_chain(db.session()),
                  next_before=events[-1].seq if len(events) == PAGE_SIZE else None)
