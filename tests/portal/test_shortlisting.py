"""The shortlist on fixed inputs, each expected result computed by hand from 财政部令第110号."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.domain import shortlisting as sl
from portal.domain.errors import InvalidInput

T0 = datetime(2000, 1, 1, tzinfo=UTC)  # only the order of submissions matters here


def response(org: int, price: str, minutes: int = 0, scores: tuple[str, ...] = (),
             rejected: str | None = None) -> sl.Response:
    return sl.Response(org, f"供应商{org}", Decimal(price), T0 + timedelta(minutes=minutes),
                       tuple(Decimal(s) for s in scores), rejected)


def price_rules(rate: str = "20", cap: int | None = None, **kw: str) -> sl.Rules:
    return sl.Rules(sl.PRICE_FIRST, Decimal(rate), cap, **kw)


def shortlisted_orgs(result: sl.Shortlist) -> list[int]:
    return [r.supplier_org_id for r in result.shortlisted]


@pytest.mark.parametrize(("qualified", "rate", "eliminated"), [
    (2, "20", 1),  # ⌈0.4⌉ = 1: at least one is always eliminated
    (5, "20", 1),  # ⌈1.0⌉ = 1
    (6, "20", 2),  # ⌈1.2⌉ = 2: 20% of six is more than one supplier
    (10, "20", 2),  # ⌈2.0⌉ = 2
    (11, "20", 3),  # ⌈2.2⌉ = 3
    (10, "30", 3),
    (7, "25", 2),  # ⌈1.75⌉ = 2
    (3, "50", 2),  # ⌈1.5⌉ = 2
])
def test_the_cut_off_eliminates_at_least_the_rate_and_at_least_one(qualified, rate,
                                                                    eliminated) -> None:
    assert sl.eliminated_count(qualified, price_rules(rate)) == eliminated


@pytest.mark.parametrize(("qualified", "cap", "eliminated"), [
    (10, 5, 5),  # the cap shortlists fewer than the rate would (8)
    (10, 9, 2),  # a cap above what the rate leaves never shortlists more than the rate allows
    (5, 4, 1),
    (6, 1, 5),
])
def test_a_cap_can_only_shortlist_fewer(qualified, cap, eliminated) -> None:
    assert sl.eliminated_count(qualified, price_rules("20", cap)) == eliminated


def test_fewer_than_two_qualified_suppliers_fail_the_lot() -> None:
    with pytest.raises(InvalidInput, match="不足2家"):
        sl.shortlist([response(1, "100"), response(2, "90", rejected="报价超过最高限制单价")],
                     price_rules())


def test_price_first_ranks_low_to_high_and_cuts_off_the_last_of_five() -> None:
    result = sl.shortlist([response(1, "5890.00"), response(2, "6050.00"), response(3, "5600.50"),
                           response(4, "6180.00"), response(5, "6499.99")], price_rules())
    assert [p.response.supplier_org_id for p in result.ranking] == [3, 1, 2, 4, 5]
    assert [p.rank for p in result.ranking] == [1, 2, 3, 4, 5]
    assert shortlisted_orgs(result) == [3, 1, 2, 4]
    assert result.eliminated == 1
    assert result.highest_price == Decimal("6180.00")


def test_six_suppliers_at_twenty_percent_lose_two() -> None:
    prices = ["100", "101", "102", "103", "104", "105"]
    result = sl.shortlist([response(i + 1, p) for i, p in enumerate(prices)], price_rules())
    assert shortlisted_orgs(result) == [1, 2, 3, 4]
    assert result.highest_price == Decimal("103")


def test_ten_suppliers_with_two_rejected_rank_the_eight_that_qualified() -> None:
    responses = [response(i, str(1000 - i * 10)) for i in range(1, 11)]
    responses[0] = response(1, "990", rejected="未按规定加盖电子签章")
    responses[9] = response(10, "900", rejected="不满足实质性要求")
    result = sl.shortlist(responses, price_rules())
    # Eight qualified: ⌈1.6⌉ = 2 eliminated, the two dearest (org 2 at 980, org 3 at 970).
    assert shortlisted_orgs(result) == [9, 8, 7, 6, 5, 4]
    assert [r.supplier_org_id for r in result.rejected] == [1, 10]
    assert result.eliminated == 2


def test_an_equal_price_at_the_cut_off_goes_to_the_earlier_submission() -> None:
    result = sl.shortlist([response(1, "100", minutes=5), response(2, "90", minutes=1),
                           response(3, "100", minutes=3), response(4, "95", minutes=9),
                           response(5, "80", minutes=7)], price_rules())
    # Ranked 5 (80), 2 (90), 4 (95), then 3 and 1 tie at 100: 3 submitted first.
    assert [p.response.supplier_org_id for p in result.ranking] == [5, 2, 4, 3, 1]
    assert shortlisted_orgs(result) == [5, 2, 4, 3]


def test_a_drawing_of_lots_is_reproducible_from_its_seed_and_differs_between_seeds() -> None:
    tied = [response(org, "100") for org in range(1, 9)]
    orders = {seed: [r.supplier_org_id for r in sl.shortlist(
        tied, price_rules(tie_rule=sl.DRAWING_LOTS, seed=seed)).shortlisted]
        for seed in ("a1", "b2", "c3")}
    again = [r.supplier_org_id for r in sl.shortlist(
        list(reversed(tied)), price_rules(tie_rule=sl.DRAWING_LOTS, seed="a1")).shortlisted]
    assert again == orders["a1"]
    assert len(set(map(tuple, orders.values()))) > 1
    assert all(len(order) == 6 for order in orders.values())  # ⌈1.6⌉ = 2 of 8 eliminated


def test_quality_first_averages_each_experts_score_and_ranks_high_to_low() -> None:
    result = sl.shortlist([
        response(1, "6000", scores=("88", "90", "86")),  # 88.00
        response(2, "5800", scores=("92", "91", "93")),  # 92.00
        response(3, "5900", scores=("85", "86", "86")),  # 85.67
        response(4, "6100", scores=("90", "89", "90")),  # 89.67
        response(5, "5700", scores=("80", "82", "81")),  # 81.00
    ], sl.Rules(sl.QUALITY_FIRST, Decimal(20)))
    assert [p.response.supplier_org_id for p in result.ranking] == [2, 4, 1, 3, 5]
    assert result.ranking[3].response.score == Decimal("85.67")
    assert shortlisted_orgs(result) == [2, 4, 1, 3]
    assert result.lowest_score == Decimal("85.67")


def test_under_quality_first_an_equal_score_goes_to_the_lower_price_before_the_tie_rule() -> None:
    result = sl.shortlist([
        response(1, "6000", minutes=1, scores=("90", "90")),
        response(2, "5900", minutes=9, scores=("89", "91")),  # also 90.00, cheaper
        response(3, "6000", minutes=0, scores=("90", "90")),  # same score and price as 1, earlier
        response(4, "5000", scores=("70", "70")),
        response(5, "5000", scores=("95", "95")),
    ], sl.Rules(sl.QUALITY_FIRST, Decimal(20)))
    assert [p.response.supplier_org_id for p in result.ranking] == [5, 2, 3, 1, 4]


def test_quality_first_needs_every_qualified_response_scored() -> None:
    with pytest.raises(InvalidInput, match="专家评分"):
        sl.shortlist([response(1, "1", scores=("90",)), response(2, "1")],
                     sl.Rules(sl.QUALITY_FIRST, Decimal(20)))


@pytest.mark.parametrize("rate", ["19.99", "0", "100"])
def test_a_rate_below_twenty_percent_or_of_everyone_is_refused(rate) -> None:
    with pytest.raises(InvalidInput, match="淘汰率"):
        price_rules(rate)


def test_a_score_average_rounds_half_up_to_two_places() -> None:
    assert sl.average([Decimal("85"), Decimal("86"), Decimal("86")]) == Decimal("85.67")
    assert sl.average([Decimal("80.125"), Decimal("80.125")]) == Decimal("80.13")
