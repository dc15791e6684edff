"""Template filters: how pages print figures."""

from __future__ import annotations

from decimal import Decimal

from portal.templating import quantity


def test_quantities_read_as_typed_never_in_exponent_form() -> None:
    assert [quantity(Decimal(v)) for v in ("10.00", "2.50", "1000000.00", "0.25")] == [
        "10", "2.5", "1000000", "0.25"]
