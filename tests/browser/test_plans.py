"""In a real browser: a purchaser's clerk drafts a 采购计划 from the 采购计划 page (the
purchaser's registered name filled in and locked, each line's budget and the total computed as
typed), submits it; the purchaser's reviewer approves it; the plan page then shows each line's
budget as remaining."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.models import beijing_now
from tests.browser.looking import snap
from tests.browser.test_stage_one import approve, as_user

pytestmark = pytest.mark.browser

TITLE = "第一中学教学设备采购计划（浏览器）"


def test_a_purchaser_drafts_and_approves_a_plan_and_sees_its_budget(
        page: Page, live_portal: str) -> None:
    base = live_portal
    as_user(page, base, "cg_clerk")
    page.get_by_role("link", name="采购计划", exact=True).click()
    page.get_by_role("link", name="新增采购计划").click()
    expect(page.get_by_label("文书种类")).to_have_value("purchasing_plan")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_role("button", name="创建并开始填写").click()

    expect(page.locator("#purchaser-name")).to_have_value("呼和浩特市第一中学")
    expect(page.locator("#purchaser-name")).to_have_attribute("readonly", re.compile(".*"))
    page.get_by_label("计划编号").fill("HSYZ-JH-001")
    page.get_by_label("计划名称").fill("第一中学教学设备采购计划")
    page.get_by_label("预算年度").fill(str(beijing_now().year))
    page.get_by_label("资金来源").select_option(label="财政拨款")
    snap(page, "plan-basics")
    page.get_by_role("button", name="保存并继续").click()

    expect(page.get_by_role("heading", name="采购内容清单").first).to_be_visible()
    page.locator("#lines-0-category").fill("台式计算机")
    page.locator("#lines-0-name").fill("教学用台式计算机")
    page.locator("#lines-0-unit").fill("台")
    page.locator("#lines-0-quantity").fill("40")
    page.locator("#lines-0-unit_price").fill("5,800")
    expect(page.locator("#lines-0-amount")).to_have_value("232000.00", timeout=10_000)
    expect(page.locator("#total_budget")).to_have_value("232000.00")
    snap(page, "plan-lines")
    page.get_by_role("button", name="保存并继续").click()
    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("修改后才能提交")).to_have_count(0)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status")).to_have_text("审核中")

    approve(page, base, "cg_reviewer", TITLE)

    as_user(page, base, "cg_clerk")
    page.get_by_role("link", name="采购计划", exact=True).click()
    plan = page.locator("article", has_text=TITLE)
    expect(plan).to_contain_text("已审核")
    line = plan.locator("#line-1")
    expect(line).to_contain_text("台式计算机")
    expect(line).to_contain_text("232,000.00")
    expect(line.locator("td").last).to_have_text("232,000.00")  # nothing used yet
    snap(page, "plans")
