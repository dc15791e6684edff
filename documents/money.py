"""Money as Chinese procurement documents show it.

Amounts are ``Decimal`` yuan with at most two places (fen); floats are refused everywhere
because 0.1 + 0.2 is not a price. Figures get thousands separators ("12,000.00"); agreements
and contracts also print the amount in capitals (人民币大写) following the People's Bank rules
for filling in settlement vouchers (《支付结算办法》附件一): 壹贰叁…, 拾佰仟 within a group of
four digits, 万 and 亿 between groups, one 零 for any run of zeros, 整 after 元 or 角 when
there is no 分, and 零 after 元 when 角 is zero but 分 is not.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
#: 亿 sections of eight digits go up to 9999万亿; beyond that nobody signs a contract.
CAPITALS_LIMIT = Decimal(10) ** 16

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP_UNITS = ("", "拾", "佰", "仟")


def as_decimal(value: Decimal | int | str) -> Decimal:
    """Coerce to Decimal, refusing floats (which have already lost the fen)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("金额不能使用浮点数，请使用 Decimal 或字符串")
    if isinstance(value, Decimal):
        return value
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"不是有效的金额：{value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"不是有效的金额：{value!r}")
    return result


def _exact_cents(value: Decimal) -> Decimal:
    if value != value.quantize(CENT):
        raise ValueError(f"金额最多保留两位小数：{value}")
    return value.quantize(CENT)


def format_amount(value: Decimal | int | str) -> str:
    """``Decimal("12000")`` -> ``"12,000.00"``; more than two places is an error, not rounding."""
    return f"{_exact_cents(as_decimal(value)):,.2f}"


def _group_capitals(group: int) -> str:
    """Capitals of 0 < group < 10000 with inner zeros collapsed to one 零, no leading 零."""
    digits = f"{group:04d}"
    out: list[str] = []
    pending_zero = False
    for position, char in enumerate(digits):
        digit = int(char)
        if digit == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(DIGITS[digit] + _IN_GROUP_UNITS[3 - position])
    return "".join(out)


def _below_yi_capitals(number: int) -> str:
    """Capitals of 0 < number < 10**8: an optional 万 group, then the units group."""
    wan, units = divmod(number, 10**4)
    out = _group_capitals(wan) + "万" if wan else ""
    if units:
        # A units group below 1000 after 万 has a hole in front of it: 壹万零柒.
        out += ("零" if wan and units < 1000 else "") + _group_capitals(units)
    return out


def _integer_capitals(number: int) -> str:
    """Capitals of 0 < number < 10**16; 亿 splits it into two sections of eight digits."""
    yi, rest = divmod(number, 10**8)
    out = _below_yi_capitals(yi) + "亿" if yi else ""
    if rest:
        out += ("零" if yi and rest < 10**7 else "") + _below_yi_capitals(rest)
    return out


def to_capitals(value: Decimal | int | str) -> str:
    """人民币大写 without the 人民币 prefix: ``Decimal("100.05")`` -> ``"壹佰元零伍分"``."""
    amount = _exact_cents(as_decimal(value))
    if amount < 0:
        raise ValueError("负数金额不能转换为人民币大写")
    if amount >= CAPITALS_LIMIT:
        raise ValueError("金额过大，无法转换为人民币大写")
    fen_total = int(amount * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if fen_total == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer_capitals(yuan) + "元")
    if jiao:
        parts.append(DIGITS[jiao] + "角")
    elif yuan and fen:
        parts.append("零")
    if fen:
        parts.append(DIGITS[fen] + "分")
    else:
        parts.append("整")
    return "".join(parts)


def parse_capitals(text: str) -> Decimal:
    """Read 人民币大写 back into a Decimal (inverse of :func:`to_capitals`).

    Used to check amounts typed by hand against their figures; accepts an optional 人民币
    prefix and 正 for 整.
    """
    body = text.strip().removeprefix("人民币").removesuffix("整").removesuffix("正")
    if not body:
        raise ValueError("空的大写金额")
    above_yi = 0  # parts already scaled by 亿
    wan = 0  # parts scaled by 万, below 亿
    section = 0  # below 万
    digit: int | None = None
    total = 0
    fraction = 0
    for char in body:
        if char in DIGITS:
            digit = DIGITS.index(char)
        elif char in "拾佰仟":
            section += (digit if digit is not None else 1) * 10 ** (" 拾佰仟".index(char))
            digit = None
        elif char == "万":
            wan += (section + (digit or 0)) * 10**4
            section, digit = 0, None
        elif char == "亿":
            above_yi += (wan + section + (digit or 0)) * 10**8
            wan, section, digit = 0, 0, None
        elif char == "元":
            total = above_yi + wan + section + (digit or 0)
            above_yi, wan, section, digit = 0, 0, 0, None
        elif char == "角":
            fraction += (digit or 0) * 10
            digit = None
        elif char == "分":
            fraction += digit or 0
            digit = None
        else:
            raise ValueError(f"大写金额中有无法识别的字：{char}")
    if digit or section or wan or above_yi:
        raise ValueError(f"大写金额不完整：{text}")
    return (Decimal(total) + Decimal(fraction) / 100).quantize(CENT)
