"""统一社会信用代码 (unified social credit code, uscc) per GB 32100-2015.

18 characters from ``0-9`` and the capitals without I, O, Z, S, V; the last one is a check
character: ``31 - (Σ value(cᵢ)·wᵢ mod 31)``, where 31 becomes ``0``.
"""

from __future__ import annotations

from codes.errors import InvalidCode

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(CHARSET)}


def check_digit(first17: str) -> str:
    """Return the check character for the first 17 characters of a uscc."""
    if len(first17) != 17:
        raise InvalidCode("统一社会信用代码前 17 位长度错误")
    try:
        total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise InvalidCode(f"统一社会信用代码含有非法字符：{exc.args[0]}") from None
    return CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """Return the code in canonical form (stripped, upper case) or raise :class:`InvalidCode`.

    The message says which rule failed: length, characters or the check character.
    """
    canonical = code.strip().upper()
    if len(canonical) != 18:
        raise InvalidCode(f"统一社会信用代码应为 18 位，实际为 {len(canonical)} 位")
    bad = [char for char in canonical if char not in _VALUE]
    if bad:
        raise InvalidCode(f"统一社会信用代码含有非法字符：{''.join(bad)}")
    if not canonical[2:8].isdigit():
        raise InvalidCode("统一社会信用代码第 3–8 位（登记管理机关行政区划码）应为数字")
    if check_digit(canonical[:17]) != canonical[17]:
        raise InvalidCode("统一社会信用代码校验位错误")
    return canonical


def is_valid_uscc(code: str) -> bool:
    """True if ``code`` is exactly a valid uscc (no surrounding spaces, upper case)."""
    try:
        return validate_uscc(code) == code
    except InvalidCode:
        return False
