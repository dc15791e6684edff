"""The built-in samples tell one story: one project, one budget, one set of lots and parties."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from documents.kinds import sample_data as s

from .conftest import squash


def _lots_total(lots: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(lot["estimated_quantity"]) * Decimal(lot["max_unit_price"])
                for lot in lots), Decimal(0))


def test_the_budget_is_the_lots_at_their_maximum_prices(samples: dict[str, Any]) -> None:
    assert _lots_total(s.lots()) == Decimal(s.BUDGET)
    for code in ("project_initiation", "requirements"):
        assert Decimal(samples[code]["budget_amount"]) == Decimal(s.BUDGET), code
        assert samples[code]["lots"] == s.lots(), code


def test_every_sample_of_the_project_names_the_same_project(samples: dict[str, Any]) -> None:
    for code, data in samples.items():
        if data.get("project_number") == s.PROJECT_NUMBER:
            assert data["project_name"] == s.PROJECT_NAME, code
        if "lots" in data and data["lots"] and "max_unit_price" in data["lots"][0]:
            assert data["lots"] == s.lots(), code


def test_the_initiation_title_does_not_stutter(pdf_texts: dict[str, str]) -> None:
    text = squash(pdf_texts["project_initiation"])
    assert s.PROJECT_NAME + "立项" in text
    assert "采购项目采购项目" not in text
