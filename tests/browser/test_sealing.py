"""In a real browser: a contract is sealed by the supplier (clicking where the seal goes on the
page image, entering the PIN) and then by the purchaser; the badge says both seals are valid."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PIN
from tests.browser.test_sign_in import sign_in, sign_out
from tests.browser.test_stage_one import new_document

pytestmark = pytest.mark.browser

TITLE = "台式计算机采购合同（浏览器盖章）"



def open_contract(page: Page) -> None:
    page.get_by_role("link", name="文书", exact=True).click()
    page.get_by_role("link", name=TITLE).click()


def seal_with_pin(page: Page, state: str) -> None:
    page.get_by_label("证书密码（PIN）").fill("000000")
    page.get_by_role("button", name="盖章", exact=True).click()
    expect(page.get_by_text("证书密码错误")).to_be_visible(timeout=30_000)
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    page.get_by_role("button", name="盖章", exact=True).click()
    expect(page.get_by_text(state)).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="提交", exact=True).click()


def test_supplier_then_purchaser_seal_a_contract(page: Page, live_portal: str) -> None:
    sign_in(page, live_portal, "gys_mfr")
    new_document(page, live_portal, "采购合同", TITLE, project=None, 采购人="呼和浩特市第一中学")
    page.get_by_role("link", name="核对并提交").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status")).to_have_text("审核中")
    sign_out(page)

    sign_in(page, live_portal, "cg_reviewer")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("link", name="下载 PDF").first).to_be_visible(timeout=30_000)
    sign_out(page)

    # the purchaser may not seal first
    sign_in(page, live_portal, "cg_clerk")
    open_contract(page)
    expect(page.get_by_role("link", name="盖章", exact=True)).to_have_count(0)
    sign_out(page)

    sign_in(page, live_portal, "gys_mfr")
    expect(page.get_by_text("待盖章")).to_be_visible()
    open_contract(page)
    page.get_by_role("link", name="盖章", exact=True).click()
    last_page = page.locator(".seal-page img").last
    last_page.scroll_into_view_if_needed()
    last_page.click(position={"x": 430, "y": 330})
    expect(page.locator(".seal-marker").last).to_be_visible()
    expect(page.locator("#placement-state")).to_contain_text("已选择")
    page.get_by_role("button", name="确定位置并准备盖章").click()
    seal_with_pin(page, "供应商已盖章")
    expect(page.get_by_text("供应商已盖章").first).to_be_visible()
    sign_out(page)

    sign_in(page, live_portal, "cg_clerk")
    open_contract(page)
    page.get_by_role("link", name="盖章", exact=True).click()
    page.get_by_role("button", name="确定位置并准备盖章").click()
    seal_with_pin(page, "采购单位已盖章")
    expect(page.locator(".status")).to_have_text("已盖章")
    expect(page.locator(".badge")).to_contain_text("签章验证：有效（2 个签章）")
