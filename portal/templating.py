"""Jinja filters and globals shared by the portal's pages."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

POSITION_LABELS = {"clerk": "经办岗", "reviewer": "审核岗", "expert": "评审专家"}
ROLE_LABELS = {
    "collector": "征集人",
    "agency": "代理机构",
    "purchaser": "采购人",
    "supplier": "供应商",
    "regulator": "财政部门",
}


def cn_datetime(value: datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def position_label(position: str) -> str:
    return _(POSITION_LABELS.get(str(position), str(position)))


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(str(role), str(role)))


def init_app(app: Flask) -> None:
    app.add_template_filter(cn_datetime)
    app.add_template_global(position_label)
    app.add_template_global(role_label)
    app.add_template_global(get_locale)
