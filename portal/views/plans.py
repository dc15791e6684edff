"""采购计划 (issue 15): a purchaser's plans, each line's budget, what call-offs spent, the rest.

Drafting and review go through the document pages like every document; these pages show what
an approved plan still allows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from portal import db
from portal.domain import purchasing_plans as plans
from portal.models import OrgKind
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("plans", __name__, url_prefix="/plans")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))


@bp.get("")
@access(PURCHASERS)
def index() -> Any:
    session = db.session()
    found = plans.of_org(session, current_user.org_id)
    return render("plans/index.html", plans=found, kind=plans.KIND,
                  lines={p.id: plans.lines(session, p) for p in found if plans.is_usable(p)})


@bp.get("/<int:plan_id>")
@access(PURCHASERS)
def show(plan_id: int) -> Any:
    session = db.session()
    plan = plans.load(session, current_user, plan_id)
    return render("plans/show.html", plan=plan, lines=plans.lines(session, plan),
                  usable=plans.is_usable(plan), spendings=list(plans.spendings(session, plan)),
                  source_label=plans.source_label)
