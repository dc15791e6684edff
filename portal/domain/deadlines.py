"""Time limits on announcements, counted on the official PRC calendar (调休 included).

The calendar is data (``portal/data/workdays.json``, or the file named by
``KUANGCAI_WORKDAYS``) that an administrator extends each year when the State Council publishes
the next year's arrangement. The limits are configurable: ``DEADLINE_RULES`` holds the defaults
of documents.md and ``DEADLINE_RULES_BY_REGION`` overrides them per province (GB/T 2260 code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from portal.domain import lifecycle
from portal.models import Document, beijing_now

DEFAULT_CALENDAR = Path(__file__).resolve().parent.parent / "data" / "workdays.json"


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]  # weekends worked in exchange (调休上班)

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_days(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both included."""
        days = (end - start).days + 1
        return sum(self.is_working_day(start + timedelta(n)) for n in range(max(days, 0)))


@cache
def load_calendar(path: str) -> WorkCalendar:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return WorkCalendar(frozenset(date.fromisoformat(d) for d in data["holidays"]),
                        frozenset(date.fromisoformat(d) for d in data["workdays"]))


def calendar() -> WorkCalendar:
    return load_calendar(str(current_app.config.get("WORKDAYS_FILE") or DEFAULT_CALENDAR))


def rule_value(doc: Document, name: str) -> int:
    config = current_app.config
    province = (doc.region_code or "")[:2] + "0000"
    override: Mapping[str, int] = config["DEADLINE_RULES_BY_REGION"].get(province, {})
    return int(override.get(name, config["DEADLINE_RULES"][name]))


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def collection_time_limits(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """征集公告: publication to submission deadline at least N days (default 20); the
    solicitation document obtainable at least N working days (default 5)."""
    errors: dict[str, list[str]] = {}
    minimum = rule_value(doc, "collection_min_days")
    published, deadline = _day(data["publication_date"]), _day(data["submission_deadline"])
    if (deadline - published).days < minimum:
        errors["submission_deadline"] = [_(
            "自公告发布之日至响应文件提交截止之日不得少于%(n)s日（现为%(d)s日）。",
            n=minimum, d=(deadline - published).days)]
    working = calendar().working_days(_day(data["obtain_start"]), _day(data["obtain_end"]))
    at_least = rule_value(doc, "obtain_min_working_days")
    if working < at_least:
        errors["obtain_end"] = [_("征集文件提供期限不得少于%(n)s个工作日（现为%(d)s个）。",
                                  n=at_least, d=working)]
    return errors


def bidding_not_in_the_past(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """二次竞价公告: bidding does not start in the past (seed 002 1.3③); that it starts no
    earlier than the announcement's publication the kind checks itself."""
    start = data.get("start_time")
    return _not_past(start) if isinstance(start, datetime) else {}


def _not_past(start: datetime) -> dict[str, list[str]]:
    now = beijing_now()
    if start < now:
        return {"start_time": [_(
            "竞价开始时间（%(start)s）已过，不能早于当前时间（北京时间 %(now)s）。",
            start=start.strftime("%Y-%m-%d %H:%M"), now=now.strftime("%Y-%m-%d %H:%M"))]}
    return {}


def bidding_not_started(session: Any, doc: Document) -> str | None:
    """At publication too: an approved announcement whose start time has passed meanwhile."""
    revision = doc.current_revision
    start = revision.data.get("start_time") if revision else None
    if start is None:
        return None
    refusal = _not_past(datetime.fromisoformat(start))
    return refusal["start_time"][0] if refusal else None


lifecycle.register_rule("collection_announcement", collection_time_limits)
lifecycle.register_rule("bidding_announcement", bidding_not_in_the_past)
lifecycle.register_publish_guard("bidding_announcement", bidding_not_started)
