import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codes.uscc import CHARSET as ALPHABET
from codes.uscc import check_digit, is_valid_uscc
from documents.kinds import sample_data

bodies = st.builds(
    lambda head, division, tail: head + division + tail,
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
)


def test_a_published_example_is_valid() -> None:
    assert check_digit("91350100M000100Y4") == "3"
    assert is_valid_uscc("91350100M000100Y43")


@pytest.mark.parametrize(
    "code",
    [sample_data.COLLECTOR["uscc"], sample_data.AGENCY["uscc"], sample_data.PURCHASER["uscc"],
     *(s["uscc"] for s in sample_data.SUPPLIERS)],
)
def test_sample_organisations_carry_valid_codes(code: str) -> None:
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y44", "91350100m000100y43", "91350100M000100Y4", "91350100M000I00Y43",
     "9135010AM000100Y43", "", "91350100M000100Y430"],
)
def test_malformed_codes_are_invalid(code: str) -> None:
    assert not is_valid_uscc(code)


@settings(max_examples=300, deadline=None)
@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_the_check_character_catches_any_single_change(
    body: str, position: int, other: str
) -> None:
    code = body + check_digit(body)
    assert is_valid_uscc(code)
    keeps_shape = position not in range(2, 8) or other.isdigit()
    if other != code[position] and keeps_shape:
        changed = code[:position] + other + code[position + 1:]
        assert not is_valid_uscc(changed)
