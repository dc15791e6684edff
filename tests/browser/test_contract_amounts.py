"""In a real browser: a supplier drafts a 采购合同 typing quantities and unit prices, and sees
each row's 金额 and the 合计 computed as it types (HTMX); the purchaser's reviewer approves
from a page that shows the submitted contract beside 审核通过 / 退回."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_sign_in import sign_in, sign_out
from tests.browser.test_stage_one import new_document

pytestmark = pytest.mark.browser

TITLE = "办公电脑采购合同（金额自动计算）"


def test_amounts_are_computed_as_typed_and_the_reviewer_sees_the_contract(
        page: Page, live_portal: str) -> None:
    sign_in(page, live_portal, "gys_reseller")
    new_document(page, live_portal, "采购合同", TITLE, project=None, 采购人="包头市中心医院")
    page.get_by_role("link", name="合同标的及价款").click()

    amount, total = page.locator("#items-0-amount"), page.locator("#total_amount")
    expect(amount).to_have_attribute("readonly", re.compile(".*"))
    expect(page.get_by_text("自动计算：数量 × 单价").first).to_be_visible()
    page.locator("#items-0-quantity").fill("45")
    page.locator("#items-0-unit_price").fill("5,812.50")
    expect(amount).to_have_value("261562.50", timeout=10_000)
    expect(total).to_have_value("261562.50")

    page.get_by_role("button", name="添加一行").click()
    page.locator("#items-1-name").fill("显示器")
    page.locator("#items-1-specification").fill("27 英寸")
    page.locator("#items-1-unit").fill("台")
    page.locator("#items-1-quantity").fill("45")
    page.locator("#items-1-unit_price").fill("1299")
    expect(page.locator("#items-1-amount")).to_have_value("58455.00", timeout=10_000)
    expect(total).to_have_value("320017.50")
    snap(page, "contract-amounts")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_role("heading", name="履约条款及签订")).to_be_visible()
    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("修改后才能提交")).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status")).to_have_text("审核中")
    sign_out(page)

    sign_in(page, live_portal, "bt_reviewer")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    document = page.frame_locator(".review-document iframe")
    expect(document.get_by_text("显示器")).to_be_visible()
    expect(document.get_by_text("320,017.50").first).to_be_visible()
    expect(page.locator(".review-actions").get_by_role("button", name="审核通过")).to_be_visible()
    snap(page, "review-beside-document")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".status")).to_have_text("已审核")
