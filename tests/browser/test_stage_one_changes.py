"""In a real browser, after the collection announcement (seed 000 §一 8–10 and §二 4): a supplier
joins the demo's open call and obtains the solicitation; the agency starts a change, the
solicitation is edited, reviewed and sealed anew and a change announcement published; then the
project is terminated on a reviewed request; the supplier is notified of both; and the
collector re-organises it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import serious_violations
from tests.browser.test_stage_one import (
    approve,
    as_user,
    new_document,
    open_todo,
    return_and_resubmit,
    seal,
    submit,
)

pytestmark = pytest.mark.browser

NAME = "内蒙古自治区2027年度办公家具框架协议采购项目"
PROJECT = f"NMGZC-KJ-2027-0020 {NAME}"
SOLICITATION = f"{NAME}征集文件"
CHANGE, TERMINATION = f"{NAME}变更公告", f"{NAME}终止公告"  # the titles the form proposes


def open_project(page: Page) -> None:
    page.get_by_role("link", name="采购项目", exact=True).click()
    page.get_by_role("link", name=NAME, exact=True).click()


def read_notice(page: Page, base: str, subject: str) -> None:
    as_user(page, base, "gys_mfr")
    expect(page.get_by_role("heading", name=re.compile("未读消息"))).to_be_visible()
    open_todo(page, subject)
    notice = page.locator(".notice-list li", has_text=subject)
    expect(notice).to_contain_text("未读")
    assert serious_violations(page) == []
    notice.get_by_role("button", name="标为已读").click()
    expect(page.locator(".notice-list li", has_text=subject)).not_to_contain_text("未读")


def draft_from_todo(page: Page, step: str) -> None:
    """我的待办 → the project under ``step`` → the new-document form, kind and project chosen."""
    page.get_by_role("link", name="我的待办").click()
    page.locator(".todo-group", has_text=step).get_by_role("link", name=NAME).click()
    page.get_by_label("以示例数据开始").check()
    page.get_by_role("button", name="创建并开始填写").click()


def announce(page: Page, base: str, title: str, **opinions: str) -> None:
    """The agency's draft, reviewed and sealed by the collector, then published."""
    submit(page)
    approve(page, base, "zj_reviewer", title, **opinions)
    seal(page, base, "zj_clerk", title)
    as_user(page, base, "dl_clerk")
    open_todo(page, title)
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".status")).to_have_text("已发布")


def test_join_change_terminate_and_reorganise(page: Page, live_portal: str) -> None:
    base = live_portal
    # a supplier joins the open call: bad contact details are refused and kept, then accepted
    as_user(page, base, "gys_mfr")
    page.get_by_role("link", name="参与项目").first.click()
    row = page.locator("tr", has_text=NAME)
    row.get_by_role("link", name="参与项目").click()
    page.get_by_label("联系电话").fill("12345")
    page.get_by_label("电子邮箱").fill("sunwei@beifang.example.cn")
    page.get_by_role("button", name="确认参与").click()
    expect(page.get_by_text("请输入有效的手机号码或固定电话")).to_be_visible()
    expect(page.get_by_label("电子邮箱")).to_have_value("sunwei@beifang.example.cn")
    assert serious_violations(page) == []  # the form with its error
    page.get_by_label("联系电话").fill("0471-6601234")
    page.get_by_role("button", name="确认参与").click()
    expect(page.get_by_role("heading", name="已确认参与")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载征集文件").click()
    assert download.value.suggested_filename.endswith("征集文件.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 发起变更: the agency reopens the solicitation and lowers a maximum unit price
    as_user(page, base, "dl_clerk")
    open_project(page)
    page.get_by_role("button", name="发起变更（修改征集文件）").click()
    page.get_by_role("link", name="采购需求及政策").click()
    page.get_by_label("最高限制单价（元）").first.fill("1700.00")
    page.get_by_role("button", name="保存", exact=True).click()
    submit(page)
    approve(page, base, "zj_reviewer", SOLICITATION)
    seal(page, base, "zj_clerk", SOLICITATION)

    # the change announcement lists the correction from the two revisions; reviewed, sealed,
    # published
    as_user(page, base, "dl_clerk")
    draft_from_todo(page, "待编制变更公告")
    page.get_by_role("link", name="更正信息").click()
    expect(page.get_by_label("更正后内容").first).to_have_value("1700.00")
    expect(page.get_by_label("原内容").first).to_have_value("1800.00")
    announce(page, base, CHANGE, 审核意见="更正事项无误，同意发布")
    read_notice(page, base, f"项目变更：{NAME}")

    # termination: the agency's request is returned once, then approved; the announcement
    # (its reason carried over) is reviewed and sealed by the collector, and published
    as_user(page, base, "dl_clerk")
    new_document(page, base, "终止采购申请", "办公家具项目终止采购申请", project=PROJECT)
    page.get_by_label("终止原因").fill("采购需求发生重大变化，本项目不再征集。")
    page.get_by_role("button", name="保存", exact=True).click()
    submit(page)
    return_and_resubmit(page, base, "zj_reviewer", "dl_clerk", "办公家具项目终止采购申请",
                        "请写明需求变化的依据")
    approve(page, base, "zj_reviewer", "办公家具项目终止采购申请")
    as_user(page, base, "dl_clerk")
    draft_from_todo(page, "待编制终止公告")
    expect(page.locator("#main")).to_contain_text("采购需求发生重大变化，本项目不再征集。")
    announce(page, base, TERMINATION)
    read_notice(page, base, f"项目终止：{NAME}")
    page.get_by_role("link", name="参与项目").first.click()
    expect(page.locator("tr", has_text=NAME)).to_contain_text("已终止")
    assert serious_violations(page) == []

    # 重新组织征集: the collector asks to return to the solicitation; reviewed; round 2
    as_user(page, base, "zj_clerk")
    new_document(page, base, "重新组织征集", "办公家具项目重新组织", project=PROJECT)
    page.get_by_label("重新组织的原因").fill("响应供应商不足三家，重新组织征集。")
    page.get_by_role("button", name="保存", exact=True).click()
    submit(page)
    approve(page, base, "zj_reviewer", "办公家具项目重新组织")
    open_project(page)
    expect(page.get_by_text(re.compile("第 2 轮"))).to_be_visible()
    history = page.locator(".history")
    for title in (SOLICITATION, CHANGE, TERMINATION):
        expect(history).to_contain_text(title)  # the earlier documents stay as history

    # the chosen 退回节点 reopens the solicitation and the call: the agency finds them on 我的待办,
    # the project page says where round 2 starts, and the new solicitation starts from round
    # one's last version (the changed maximum unit price)
    expect(page.locator("#round")).to_contain_text("第 2 轮：自“征集文件”起重新组织")
    expect(page.locator("#round")).to_contain_text("采购需求、采购方案保持上一轮的内容")
    as_user(page, base, "dl_clerk")
    page.get_by_role("link", name="我的待办").click()
    page.locator(".todo-group", has_text="待重新编制").get_by_role(
        "link", name=f"{NAME}：征集文件").click()
    steps = page.locator("#round li")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("征集文件")
    expect(steps.nth(0)).to_contain_text("待重新编制")
    assert serious_violations(page) == []
    steps.nth(0).get_by_role("link", name="重新编制").click()
    expect(page.get_by_label("标题")).to_have_value(SOLICITATION)
    page.get_by_role("button", name="创建并开始填写").click()
    page.get_by_role("link", name="采购需求及政策").click()
    expect(page.get_by_label("最高限制单价（元）").first).to_have_value("1700.00")
    open_project(page)
    expect(page.locator("#round li").nth(0)).to_contain_text("草稿")
