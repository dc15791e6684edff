"""Dates, times and quantities in the forms Chinese official documents print them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

CN_NUMERALS = "零一二三四五六七八九十"


def cn_date(value: date) -> str:
    """``date(2026, 11, 21)`` -> ``"2026年11月21日"`` (Arabic figures, as GB/T 9704 allows)."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: date) -> str:
    """The month a purchase is expected in: ``"2027年3月"``."""
    return f"{value.year}年{value.month}月"


def cn_datetime(value: datetime) -> str:
    """``"2026年12月15日 09:30"``; announcements give opening times to the minute."""
    return f"{cn_date(value)} {value:%H:%M}"


def cn_ordinal(number: int) -> str:
    """Section numbers 一 … 九十九 for headings like 一、项目基本情况."""
    if not 0 < number < 100:
        raise ValueError("章节序号应在1到99之间")
    tens, units = divmod(number, 10)
    if tens == 0:
        return CN_NUMERALS[units]
    head = "" if tens == 1 else CN_NUMERALS[tens]
    return head + "十" + (CN_NUMERALS[units] if units else "")


def format_quantity(value: Decimal) -> str:
    """Quantities without trailing zeros: ``Decimal("20.00")`` -> ``"20"``, ``"2.5"`` stays."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
