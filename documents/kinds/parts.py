"""Rows and rules that several kinds share: organisations, lots, priced items, terms."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from documents import fields as f
from documents.choices import Options
from documents.kind import Check

CENT = Decimal("0.01")
#: Framework agreements exist for goods and services only (财政部令第110号 第二条).
FRAMEWORK_CATEGORIES: Options = (("goods", "货物"), ("services", "服务"))
#: Longest agreement term in months by project category (the same order, goods then services).
MAX_TERM_MONTHS = {"goods": 12, "services": 24}


class ContactForm(f.DocumentForm):
    """An organisation as announcements list it under 联系方式."""

    name = f.text("名称")
    address = f.text("地址")
    contact = f.text("联系人", max_length=50)
    phone = f.phone()


class OptionalContactForm(f.DocumentForm):
    """The agency block, which a collector running the project itself leaves empty."""

    name = f.text("名称", required=False)
    address = f.text("地址", required=False)
    contact = f.text("联系人", required=False, max_length=50)
    phone = f.phone(required=False)


class PartyContactForm(ContactForm):
    """A party's contact block in an announcement, with its 统一社会信用代码 (filled from the
    registered organisation and locked like the name)."""

    uscc = f.uscc()


class OptionalPartyContactForm(OptionalContactForm):
    uscc = f.uscc(required=False)


class PersonForm(f.DocumentForm):
    name = f.text("姓名", max_length=50)
    phone = f.phone()


class PartyForm(ContactForm):
    """A party to an agreement: announcements' contact block plus its credit code."""

    uscc = f.uscc()


class BankedPartyForm(PartyForm):
    bank_name = f.text("开户银行")
    bank_account = f.text("银行账号", max_length=40)


class LotForm(f.DocumentForm):
    number = f.text("包号", max_length=20)
    name = f.text("包名称")
    category = f.text("品目（最末级）", max_length=100)
    max_unit_price = f.money("最高限制单价（元）")
    unit = f.text("计量单位", max_length=20)
    estimated_quantity = f.quantity("预估采购数量", required=False)
    summary = f.long_text("需求概况", required=False, max_length=2000)


class PricedItemForm(f.DocumentForm):
    name = f.text("标的名称")
    specification = f.text("规格型号", max_length=300)
    quantity = f.quantity()
    unit = f.text("单位", max_length=20)
    unit_price = f.money("单价（元）")


class AmountItemForm(PricedItemForm):
    amount = f.money("金额（元）")


class SupplierNameForm(f.DocumentForm):
    name = f.text("供应商名称")
    address = f.text("供应商地址", required=False)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Quantity times unit price, rounded half up to the fen as invoices do."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(raw: str | None) -> Decimal | None:
    text = (raw or "").strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() and value >= 0 else None


def computed_amounts(formdata: Mapping[str, str], rows_key: str,
                     total_key: str) -> dict[str, str]:
    """Form values for each row's amount (quantity × unit price, to the fen) and the total,
    from the typed quantities and prices; a row not yet readable gets no amount, and then
    the total waits too. Keys are the wizard's names (``items-0-amount``)."""
    indexes = sorted({int(key.split("-")[1]) for key in formdata
                      if key.startswith(f"{rows_key}-") and key.split("-")[1].isdigit()})
    computed: dict[str, str] = {}
    total: Decimal | None = Decimal("0.00")
    for index in indexes:
        prefix = f"{rows_key}-{index}-"
        quantity = _decimal(formdata.get(prefix + "quantity"))
        price = _decimal(formdata.get(prefix + "unit_price"))
        if quantity is None or price is None:
            total = None
            continue
        amount = line_amount(quantity, price)
        computed[prefix + "amount"] = f"{amount:.2f}"
        total = None if total is None else total + amount
    if total is not None and indexes:
        computed[total_key] = f"{total:.2f}"
    return computed


def _rows(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key) or ()
    return [row for row in value if isinstance(row, Mapping)]


def item_amounts_match(rows_key: str) -> Check:
    """Each row's amount equals quantity × unit price."""

    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for index, row in enumerate(_rows(data, rows_key)):
            quantity, price, amount = row.get("quantity"), row.get("unit_price"), row.get("amount")
            if quantity is None or price is None or amount is None:
                continue
            expected = line_amount(quantity, price)
            if amount != expected:
                errors[f"{rows_key}-{index}-amount"] = [f"金额应为数量×单价＝{expected:,.2f}元"]
        return errors

    return check


def total_matches(rows_key: str, total_key: str, *, computed: bool = False) -> Check:
    """The total equals the sum of the rows (their amounts, or quantity × unit price)."""

    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        total = data.get(total_key)
        if total is None:
            return {}
        rows = _rows(data, rows_key)
        if computed:
            expected = sum(
                (line_amount(r["quantity"], r["unit_price"]) for r in rows), Decimal("0.00")
            )
        else:
            expected = sum((r["amount"] for r in rows), Decimal("0.00"))
        if total != expected:
            return {total_key: [f"合计金额应等于各行金额之和 {expected:,.2f} 元"]}
        return {}

    return check


def term_within_limit(category_key: str, months_key: str) -> Check:
    """Goods agreements run at most 12 months, services 24 (财政部令第110号 第十二条)."""

    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        limit = MAX_TERM_MONTHS.get(str(data.get(category_key)))
        months = data.get(months_key)
        if limit is not None and isinstance(months, int) and months > limit:
            kind = "货物" if data.get(category_key) == "goods" else "服务"
            return {months_key: [f"{kind}项目框架协议期限不得超过{limit}个月"]}
        return {}

    return check


def open_agreement_direct_selection(type_key: str, methods_key: str) -> Check:
    """Open agreements call off by direct selection only (财政部令第110号 第三十六条)."""

    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        methods = tuple(data.get(methods_key) or ())
        if data.get(type_key) == "open" and methods and methods != ("direct_selection",):
            return {methods_key: ["开放式框架协议的第二阶段只能采用直接选定方式"]}
        return {}

    return check


def not_before(later_key: str, earlier_key: str, message: str) -> Check:
    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        later, earlier = data.get(later_key), data.get(earlier_key)
        if later is not None and earlier is not None and later < earlier:
            return {later_key: [message]}
        return {}

    return check


#: 淘汰比例一般不得低于20%，且至少淘汰一家供应商 (财政部令第110号 第二十八条).
MINIMUM_ELIMINATION_RATE = Decimal(20)


def least_eliminated(qualified: int, rate: Decimal) -> int:
    """How many of ``qualified`` responses must at least be eliminated at ``rate`` percent (never
    below the legal minimum rate, never fewer than one)."""
    return max(1, math.ceil(qualified * max(rate, MINIMUM_ELIMINATION_RATE) / 100))


def elimination_rate_at_least_20(rate_key: str) -> Check:
    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        rate = data.get(rate_key)
        if rate is not None and rate < MINIMUM_ELIMINATION_RATE:
            return {rate_key: ["淘汰率不得低于20%"]}
        return {}

    return check
