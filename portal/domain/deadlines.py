"""Time limits on announcements, counted on the official PRC calendar (调休 included).

The calendar is ``portal.domain.workdays``: the shipped years plus those an administrator
records. The limits are configurable: ``DEADLINE_RULES`` holds the defaults of documents.md and
``DEADLINE_RULES_BY_REGION`` overrides them per province (GB/T 2260 code).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from portal.domain import lifecycle, workdays
from portal.models import Document, beijing_now


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
    start, end = _day(data["obtain_start"]), _day(data["obtain_end"])
    calendar = workdays.calendar()
    working = calendar.working_days(start, end)
    at_least = rule_value(doc, "obtain_min_working_days")
    if working < at_least:
        message = _("征集文件提供期限不得少于%(n)s个工作日（现为%(d)s个）。",
                    n=at_least, d=working)
        note = workdays.missing_note(calendar.missing_years(start, end))
        errors["obtain_end"] = [f"{message}{note}" if note else message]
    return errors


def _draft_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def collection_calendar_note(doc: Document, draft: Mapping[str, Any]) -> list[str]:
    """Tells the clerk when the obtaining period runs through a year without holiday data."""
    start, end = _draft_day(draft.get("obtain_start")), _draft_day(draft.get("obtain_end"))
    if start is None or end is None:
        return []
    note = workdays.missing_note(workdays.calendar().missing_years(start, end))
    return [_("征集文件提供期限按工作日计算：%(note)s", note=note)] if note else []


lifecycle.register_rule("collection_announcement", collection_time_limits)
lifecycle.register_note("collection_announcement", collection_calendar_note)


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


lifecycle.register_rule("bidding_announcement", bidding_not_in_the_past)
lifecycle.register_publish_guard("bidding_announcement", bidding_not_started)
