"""Oversight by the regulator (财政部门): the audit trail of its province's organisations and
whether the whole chain is intact."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import db, params
from portal.domain import workdays
from portal.domain.audit import events_in_scope, verify_chain
from portal.forms import CalendarYearForm
from portal.models import OrgKind, Position, beijing_now
from portal.policy import Access, access
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


#: the regulator's reviewers oversee the platform: its audit trail and its calendar
ADMINISTRATOR = Access(roles=frozenset({OrgKind.regulator}),
                       positions=frozenset({Position.reviewer}))


def _calendar_page(form: CalendarYearForm, status: int = 200) -> Any:
    years, missing = workdays.overview(db.session(), beijing_now().date())
    return render("oversight/calendar.html", status, form=form, years=years,
                  missing_note=workdays.missing_note(missing))


@bp.get("/calendar")
@access(ADMINISTRATOR)
def calendar() -> Any:
    return _calendar_page(CalendarYearForm())


@bp.post("/calendar")
@access(ADMINISTRATOR)
def record_year() -> Any:
    form = CalendarYearForm()
    if not form.validate_on_submit():
        return _calendar_page(form, 400)
    try:
        arrangement = workdays.parse({
            "year": form.year.data, "source": form.source.data,
            "holidays": workdays.split_dates(form.holidays.data or ""),
            "workdays": workdays.split_dates(form.workdays.data or "")})
    except workdays.ArrangementInvalid as refused:
        for name, messages in refused.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, *messages]
        return _calendar_page(form, 400)
    workdays.record_year(db.session(), current_user, arrangement)
    flash(_("已录入 %(year)s 年节假日安排。", year=arrangement.year))
    return redirect(url_for(".calendar"))
