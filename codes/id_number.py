"""公民身份号码 (resident ID number) per GB 11643-1999.

17 digits (6 region, 8 birth date YYYYMMDD, 3 sequence) and a check character:
``Σ dᵢ·wᵢ mod 11`` mapped through ``1 0 X 9 8 7 6 5 4 3 2``.
"""

from __future__ import annotations

from datetime import date

from codes.errors import InvalidCode

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """Return the check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidCode("身份证号码前 17 位应为数字")
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def validate_id_number(number: str) -> str:
    """Return the number in canonical form (stripped, upper-case X) or raise InvalidCode."""
    canonical = number.strip().upper()
    if len(canonical) != 18:
        raise InvalidCode(f"身份证号码应为 18 位，实际为 {len(canonical)} 位")
    if not (canonical[:17].isascii() and canonical[:17].isdigit()):
        raise InvalidCode("身份证号码前 17 位应为数字")
    try:
        date(int(canonical[6:10]), int(canonical[10:12]), int(canonical[12:14]))
    except ValueError:
        raise InvalidCode("身份证号码中的出生日期无效") from None
    if id_check_digit(canonical[:17]) != canonical[17]:
        raise InvalidCode("身份证号码校验位错误")
    return canonical


def is_valid_id_number(number: str) -> bool:
    """True if ``number`` is exactly a valid 18-digit ID number (upper-case X)."""
    try:
        return validate_id_number(number) == number
    except InvalidCode:
        return False
