"""In a real browser (issue 16): a purchaser starts a 二次竞价 from a product's page, previews
and publishes it; three suppliers join: one quotes, cancels and quotes lower, one quotes above
the purchaser's maximum and is refused, then quotes; the reseller's quote sent after the end is
refused. The live portal's workers close the bidding at its end with nobody looking; the
purchaser sees every quote ranked and confirms the winner: the 成交结果公告 reaches the board
and the order is made.

The agreements in force are this test's own (``tests.order_setup``); the bidding's time is
moved in the database once it is published, so the test waits seconds, not minutes."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_agreements import from_todo
from tests.browser.test_stage_one import as_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(portal_here: Any) -> Any:
    from portal import db
    from portal.demo import DEMO_PASSWORD
    from portal.domain import accounts
    from portal.models import Position
    from portal.views.auth import hasher
    from tests.delegation_setup import org
    from tests.order_setup import in_force

    session = db.session()
    found = in_force(session, "NMGZC-BR16-0001")
    accounts.create_user(session, actor=None, hasher=hasher(), username="gys_greatwall",
                         display_name="赵晨", password=DEMO_PASSWORD,
                         org=org(session, "内蒙古长城信创整机有限公司"),
                         positions=frozenset({Position.clerk}))
    session.commit()
    return found


def _open_now(bidding_number: str, seconds: int) -> None:
    """The published bidding starts now and ends in ``seconds`` (instead of in minutes)."""
    from sqlalchemy import select

    from portal import db
    from portal.models import Bidding, utcnow

    session = db.session()
    bidding = session.scalar(select(Bidding).where(Bidding.number == bidding_number))
    bidding.start_at, bidding.end_at = utcnow() - timedelta(seconds=1), utcnow() + timedelta(
        seconds=seconds)
    session.commit()


def test_a_secondary_bidding_from_publication_through_the_automatic_close_to_the_order(
        page: Page, live_portal: str, world: Any) -> None:
    base = live_portal
    key = f"{world.setup.suppliers[0].id}-0"

    as_user(page, base, "cg_clerk")
    page.goto(f"{base}/catalogue/{key}")
    page.get_by_role("link", name="发起二次竞价").click()
    page.get_by_label("采购需求").fill("教学用台式计算机，i5/16G/512G，三年上门保修。")
    page.get_by_label("数量", exact=True).fill("10")
    page.get_by_label("最高限制单价（元）").fill("6000")
    page.get_by_label("采购计划明细").select_option(index=1)
    snap(page, "bidding-new")
    page.get_by_role("button", name="保存并预览公告").click()
    expect(page.locator("#bidding-status")).to_have_text("公告待发布")
    expect(page.locator("#invited")).to_contain_text("内蒙古长城信创整机有限公司")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#bidding-status")).to_have_text("待开始")
    number = page.get_by_role("heading", level=1).inner_text().split()[-1]
    bidding_url = page.url
    _open_now(number, 45)

    # 北方信创 quotes, cancels and quotes lower
    as_user(page, base, "gys_mfr")
    from_todo(page, base, "二次竞价待报价")
    page.get_by_role("button", name="参与").click()
    page.get_by_label("报价单价（元）").fill("5700")
    page.get_by_role("button", name="提交报价").click()
    expect(page.locator("#my-quote")).to_contain_text("5,700.00")
    snap(page, "bidding-quoted")
    page.get_by_role("button", name="取消报价").click()
    page.get_by_label("报价单价（元）").fill("5650")
    page.get_by_role("button", name="提交报价").click()
    expect(page.locator("#my-quote")).to_contain_text("5,650.00")

    # 长城信创 above the purchaser's maximum: refused with the figures, then within it
    as_user(page, base, "gys_greatwall")
    page.goto(bidding_url)
    page.get_by_role("button", name="参与").click()
    page.get_by_label("报价单价（元）").fill("6100")
    page.get_by_role("button", name="提交报价").click()
    expect(page.get_by_role("alert")).to_contain_text("高于采购人最高限制单价 6,000.00 元")
    page.get_by_label("报价单价（元）").fill("5990")
    page.get_by_role("button", name="提交报价").click()
    expect(page.locator("#my-quote")).to_contain_text("5,990.00")
    expect(page.locator("#quotes")).not_to_contain_text("5,650.00")  # others' stay hidden

    # 蒙讯 opens the form in time but sends it after the end
    as_user(page, base, "gys_reseller")
    page.goto(bidding_url)
    page.get_by_role("button", name="参与").click()
    page.get_by_label("报价单价（元）").fill("5500")
    deadline = time.monotonic() + 60
    while "竞价结束" not in page.locator("#bidding-status").inner_text():  # the polled panel
        assert time.monotonic() < deadline
        page.wait_for_timeout(500)
    page.get_by_role("button", name="提交报价").click()
    expect(page.get_by_role("alert")).to_contain_text("结束，报价未被接受")

    # closed by the workers; the purchaser confirms the ranked winner
    as_user(page, base, "cg_clerk")
    page.goto(bidding_url)
    expect(page.locator("#bidding-status")).to_have_text("竞价结束")
    rows = page.locator("#quotes tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("北方信创计算机有限公司")
    expect(rows.first).to_contain_text("拟成交")
    snap(page, "bidding-ranked")
    page.get_by_role("button", name="确认成交结果").click()
    expect(page.locator("#order-status")).to_have_text("已确认")
    expect(page.locator("#order-lines")).to_contain_text("56,500.00")
    page.goto(f"{base}/announcements?kind=deal")
    deal = f"台式计算机二次竞价成交结果公告（{number}）"
    expect(page.get_by_role("link", name=deal)).to_be_visible()
