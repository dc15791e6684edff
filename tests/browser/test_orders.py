"""In a real browser (issue 15): a purchaser with an approved 采购计划 finds a computer in the
入围产品库, puts it in the cart from the reseller, orders it against the plan line and sends the
order; the reseller accepts it and ships it with an invoice; the purchaser confirms receipt and
uploads the acceptance report and the payment voucher, and the order is complete.

The agreements in force are this test's own, written into the live portal's database
(``tests.order_setup``); their real sealing is walked by ``test_agreements``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_stage_one import as_user
from tests.evaluation_setup import _blank_pdf

pytestmark = pytest.mark.browser
RESELLER = "内蒙古蒙讯科技有限公司"


@pytest.fixture
def world(portal_here: Any) -> Any:
    """On the live portal's database and Redis (the plan's rendering is queued there)."""
    from portal import db
    from tests.order_setup import in_force

    return in_force(db.session(), "NMGZC-BR15-0001")


def _pdf(path: Path) -> str:
    path.write_bytes(_blank_pdf())
    return str(path)


def test_a_purchaser_orders_from_the_catalogue_and_the_reseller_delivers(
        page: Page, live_portal: str, world: Any, tmp_path: Path) -> None:
    base = live_portal
    key = f"{world.setup.suppliers[0].id}-{world.reseller.id}"

    as_user(page, base, "cg_clerk")
    page.get_by_role("link", name="入围产品库").click()
    page.get_by_label("品目").select_option("台式计算机")
    page.get_by_label("最高单价（元）").fill("5850")
    page.get_by_role("button", name="筛选").click()
    offer = page.locator(f"#offer-{key}")
    expect(offer).to_contain_text(RESELLER)
    expect(offer).to_contain_text("5,800.00")
    snap(page, "catalogue")
    offer.get_by_role("link").first.click()
    expect(page.locator(f"#seller-{key}")).to_contain_text("5,800.00")
    snap(page, "catalogue-product")
    page.locator(f"#seller-{key}").get_by_label("数量").fill("4")
    page.locator(f"#seller-{key}").get_by_role("button", name="加入购物车").click()
    expect(page.get_by_role("status")).to_contain_text("已加入购物车")

    # the cart: the amount, a plan line of another 品目 refused, then the right one
    line = page.locator("article.cart-line").first
    expect(line.locator(".amount")).to_have_text("23,200.00")
    checkout = page.locator("#checkout")
    checkout.get_by_label("采购计划明细").select_option(index=2)  # line 2: 复印纸
    checkout.get_by_role("button", name="确认下单").click()
    expect(page.get_by_role("alert")).to_contain_text("以下商品不属于该品目")
    page.locator("#checkout").get_by_label("采购计划明细").select_option(index=1)
    snap(page, "cart")
    page.locator("#checkout").get_by_role("button", name="确认下单").click()
    expect(page.get_by_role("status")).to_contain_text("已生成 1 张订单")
    page.locator("#order-list").get_by_role("link").first.click()
    expect(page.locator("#order-status")).to_have_text("待发送")
    page.get_by_role("button", name="发送订单").click()
    expect(page.locator("#order-status")).to_have_text("待供应商确认")
    order_url = page.url

    # the reseller accepts and ships with the invoice
    as_user(page, base, "gys_reseller")
    page.goto(f"{base}/todo")
    expect(page.get_by_role("heading", name="待确认订单")).to_be_visible()
    page.goto(order_url)
    page.get_by_role("button", name="确认订单").click()
    expect(page.locator("#order-status")).to_have_text("已确认")
    page.get_by_label("物流公司").fill("顺丰速运")
    page.get_by_label("物流单号").fill("SF1029384756")
    page.get_by_label("发票（PDF）").set_input_files(_pdf(tmp_path / "发票.pdf"))
    snap(page, "order-ship")
    page.get_by_role("button", name="发货").last.click()
    expect(page.locator("#order-status")).to_have_text("已发货")

    # the purchaser receives, uploads the acceptance report and the payment voucher
    as_user(page, base, "cg_clerk")
    page.goto(order_url)
    expect(page.get_by_role("link", name="发票")).to_be_visible()
    page.get_by_role("button", name="确认收货").click()
    expect(page.locator("#order-status")).to_have_text("已收货")
    page.get_by_label("验收单（PDF）").set_input_files(_pdf(tmp_path / "验收单.pdf"))
    page.get_by_role("button", name="上传验收单").last.click()
    expect(page.get_by_role("status")).to_contain_text("已上传验收单")
    page.get_by_label("支付金额（元）").fill("23200")
    from portal.models import beijing_now

    page.get_by_label("支付日期").fill(beijing_now().date().isoformat())
    page.get_by_label("支付凭证（PDF）").set_input_files(_pdf(tmp_path / "支付凭证.pdf"))
    page.get_by_role("button", name="上传支付凭证").last.click()
    expect(page.locator("#order-status")).to_have_text("已完成")
    history = page.locator("#order-history")
    for step in ("生成订单", "发送订单", "确认订单", "发货", "确认收货", "上传支付凭证",
                 "订单完成"):
        expect(history).to_contain_text(step)
    snap(page, "order-completed")
