"""The official PRC working-day calendar (法定节假日与调休), year by year.

Years come from the arrangement shipped with the code (``portal/data/workdays.json``, or the
file named by ``KUANGCAI_WORKDAYS``) and from those an administrator records when the State
Council publishes the next year's (a recorded year takes precedence). A year with neither is
counted on weekends alone, and whoever reads a count that touches it is told so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db as portal_db
from portal.domain import audit
from portal.domain.errors import InvalidInput
from portal.models import CalendarYear, User

DEFAULT_CALENDAR = Path(__file__).resolve().parent.parent / "data" / "workdays.json"
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Arrangement:
    """One year's holidays and the weekend days worked in exchange, with the notice they
    come from."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    recorded: bool = False  # by an administrator (else shipped with the code)


@dataclass(frozen=True)
class WorkCalendar:
    arrangements: Mapping[int, Arrangement]

    def is_working_day(self, day: date) -> bool:
        arrangement = self.arrangements.get(day.year)
        if arrangement is not None and day in arrangement.workdays:
            return True
        holidays = arrangement.holidays if arrangement is not None else frozenset()
        return day.weekday() < 5 and day not in holidays

    def working_days(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both included."""
        days = (end - start).days + 1
        return sum(self.is_working_day(start + timedelta(n)) for n in range(max(days, 0)))

    def missing_years(self, start: date, end: date) -> list[int]:
        """Years from ``start`` to ``end`` that have no arrangement (counted on weekends)."""
        return [year for year in range(start.year, end.year + 1)
                if year not in self.arrangements]


def missing_note(years: Iterable[int]) -> str | None:
    """What a reader of a count over these unarranged years must be told, or None."""
    years = sorted(years)
    if not years:
        return None
    return _("%(years)s 年节假日安排未录入，按周末计算。",
             years="、".join(str(year) for year in years))


class ArrangementInvalid(InvalidInput):
    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(_("节假日安排有误，请按提示修改。"))
        self.errors = dict(errors)


def _dates(values: Any, field: str, errors: dict[str, list[str]]) -> list[date]:
    if not isinstance(values, list):
        errors.setdefault(field, []).append(_("应为日期列表"))
        return []
    found: list[date] = []
    for value in values:
        try:
            found.append(date.fromisoformat(str(value).strip()))
        except ValueError:
            errors.setdefault(field, []).append(
                _("“%(value)s”不是有效日期（格式如 2027-01-01）", value=str(value)[:20]))
    return found


def parse(raw: Mapping[str, Any], recorded: bool = True) -> Arrangement:
    """One year's arrangement from its plain form (``year``, ``source``, ``holidays``,
    ``workdays``); refused with every problem at once."""
    errors: dict[str, list[str]] = {}
    year = raw.get("year")
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = [_("年份应在 %(a)s 至 %(b)s 之间", a=FIRST_YEAR, b=LAST_YEAR)]
    source = str(raw.get("source") or "").strip()
    if not source:
        errors["source"] = [_("请填写所依据的通知（名称与发布日期）")]
    elif len(source) > 300:
        errors["source"] = [_("依据不超过 300 个字")]
    holidays = _dates(raw.get("holidays"), "holidays", errors)
    workdays = _dates(raw.get("workdays", []), "workdays", errors)
    if not holidays and "holidays" not in errors:
        errors["holidays"] = [_("请填写放假日期")]
    if isinstance(year, int):
        for field, days in (("holidays", holidays), ("workdays", workdays)):
            outside = [d.isoformat() for d in days if d.year != year]
            if outside:
                errors.setdefault(field, []).append(
                    _("不属于 %(year)s 年：%(days)s", year=year, days="、".join(outside)))
    weekdays = [d.isoformat() for d in workdays if d.weekday() < 5]
    if weekdays:
        errors.setdefault("workdays", []).append(
            _("调休上班日应为周六或周日：%(days)s", days="、".join(weekdays)))
    both = sorted(set(holidays) & set(workdays))
    if both:
        errors.setdefault("workdays", []).append(
            _("既是放假日又是上班日：%(days)s", days="、".join(d.isoformat() for d in both)))
    if errors:
        raise ArrangementInvalid(errors)
    assert isinstance(year, int)
    return Arrangement(year, frozenset(holidays), frozenset(workdays), source, recorded)


@cache
def shipped(path: str) -> dict[int, Arrangement]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {int(year): parse({"year": int(year), **entry}, recorded=False)
            for year, entry in data["years"].items()}


def _shipped_file() -> str:
    return str(current_app.config.get("WORKDAYS_FILE") or DEFAULT_CALENDAR)


def calendar(session: Session | None = None) -> WorkCalendar:
    """The shipped years, overlaid with those recorded in the database."""
    session = session or portal_db.session()
    years = dict(shipped(_shipped_file()))
    for row in session.scalars(select(CalendarYear)):
        years[row.year] = Arrangement(
            row.year, frozenset(map(date.fromisoformat, row.holidays)),
            frozenset(map(date.fromisoformat, row.workdays)), row.source, recorded=True)
    return WorkCalendar(years)


def record_year(session: Session, actor: User | None, arrangement: Arrangement) -> CalendarYear:
    """Record (or correct) one year's arrangement, audited."""
    row = session.get(CalendarYear, arrangement.year)
    before = None if row is None else {"holidays": len(row.holidays),
                                       "workdays": len(row.workdays)}
    if row is None:
        row = CalendarYear(year=arrangement.year)
        session.add(row)
    row.holidays = sorted(d.isoformat() for d in arrangement.holidays)
    row.workdays = sorted(d.isoformat() for d in arrangement.workdays)
    row.source, row.recorded_by_id = arrangement.source, actor.id if actor else None
    session.flush()
    audit.record(session, actor=actor, action="calendar.recorded", subject_type="calendar_year",
                 subject_id=arrangement.year, before=before and json.dumps(before),
                 after=json.dumps({"holidays": len(row.holidays), "workdays": len(row.workdays)}),
                 detail={"source": arrangement.source})
    session.commit()
    return row


def split_dates(text: str) -> list[str]:
    """Dates typed in a box: separated by spaces, commas or 、; ``A~B`` (or ``A至B``) is every
    day from A to B."""
    found: list[str] = []
    for token in text.replace("，", ",").replace("、", ",").replace(",", " ").split():
        first, _sep, last = token.replace("至", "~").partition("~")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            found.append(token)  # reported by parse() as not a date
            continue
        if not 0 <= (end - start).days <= 366:
            found.append(token)
            continue
        found.extend((start + timedelta(n)).isoformat() for n in range((end - start).days + 1))
    return found


def overview(session: Session, today: date) -> tuple[list[Arrangement], list[int]]:
    """Every year known, newest first, and this year and next if either is missing."""
    known = calendar(session).arrangements
    return (sorted(known.values(), key=lambda a: a.year, reverse=True),
            [year for year in (today.year, today.year + 1) if year not in known])


def read_file(path: Path) -> list[Arrangement]:
    """A file of one year (``{"year": …}``) or of several (``{"years": {"2027": …}}``, the
    shipped format)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(_("无法读取节假日文件：%(reason)s", reason=exc.__class__.__name__)) \
            from None
    if isinstance(data, dict) and isinstance(data.get("years"), dict):
        return [parse({**(entry if isinstance(entry, dict) else {}),
                       "year": int(year) if str(year).isdigit() else year})
                for year, entry in data["years"].items()]
    if isinstance(data, dict):
        return [parse(data)]
    raise InvalidInput(_("节假日文件应为 JSON 对象（含 year、source、holidays、workdays）"))
