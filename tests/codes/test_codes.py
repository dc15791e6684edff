"""统一社会信用代码 (GB 32100-2015) and 身份证号码 (GB 11643-1999) check characters."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.uscc import CHARSET
from seals import (
    InvalidCode,
    check_digit,
    id_check_digit,
    is_valid_id_number,
    is_valid_uscc,
    validate_id_number,
    validate_uscc,
)

# Published codes of real organisations and the GB 11643 standard's own example.
REAL_USCCS = ["9144030071526726XG", "91110000600037341L", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_unified_social_credit_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert check_digit(code[:17]) == code[17]


def test_the_standard_example_id_number_is_valid() -> None:
    assert is_valid_id_number("11010519491231002X")
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("9144030071526726XH", "统一社会信用代码校验位错误"),
        ("9144030071526726X", "统一社会信用代码应为 18 位，实际为 17 位"),
        ("9144030071526726IG", "统一社会信用代码含有非法字符：I"),
        ("91AB030071526726XG", "第 3–8 位"),
    ],
)
def test_a_wrong_uscc_is_refused_with_the_reason(code: str, message: str) -> None:
    with pytest.raises(InvalidCode, match=message):
        validate_uscc(code)
    assert not is_valid_uscc(code)


def test_uscc_is_normalised_but_is_valid_uscc_is_strict() -> None:
    assert validate_uscc(" 9144030071526726xg ") == "9144030071526726XG"
    assert not is_valid_uscc("9144030071526726xg")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "身份证号码校验位错误"),
        ("110105194913310021", "出生日期无效"),
        ("11010519491231002", "应为 18 位"),
        ("1101051949123100X2", "前 17 位应为数字"),
    ],
)
def test_a_wrong_id_number_is_refused_with_the_reason(number: str, message: str) -> None:
    with pytest.raises(InvalidCode, match=message):
        validate_id_number(number)
    assert not is_valid_id_number(number)


# registration authority, organisation kind, 6-digit region code, 9-character subject code
uscc_bodies = st.tuples(
    st.sampled_from("123456789ABCDEFGNY"),
    st.sampled_from("123459"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
).map("".join)


@settings(database=None)  # keep no example database in the work tree
@given(uscc_bodies)
def test_check_digit_makes_a_valid_uscc(body: str) -> None:
    assert is_valid_uscc(body + check_digit(body))


@settings(database=None)  # keep no example database in the work tree
@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_any_single_character_change_in_a_uscc_is_detected(
    body: str, position: int, replacement: str
) -> None:
    code = body + check_digit(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not is_valid_uscc(changed)


id_bodies = st.tuples(
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)).map(
        lambda day: day.strftime("%Y%m%d")
    ),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
).map("".join)


@settings(database=None)  # keep no example database in the work tree
@given(id_bodies)
def test_check_digit_makes_a_valid_id_number(body: str) -> None:
    assert is_valid_id_number(body + id_check_digit(body))


@settings(database=None)  # keep no example database in the work tree
@given(id_bodies, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_in_an_id_number_is_detected(
    body: str, position: int, replacement: str
) -> None:
    number = body + id_check_digit(body)
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert not is_valid_id_number(changed)
