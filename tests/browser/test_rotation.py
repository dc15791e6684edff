"""In a real browser (issue 16): where a lot's agreements name 顺序轮候, a purchaser orders from
a product's page and the order goes to the supplier whose turn it is; the agreement's public
page lists the hash-chained rotation record, verified."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_stage_one import as_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(portal_here: Any) -> Any:
    from portal import db
    from tests.order_setup import in_force
    from tests.portal.test_rotation import _with_rotation

    session = db.session()
    found = in_force(session, "NMGZC-BR16-0002")
    _with_rotation(session, found)
    return found


def test_orders_go_round_by_rotation_and_the_record_is_public(
        page: Page, live_portal: str, world: Any) -> None:
    base = live_portal
    first, second = world.setup.suppliers
    as_user(page, base, "cg_clerk")
    for expected in (first.name, second.name):
        page.goto(f"{base}/catalogue/{second.id}-0")
        form = page.locator("#rotation-form")
        form.get_by_label("数量").fill("2")
        form.get_by_label("采购计划明细").select_option(index=1)
        if expected == first.name:
            snap(page, "rotation-form")
        form.get_by_role("button", name="轮候下单").click()
        expect(page.get_by_role("status")).to_contain_text(f"本次由{expected}供货")
        expect(page.locator("#order-status")).to_have_text("待发送")
    page.goto(f"{base}/agreements/{world.setup.project.id}")
    expect(page.locator("#rotation-check-01")).to_contain_text("哈希链校验通过：共 2 条")
    expect(page.locator("#rotation-01 tbody tr")).to_have_count(2)
    snap(page, "rotation-ledger")
