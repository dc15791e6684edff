"""Jinja filters and globals shared by the portal's pages."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

POSITION_LABELS = {"clerk": _l("经办岗"), "reviewer": _l("审核岗"), "expert": _l("评审专家")}
ROLE_LABELS = {
    "collector": _l("征集人"),
    "agency": _l("代理机构"),
    "purchaser": _l("采购人"),
    "supplier": _l("供应商"),
    "regulator": _l("财政部门"),
    "expert": _l("评审专家"),
}


def cn_datetime(value: datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def beijing_time(value: datetime, seconds: bool = False) -> str:
    """A stored time (naive UTC, or aware) in Beijing time, labelled as such: people read
    times in China Standard Time, and an unlabelled UTC one is eight hours off."""
    from portal.models import beijing

    utc = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
    local = beijing(utc)
    shown = cn_datetime(local) + (f":{local:%S}" if seconds else "")
    return f"{shown}（{_l('北京时间')}）"


def local_time(value: datetime) -> str:
    """A time a document states (already Beijing time, as typed), labelled."""
    return f"{cn_datetime(value)}（{_l('北京时间')}）"


def position_label(position: str) -> str:
    return str(POSITION_LABELS.get(str(position), position))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(str(role), role))


def money(value: object) -> str:
    """An amount as documents print it (12,000.00); nothing for a missing one."""
    from documents import format_amount

    return "" if value is None else format_amount(value)  # type: ignore[arg-type]


def quantity(value: Decimal) -> str:
    """A quantity as typed: 10, 2.5 (never 1E+1, which ``Decimal.normalize`` gives)."""
    return f"{value.normalize():f}"


def init_app(app: Flask) -> None:
    app.add_template_filter(money)
    app.add_template_filter(quantity)
    app.add_template_filter(cn_datetime)
    app.add_template_filter(beijing_time)
    app.add_template_filter(local_time)
    app.add_template_global(position_label)
    app.add_template_global(role_label)
    app.add_template_global(get_locale)
