"""Time limits on announcements, counted on the PRC calendar with its make-up working days."""

from __future__ import annotations

from datetime import date

import pytest
from flask import current_app
from sqlalchemy import select

import documents
from documents.kinds import sample_data as s
from portal.domain import deadlines, lifecycle, workdays
from portal.domain.errors import TransitionNotAllowed
from portal.models import DocumentStatus, User
from tests.helpers import project_with_approved_plan

pytestmark = pytest.mark.db


def test_the_calendar_knows_holidays_and_make_up_working_days(app) -> None:
    with app.app_context():
        cal = workdays.calendar()
    assert cal.is_working_day(date(2026, 2, 14))  # a Saturday worked for the Spring Festival
    assert not cal.is_working_day(date(2026, 2, 16))  # a Monday of the Spring Festival
    assert not cal.is_working_day(date(2026, 11, 21))  # an ordinary Saturday
    # National Day: 28–30 Sep, then 8–9 Oct; 10 Oct (a Saturday worked) is outside the range
    assert cal.working_days(date(2026, 9, 28), date(2026, 10, 9)) == 5
    assert cal.working_days(date(2026, 9, 28), date(2026, 10, 10)) == 6


def draft_announcement(db, **changes):
    from portal.domain import projects

    project = project_with_approved_plan(db)
    kind = documents.get_kind("collection_announcement")
    clerk = db.scalar(select(User).where(User.username == "zj_clerk"))
    return clerk, projects.draft_document(db, clerk, project, kind.code, "征集公告",
                                          start_from={**kind.sample(), **changes})


def test_twenty_days_from_publication_to_the_deadline(db, demo) -> None:
    clerk, short = draft_announcement(db, submission_deadline=s.iso_time(15, "09:30"),
                                      opening_time=s.iso_time(15, "09:30"))
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, short, None)
    assert refused.value.errors["submission_deadline"] == [
        "自公告发布之日至响应文件提交截止之日不得少于20日（现为15日）。"]
    clerk, enough = draft_announcement(db)
    lifecycle.submit(db, clerk, enough, None)
    assert enough.status is DocumentStatus.in_review


def test_a_province_may_set_its_own_limit(db, demo) -> None:
    current_app.config["DEADLINE_RULES_BY_REGION"] = {"150000": {"collection_min_days": 15}}
    try:
        clerk, doc = draft_announcement(db, submission_deadline=s.iso_time(15, "09:30"),
                                        opening_time=s.iso_time(15, "09:30"))
        lifecycle.submit(db, clerk, doc, None)
        assert doc.status is DocumentStatus.in_review
    finally:
        current_app.config["DEADLINE_RULES_BY_REGION"] = {}


def test_the_solicitation_is_obtainable_five_working_days_across_holidays(db, demo) -> None:
    clerk, doc = draft_announcement(
        db, publication_date="2026-09-29", obtain_start="2026-09-30T09:00",
        obtain_end="2026-10-08T17:00", submission_deadline="2026-10-30T09:30",
        opening_time="2026-10-30T09:30")
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, doc, None)
    assert refused.value.errors["obtain_end"] == [
        "征集文件提供期限不得少于5个工作日（现为2个）。"]


def test_a_bidding_announcement_cannot_start_in_the_past(db, demo, monkeypatch) -> None:
    """二次竞价公告 (seed 002 1.3③): refused at submission when its start time has passed, and
    at publication when it passed meanwhile. Times derive from the clock."""
    from datetime import timedelta

    from portal.models import beijing_now

    kind = documents.get_kind("bidding_announcement")
    clerk = db.scalar(select(User).where(User.username == "cg_clerk"))
    now = beijing_now().replace(second=0, microsecond=0)

    def drafted(start):
        return lifecycle.create_draft(db, clerk, kind.code, "二次竞价公告", start_from={
            **kind.sample(), "published_at": (start - timedelta(days=1)).isoformat(),
            "start_time": start.isoformat()})

    late = drafted(now - timedelta(hours=1))
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, late, None)
    assert "不能早于当前时间" in refused.value.errors["start_time"][0]

    soon = drafted(now + timedelta(hours=1))
    lifecycle.submit(db, clerk, soon, None)  # no review: approved at once
    assert soon.status is DocumentStatus.approved
    monkeypatch.setattr(deadlines, "beijing_now", lambda: now + timedelta(hours=2))
    with pytest.raises(TransitionNotAllowed, match="不能早于当前时间"):
        lifecycle.publish(db, clerk, soon, None)
    assert soon.status is DocumentStatus.approved
