"""In a real browser (issue 15): the reseller drafts the 采购合同 from an accepted order, the
purchaser's reviewer confirms it, the reseller and then the purchaser seal it; the purchaser's
clerk drafts and publishes the 合同公告, which reaches the board, and files the contract, which
the regulator receives. Then a services 直接选定: published to the shortlisted service provider,
a quote above the agreement price refused, a quote accepted, the result confirmed into an order.

The agreements in force are this test's own, written into the live portal's database
(``tests.order_setup``); their real sealing is walked by ``test_agreements``."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_agreements import from_todo
from tests.browser.test_stage_one import approve, as_user, seal

pytestmark = pytest.mark.browser


@pytest.fixture
def accepted(portal_here: Any) -> Any:
    """An order of 4 computers from 蒙讯, sent and accepted, on the live portal's database."""
    from portal import db
    from portal.domain import orders
    from tests.delegation_setup import user
    from tests.order_setup import checked_out, in_force

    session = db.session()
    order = checked_out(session, in_force(session, "NMGZC-BR15-0002"), quantity="4")
    orders.accept(session, user(session, "gys_reseller"), order)
    return order.id, order.number


def test_contract_from_the_order_sealed_announced_and_filed(
        page: Page, live_portal: str, accepted: Any) -> None:
    base, (order_id, number) = live_portal, accepted
    order_url, title = f"{base}/orders/{order_id}", f"采购合同·{number}"

    as_user(page, base, "gys_reseller")
    page.goto(order_url)
    page.get_by_role("button", name="起草合同").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    page.get_by_role("link", name="继续填写").click()
    expect(page.locator("#purchaser-name")).to_have_value("呼和浩特市第一中学")
    for field, value in (("#purchaser-bank_name", "中国银行呼和浩特新城支行"),
                         ("#purchaser-bank_account", "1500 0000 0001"),
                         ("#supplier-bank_name", "中国建设银行包头分行"),
                         ("#supplier-bank_account", "1505 0000 0002")):
        page.locator(field).fill(value)
    snap(page, "order-contract-parties")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("link", name="履约条款及签订").click()
    expect(page.get_by_label("交货地点")).to_have_value("东风路12号")
    page.get_by_label("交货时间").fill("合同签订后10日内")
    page.get_by_label("验收").fill("到货后5个工作日内验收。")
    page.get_by_label("违约责任").fill("按合同约定承担违约责任。")
    page.get_by_label("争议解决").fill("协商不成的，向甲方所在地法院起诉。")
    from portal.models import beijing_now

    page.get_by_label("签订日期").fill(beijing_now().date().isoformat())
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("23200.00").first).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status").first).to_have_text("审核中")

    approve(page, base, "cg_reviewer", title)
    seal(page, base, "gys_reseller", title)
    as_user(page, base, "cg_clerk")
    page.goto(order_url)
    expect(page.locator("#order-contract")).to_contain_text("供应商已盖章")
    seal(page, base, "cg_clerk", title)
    page.goto(order_url)
    expect(page.locator("#order-contract")).to_contain_text("采购单位已盖章")
    expect(page.locator(".deadline")).to_contain_text("2 个工作日内")

    # the 合同公告, drafted from the contract and published to the board
    page.get_by_role("button", name="起草合同公告").click()
    notice = f"{title}合同公告"
    expect(page.get_by_role("heading", name=notice)).to_be_visible()
    page.get_by_role("link", name="继续填写").click()
    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("修改后才能提交")).to_have_count(0)
    page.get_by_role("button", name="提交").first.click()
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".status").first).to_have_text("已发布")
    page.goto(f"{base}/announcements?kind=contract")
    expect(page.get_by_role("link", name=notice)).to_be_visible()

    # 合同备案: the plan line preselected, the sealed PDF as the main document
    page.goto(order_url)
    expect(page.locator("#filing-form")).to_be_visible()
    snap(page, "order-filing")
    page.get_by_role("button", name="报送备案").click()
    expect(page.locator("#filing-status")).to_have_text("待备案")
    expect(page.locator("#filing-pdf")).to_be_visible()

    as_user(page, base, "cz_reviewer")
    from_todo(page, base, "合同待备案")
    expect(page.get_by_text("23,200.00 元")).to_be_visible()
    snap(page, "filing-regulator")
    page.get_by_role("button", name="备案", exact=True).click()
    expect(page.locator("#filing-status")).to_have_text("已备案")

    as_user(page, base, "cg_clerk")
    page.goto(order_url)
    expect(page.locator("#order-filing")).to_contain_text("已备案")


@pytest.fixture
def service(portal_here: Any) -> Any:
    from portal import db
    from tests.order_setup import service_in_force

    return service_in_force(db.session(), "NMGZC-BRFW-0001").shortlisted.id


def test_a_service_is_selected_directly_quoted_and_confirmed(
        page: Page, live_portal: str, service: int) -> None:
    base = live_portal
    as_user(page, base, "cg_clerk")
    page.goto(f"{base}/catalogue?category=物业管理服务")
    page.locator(f"#offer-{service}-0").get_by_role("link").first.click()
    page.locator(f"#seller-{service}-0").get_by_role("link", name="直接选定").click()
    page.get_by_label("服务需求").fill("教学楼日常保洁与秩序维护，每日7:00–19:00。")
    page.get_by_label("数量", exact=True).fill("6")
    page.get_by_label("采购计划明细").select_option(index=1)
    snap(page, "selection-new")
    page.get_by_role("button", name="发布项目").click()
    expect(page.locator("#selection-status")).to_have_text("项目报价中")
    selection_url = page.url

    as_user(page, base, "gys_service")
    from_todo(page, base, "直接选定待报价")
    page.get_by_label("报价单价（元）").fill("45000.01")
    page.get_by_role("button", name="提交报价").click()
    expect(page.get_by_role("alert")).to_contain_text("高于协议价格 45,000.00 元")
    page.get_by_label("报价单价（元）").fill("44000")
    page.get_by_label("报价说明").fill("含保洁耗材")
    snap(page, "selection-quote")
    page.get_by_role("button", name="提交报价").click()
    expect(page.locator("#selection-status")).to_have_text("结果待确认")

    as_user(page, base, "cg_clerk")
    page.goto(selection_url)
    expect(page.locator("#selection-quote")).to_contain_text("264,000.00")
    page.get_by_role("button", name="确认成交结果").click()
    expect(page.locator("#order-status")).to_have_text("已确认")
    expect(page.locator("#order-lines")).to_contain_text("44,000.00")
