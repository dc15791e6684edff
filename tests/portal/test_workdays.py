"""The working-day calendar: shipped years, years an administrator records (web page and
``kuangcai holidays import``), and years nobody recorded, which count weekends only and say so."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from portal.cli import main
from portal.domain import workdays
from portal.models import AuditEvent, CalendarYear, beijing_now
from tests.helpers import csrf_token

pytestmark = pytest.mark.db

#: a year the code will never ship: only a recorded arrangement makes it more than weekends
FAR = 2091


def test_a_year_without_data_counts_weekends_and_says_so(app) -> None:
    with app.app_context():
        calendar = workdays.calendar()
    assert FAR not in calendar.arrangements
    # 1 January 2091 is a Monday: without data it is a working day
    assert calendar.is_working_day(date(FAR, 1, 1))
    assert not calendar.is_working_day(date(FAR, 1, 6))  # a Saturday
    assert calendar.working_days(date(FAR - 1, 12, 28), date(FAR, 1, 5)) == 7
    assert calendar.missing_years(date(FAR - 1, 12, 28), date(FAR, 1, 5)) == [FAR - 1, FAR]
    assert workdays.missing_note([FAR - 1, FAR]) == (
        f"{FAR - 1}、{FAR} 年节假日安排未录入，按周末计算。")


def test_the_shipped_year_cites_the_notice_it_was_checked_against(app) -> None:
    with app.app_context():
        shipped = workdays.calendar().arrangements[2026]
    assert "国务院办公厅关于2026年部分节假日安排的通知" in shipped.source
    assert "2025年11月4日" in shipped.source
    assert len(shipped.holidays) == 33 and not shipped.recorded


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({"holidays": ["2091-13-01"]}, "holidays", "“2091-13-01”不是有效日期"),
    ({"holidays": ["2090-12-31"]}, "holidays", "不属于 2091 年：2090-12-31"),
    ({"workdays": ["2091-01-02"]}, "workdays", "调休上班日应为周六或周日：2091-01-02"),
    ({"workdays": ["2091-01-06"], "holidays": ["2091-01-06"]}, "workdays", "既是放假日又是上班日"),
    ({"holidays": []}, "holidays", "请填写放假日期"),
    ({"source": " "}, "source", "请填写所依据的通知"),
    ({"year": 1999}, "year", "年份应在 2000 至 2100 之间"),
])
def test_a_wrong_arrangement_is_refused_with_the_reason(app, raw, field, message) -> None:
    entry = {"year": FAR, "source": "通知", "holidays": ["2091-01-01"], "workdays": [], **raw}
    with app.app_context(), pytest.raises(workdays.ArrangementInvalid) as refused:
        workdays.parse(entry)
    assert any(message in text for text in refused.value.errors[field]), refused.value.errors


def test_dates_typed_in_a_box_take_ranges_and_chinese_separators() -> None:
    typed = "2091-01-01~2091-01-03，2091-02-01、2091-02-02 2091-03-01至2091-03-01"
    assert workdays.split_dates(typed) == ["2091-01-01", "2091-01-02", "2091-01-03",
                                           "2091-02-01", "2091-02-02", "2091-03-01"]
    assert workdays.split_dates("2091-01-01~2093-01-01 x") == ["2091-01-01~2093-01-01", "x"]


def test_the_administrator_sees_missing_years_and_records_one(app, db, demo,
                                                              signed_in) -> None:
    today = beijing_now().date()
    shipped = set(workdays.shipped(str(workdays.DEFAULT_CALENDAR)))
    missing = [year for year in (today.year, today.year + 1) if year not in shipped]
    admin = signed_in("cz_reviewer")
    page = admin.get("/oversight/calendar").get_data(as_text=True)
    for year in missing:  # one note names them all: "2027、2028 年节假日安排未录入…"
        assert f"{year}" in page
    if missing:
        assert f"{missing[-1]} 年节假日安排未录入，按周末计算。" in page
    assert "国务院办公厅关于2026年部分节假日安排的通知" in page

    token = csrf_token(page)
    refused = admin.post("/oversight/calendar", data={
        "csrf_token": token, "year": FAR, "source": "", "holidays": "2091-01-01 2091-02-30",
        "workdays": "2091-01-03"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "请填写所依据的通知" in text and "“2091-02-30”不是有效日期" in text
    assert "调休上班日应为周六或周日：2091-01-03" in text
    assert "2091-01-01 2091-02-30" in text  # what was typed is kept
    assert db.scalar(select(CalendarYear)) is None

    recorded = admin.post("/oversight/calendar", data={
        "csrf_token": token, "year": FAR, "source": f"国务院办公厅关于{FAR}年部分节假日安排的通知",
        "holidays": "2091-01-01~2091-01-03", "workdays": "2090-12-30 2091-01-06"})
    assert recorded.status_code == 400  # 2090-12-30 is not in 2091
    recorded = admin.post("/oversight/calendar", data={
        "csrf_token": token, "year": FAR, "source": f"国务院办公厅关于{FAR}年部分节假日安排的通知",
        "holidays": "2091-01-01~2091-01-03", "workdays": "2091-01-06"}, follow_redirects=True)
    assert f"已录入 {FAR} 年节假日安排。" in recorded.get_data(as_text=True)
    with app.app_context():
        calendar = workdays.calendar()
    assert not calendar.is_working_day(date(FAR, 1, 1))
    assert calendar.is_working_day(date(FAR, 1, 6))  # a Saturday worked
    assert calendar.working_days(date(FAR - 1, 12, 28), date(FAR, 1, 5)) == 4
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "calendar.recorded"))
    assert event.subject_id == str(FAR) and event.actor_user_id is not None

    assert signed_in("zj_clerk").get("/oversight/calendar").status_code == 403


def test_kuangcai_holidays_import_records_a_file_or_refuses_it_whole(
        app, db, database_url, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KUANGCAI_ENV", "test")
    good = {"year": FAR, "source": "通知", "holidays": ["2091-01-01"], "workdays": []}
    bad = {"years": {str(FAR): good, str(FAR + 1): {**good, "holidays": ["2091-01-01"]}}}
    path = tmp_path / "holidays.json"
    runner = CliRunner()

    path.write_text(json.dumps(bad), encoding="utf-8")
    refused = runner.invoke(main, ["holidays", "import", str(path)])
    assert refused.exit_code == 1 and "不属于 2092 年：2091-01-01" in refused.output
    assert "Traceback" not in refused.output
    path.write_text("{not json", encoding="utf-8")
    unreadable = runner.invoke(main, ["holidays", "import", str(path)])
    assert unreadable.exit_code == 1 and "无法读取节假日文件" in unreadable.output
    assert db.scalar(select(CalendarYear)) is None

    path.write_text(json.dumps(good), encoding="utf-8")
    done = runner.invoke(main, ["holidays", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert f"已录入 {FAR} 年节假日安排" in done.output
    listed = runner.invoke(main, ["holidays", "list"])
    assert f"{FAR}\t放假 1 天" in listed.output and "2026\t放假 33 天" in listed.output
