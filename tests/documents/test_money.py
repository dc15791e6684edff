from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.money import CAPITALS_LIMIT, format_amount, parse_capitals, to_capitals

KNOWN = [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("10", "壹拾元整"),
    ("16", "壹拾陆元整"),
    ("100", "壹佰元整"),
    ("100.05", "壹佰元零伍分"),
    ("1007", "壹仟零柒元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("10070", "壹万零柒拾元整"),
    ("12000", "壹万贰仟元整"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("345600.00", "叁拾肆万伍仟陆佰元整"),
    ("100000001", "壹亿零壹元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("1000500000000", "壹万零伍亿元整"),
    ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
]

cents = st.integers(min_value=0, max_value=int(CAPITALS_LIMIT * 100) - 1).map(
    lambda fen: Decimal(fen) / 100
)


@pytest.mark.parametrize(("amount", "capitals"), KNOWN)
def test_known_amounts_read_as_the_bank_rules_write_them(amount: str, capitals: str) -> None:
    assert to_capitals(Decimal(amount)) == capitals
    assert parse_capitals(capitals) == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "figures"),
    [("12000", "12,000.00"), ("0.5", "0.50"), ("1234567.89", "1,234,567.89"), ("-3", "-3.00")],
)
def test_figures_have_two_places_and_thousands_separators(amount: str, figures: str) -> None:
    assert format_amount(Decimal(amount)) == figures


def test_negative_amounts_have_no_capitals() -> None:
    with pytest.raises(ValueError, match="负数"):
        to_capitals(Decimal("-0.01"))


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        to_capitals(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_amount(12.5)  # type: ignore[arg-type]


def test_fractions_of_a_fen_are_an_error_not_rounding() -> None:
    with pytest.raises(ValueError, match="两位小数"):
        format_amount(Decimal("1.005"))
    with pytest.raises(ValueError):
        to_capitals(Decimal("1.005"))


def test_amounts_beyond_the_largest_unit_are_refused() -> None:
    with pytest.raises(ValueError, match="过大"):
        to_capitals(CAPITALS_LIMIT)


@settings(max_examples=400, deadline=None)
@given(cents)
def test_capitals_read_back_to_the_same_amount(amount: Decimal) -> None:
    assert parse_capitals(to_capitals(amount)) == amount


@settings(max_examples=400, deadline=None)
@given(cents)
def test_capitals_follow_the_zero_and_ending_rules(amount: Decimal) -> None:
    text = to_capitals(amount)
    fen = int(amount * 100) % 10
    assert text.endswith("分") == (fen != 0)
    assert text.endswith("整") == (fen == 0)
    assert "零零" not in text
    if amount:
        assert not text.startswith("零")
        for unit in "元万亿角分":
            assert f"零{unit}" not in text
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
