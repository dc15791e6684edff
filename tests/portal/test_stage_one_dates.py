"""Stage one on fixed days the calendar will reach: the call published late in 2027, its
obtaining period and deadline running into 2028, a change after the new year; neither year has
holiday data shipped, so working days count weekends and the clerk is told. The clock is moved
(time-machine), so these hold whatever day the suite runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import select

from portal.domain import lifecycle, participation, projects, workdays
from portal.domain.errors import TransitionNotAllowed
from portal.models import CalendarYear, Notice, Participation, beijing_now
from tests.helpers import project_with_approved_plan
from tests.portal.test_participation import approve_and_seal, draft, join, user

pytestmark = pytest.mark.db

#: Monday 20 December 2027, 09:00 in Beijing
LATE_2027 = datetime(2027, 12, 20, 1, 0, tzinfo=UTC)


@pytest.fixture
def late_2027():
    with time_machine.travel(LATE_2027, tick=True) as traveller:
        yield traveller


def test_a_call_published_late_in_2027_runs_into_2028(late_2027, app, db, demo_keys,
                                                       signed_in) -> None:
    assert beijing_now().date() == date(2027, 12, 20)
    project = project_with_approved_plan(db)
    approve_and_seal(app, db, draft(db, project, "solicitation", "征集文件"))

    # five working days from 30 December: 30, 31 December and 3 January count, the weekend not
    short = draft(db, project, "collection_announcement", "征集公告",
                  obtain_start="2027-12-30T09:00", obtain_end="2028-01-03T17:00")
    assert lifecycle.notes(short) == [
        "征集文件提供期限按工作日计算：2027、2028 年节假日安排未录入，按周末计算。"]
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zj_clerk"), short, None)
    assert refused.value.errors["obtain_end"] == [
        "征集文件提供期限不得少于5个工作日（现为3个）。2027、2028 年节假日安排未录入，按周末计算。"]
    assert "2027、2028 年节假日安排未录入" in signed_in("zj_clerk").get(
        f"/documents/{short.id}/check").get_data(as_text=True)

    # the sample's own dates count from today: published 20 December, deadline 12 January
    call = draft(db, project, "collection_announcement", "征集公告")
    data = lifecycle.draft_formdata(call)
    assert (data["publication_date"], data["submission_deadline"]) == (
        "2027-12-20", "2028-01-12T09:30")
    approve_and_seal(app, db, call)
    lifecycle.publish(db, user(db, "zj_clerk"), call, None)

    mfr = signed_in("gys_mfr")
    assert join(mfr, project).status_code == 302
    assert mfr.get(f"/participation/{project.id}/solicitation.pdf").status_code == 200

    # after the obtaining period (2 January 2028) nobody else may join
    late_2027.move_to(datetime(2028, 1, 3, 1, 0, tzinfo=UTC))
    assert beijing_now().date() == date(2028, 1, 3)
    reseller = signed_in("gys_reseller")
    refused_join = join(reseller, project)
    assert refused_join.status_code == 409
    assert "不在征集文件获取时间内" in refused_join.get_data(as_text=True)
    with pytest.raises(TransitionNotAllowed):
        participation.join(db, user(db, "gys_reseller"), project, "王工", "13800000000",
                           "a@b.cn", beijing_now())

    # a change on 3 January, 9 days before the deadline, must move it at least 15 days out
    solicitation = projects.solicitation_of(db, project)
    lifecycle.reopen_for_change(db, user(db, "zj_clerk"), solicitation, None)
    approve_and_seal(app, db, solicitation)
    change = draft(db, project, "change_announcement", "变更公告",
                   change_date="2028-01-03", new_submission_deadline="2028-01-12T09:30")
    with pytest.raises(lifecycle.SubmissionInvalid) as unmoved:
        lifecycle.submit(db, user(db, "zj_clerk"), change, None)
    assert "须顺延提交截止时间" in unmoved.value.errors["new_submission_deadline"][0]
    moved = draft(db, project, "change_announcement", "变更公告",
                  change_date="2028-01-03", new_submission_deadline="2028-01-20T09:30")
    approve_and_seal(app, db, moved)
    lifecycle.publish(db, user(db, "zj_clerk"), moved, None)
    notice = db.scalar(select(Notice))
    assert notice.document_id == moved.id and "项目变更" in notice.subject
    assert len(db.scalars(select(Participation)).all()) == 1


def test_a_recorded_arrangement_for_2028_counts_its_holidays(late_2027, app, db,
                                                             demo) -> None:
    project = project_with_approved_plan(db)
    # 29–31 December 2027 and 3–4 January 2028: five working days on weekends alone
    doc = draft(db, project, "collection_announcement", "征集公告",
                obtain_start="2027-12-29T09:00", obtain_end="2028-01-04T17:00")
    assert lifecycle.check_draft(doc) == {}
    workdays.record_year(db, user(db, "cz_reviewer"), workdays.parse({
        "year": 2028, "source": "国务院办公厅关于2028年部分节假日安排的通知（测试用）",
        "holidays": ["2028-01-01", "2028-01-02", "2028-01-03"], "workdays": []}))
    assert db.get(CalendarYear, 2028) is not None
    # 3 January is now a holiday, and only 2027 is still counted on weekends
    assert lifecycle.check_draft(doc)["obtain_end"] == [
        "征集文件提供期限不得少于5个工作日（现为4个）。2027 年节假日安排未录入，按周末计算。"]
    assert lifecycle.notes(doc) == [
        "征集文件提供期限按工作日计算：2027 年节假日安排未录入，按周末计算。"]


def test_the_2026_arrangement_still_counts_its_holidays(app, db, demo) -> None:
    with time_machine.travel(datetime(2026, 9, 28, 1, 0, tzinfo=UTC), tick=True):
        project = project_with_approved_plan(db)
        doc = draft(db, project, "collection_announcement", "征集公告",
                    obtain_start="2026-09-30T09:00", obtain_end="2026-10-09T17:00")
        # 30 September, 8 and 9 October: National Day between them
        assert lifecycle.check_draft(doc)["obtain_end"] == [
            "征集文件提供期限不得少于5个工作日（现为3个）。"]
        assert lifecycle.notes(doc) == []
