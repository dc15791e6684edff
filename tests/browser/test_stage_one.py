"""In a real browser, stage one steps 1–7 (seed 000 §一) with the demo accounts, each step by
the person who does it: initiation (returned once, then approved), requirements, plan
(collector then regulator), entrustment (issued, accepted, lead set, agreement sealed by both),
solicitation sealed by the collector, and the collection announcement published with the
collector's and the agency's seals on the public board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD, DEMO_PIN
from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser

NUMBER = "NMGZC-KJ-2026-0901"
NAME = "内蒙古自治区2027年度办公设备框架协议采购项目（浏览器）"


def as_user(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    if page.get_by_role("button", name="退出").count():
        sign_out(page)
    sign_in(page, base, username, password)


def new_document(page: Page, base: str, kind: str, title: str,
                 project: str | None = f"{NUMBER} {NAME}", **parties: str) -> None:
    page.goto(f"{base}/documents/new")
    page.get_by_label("文书种类").select_option(label=kind)
    page.get_by_label("标题").fill(title)
    if project:
        page.get_by_label("所属采购项目").select_option(label=project)
    for role, org in parties.items():
        page.get_by_label(role).select_option(label=org)
    page.get_by_label("以示例数据开始").check()
    page.get_by_role("button", name="创建并开始填写").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def submit(page: Page) -> None:
    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("修改后才能提交")).to_have_count(0)
    page.get_by_role("button", name=re.compile("^提交")).click()


def open_todo(page: Page, text: str) -> None:
    page.get_by_role("link", name="我的待办").click()
    page.get_by_role("link", name=re.compile(re.escape(text))).first.click()


def approve(page: Page, base: str, reviewer: str, title: str, **opinions: str) -> None:
    as_user(page, base, reviewer)
    open_todo(page, title)
    for label, text in opinions.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("审核通过").first).to_be_visible()


def return_and_resubmit(page: Page, base: str, reviewer: str, drafter: str, title: str,
                        reason: str) -> None:
    """The reviewer returns the document with a reason; the drafter sees it and resubmits."""
    as_user(page, base, reviewer)
    open_todo(page, title)
    page.get_by_label("退回原因").fill(reason)
    page.get_by_role("button", name="退回", exact=True).click()
    as_user(page, base, drafter)
    expect(page.get_by_text(reason).first).to_be_visible()
    open_todo(page, title)
    page.get_by_role("link", name="继续填写").click()
    submit(page)


def seal(page: Page, base: str, sealer: str, title: str,
         password: str = DEMO_PASSWORD) -> None:
    as_user(page, base, sealer, password)
    open_todo(page, title)
    expect(page.get_by_role("link", name="下载 PDF").first).to_be_visible(timeout=30_000)
    page.get_by_role("link", name="盖章", exact=True).click()
    page.get_by_role("button", name="确定位置并准备盖章").click()
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    page.get_by_role("button", name="盖章", exact=True).click()
    page.get_by_role("button", name="提交", exact=True).click(timeout=30_000)


def test_stage_one_from_initiation_to_a_published_collection_announcement(
        page: Page, live_portal: str) -> None:
    base = live_portal
    # 1. initiation: drafted, returned with a reason, corrected, approved
    as_user(page, base, "zj_clerk")
    new_document(page, base, "采购项目立项", "立项申请", project=None)
    page.get_by_label("项目名称").fill(NAME)
    page.get_by_label("项目编号").fill(NUMBER)
    page.get_by_role("button", name="保存", exact=True).click()
    submit(page)
    return_and_resubmit(page, base, "zj_reviewer", "zj_clerk", "立项申请", "请补充采购理由")
    approve(page, base, "zj_reviewer", "立项申请")
    page.get_by_role("link", name="采购项目", exact=True).click()
    expect(page.get_by_role("link", name=NAME)).to_be_visible()

    # 2. requirements, with both named reviews
    as_user(page, base, "zj_clerk")
    new_document(page, base, "采购需求", "采购需求（浏览器）")
    submit(page)
    approve(page, base, "zj_reviewer", "采购需求（浏览器）",
            一般性审查意见="符合规定", 重点审查意见="需求调查充分")

    # 3. plan: the collector's reviewer, then the regulator
    as_user(page, base, "zj_clerk")
    new_document(page, base, "采购方案", "采购方案（浏览器）", 财政部门="内蒙古自治区财政厅")
    submit(page)
    approve(page, base, "zj_reviewer", "采购方案（浏览器）")
    approve(page, base, "cz_reviewer", "采购方案（浏览器）")

    # 4–5. entrustment: issued, accepted, lead set; agreement sealed by both
    as_user(page, base, "zj_clerk")
    page.get_by_role("link", name="采购项目", exact=True).click()
    page.get_by_role("link", name=NAME).click()
    page.get_by_label("受托代理机构").select_option(label="内蒙古中咨招标代理有限公司")
    page.get_by_role("button", name="下达方案").click()
    as_user(page, base, "dl_clerk")
    open_todo(page, NAME)
    page.get_by_role("button", name="接受采购委托").click()
    page.get_by_label("项目负责人").select_option(label="赵磊")
    page.get_by_label("项目经办人").select_option(label="李娜")
    page.get_by_role("button", name="保存项目负责人").click()
    expect(page.locator("dd", has_text="赵磊")).to_be_visible()
    as_user(page, base, "zj_clerk")
    new_document(page, base, "委托代理协议", "委托代理协议（浏览器）")
    submit(page)
    seal(page, base, "zj_clerk", "委托代理协议（浏览器）")
    seal(page, base, "dl_clerk", "委托代理协议（浏览器）")
    expect(page.locator(".badge")).to_contain_text("有效（2 个签章）")

    # 6. solicitation: drafted by the agency, confirmed and sealed by the collector
    as_user(page, base, "dl_clerk")
    new_document(page, base, "征集文件", "征集文件（浏览器）")
    submit(page)
    approve(page, base, "zj_reviewer", "征集文件（浏览器）")
    seal(page, base, "zj_clerk", "征集文件（浏览器）")

    # 7. collection announcement: collector details and agency locked, reviewed, sealed by
    # the collector and the agency it is entrusted to, published
    as_user(page, base, "dl_clerk")
    new_document(page, base, "征集公告", "征集公告（浏览器）")
    page.get_by_role("link", name="联系方式").click()
    expect(page.get_by_label("名称").first).to_have_attribute("readonly", "")
    expect(page.get_by_label("名称").first).to_have_value("内蒙古自治区政府采购中心")
    expect(page.get_by_label("名称").nth(1)).to_have_attribute("readonly", "")
    expect(page.get_by_label("名称").nth(1)).to_have_value("内蒙古中咨招标代理有限公司")
    submit(page)
    approve(page, base, "zj_reviewer", "征集公告（浏览器）", 审核意见="公告内容无误，同意发布")
    seal(page, base, "zj_clerk", "征集公告（浏览器）")
    seal(page, base, "dl_clerk", "征集公告（浏览器）")
    expect(page.locator(".badge")).to_contain_text("有效（2 个签章）")
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".status")).to_have_text("已发布")
    page.goto(f"{base}/announcements?q=浏览器")
    page.get_by_role("link", name=re.compile("征集公告（浏览器）")).first.click()
    expect(page.get_by_text("内蒙古自治区政府采购中心").first).to_be_visible()
    expect(page.locator(".badge")).to_contain_text("有效")
    expect(page.get_by_text("内蒙古中咨招标代理有限公司").first).to_be_visible()
