"""In a real browser: a clerk drafts 采购需求 through the wizard, the reviewer returns it with a
reason, the clerk resubmits, the reviewer approves, and the rendered PDF downloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser



def test_draft_review_return_resubmit_approve_and_download(page: Page, live_portal: str) -> None:
    sign_in(page, live_portal, "zj_clerk")
    page.get_by_role("link", name="文书", exact=True).click()
    page.get_by_role("link", name="新建文书").click()
    page.get_by_label("文书种类").select_option(label="采购需求")
    page.get_by_label("标题").fill("2027年度办公设备采购需求")
    page.get_by_label("以示例数据开始").check()
    page.get_by_role("button", name="创建并开始填写").click()

    # first step: the live preview shows what is typed, after the autosave
    expect(page.get_by_role("heading", name="2027年度办公设备采购需求")).to_be_visible()
    name = page.get_by_label("项目名称", exact=True)
    name.fill("呼和浩特市办公设备框架协议采购")
    expect(page.locator("#autosave-state")).to_have_text("已自动保存")
    preview = page.frame_locator("#preview-frame")
    expect(preview.get_by_text("呼和浩特市办公设备框架协议采购").first).to_be_visible()

    # an empty required field is refused with its message, and the other input is kept
    name.fill("")
    page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_role("alert").first).to_contain_text("需要修改")
    expect(page.get_by_label("项目名称", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_label("项目名称", exact=True).fill("呼和浩特市办公设备框架协议采购")

    for _ in range(10):  # walk every step with 保存并继续 until the check page
        if page.get_by_role("heading", name="核对填写内容").is_visible():
            break
        page.get_by_role("button", name="保存并继续").click()
    expect(page.get_by_role("heading", name="核对填写内容")).to_be_visible()
    expect(page.get_by_text("呼和浩特市办公设备框架协议采购").first).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status")).to_have_text("审核中")
    expect(page.get_by_role("link", name="下载 PDF")).to_be_visible(timeout=30_000)
    sign_out(page)

    sign_in(page, live_portal, "zj_reviewer")
    page.get_by_role("link", name=re.compile("采购需求：2027年度办公设备采购需求")).click()
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_text("退回时必须填写退回原因")).to_be_visible()
    page.get_by_label("退回原因").fill("需求调查情况须列明三家以上供应商")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.locator(".status")).to_have_text("草稿")
    sign_out(page)

    sign_in(page, live_portal, "zj_clerk")
    expect(page.get_by_text("已退回待修改")).to_be_visible()
    expect(page.get_by_text("需求调查情况须列明三家以上供应商")).to_be_visible()
    page.get_by_role("link", name=re.compile("采购需求：2027年度办公设备采购需求")).click()
    page.get_by_role("link", name="继续填写").click()
    page.get_by_role("link", name="核对并提交").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("第 2 版")).to_be_visible()
    sign_out(page)

    sign_in(page, live_portal, "zj_reviewer")
    page.get_by_role("link", name=re.compile("采购需求：2027年度办公设备采购需求")).click()
    page.get_by_label("一般性审查意见").fill("内容完整，符合规定")
    page.get_by_label("重点审查意见").fill("需求调查充分，分包合理")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator(".status")).to_have_text("已审核")
    expect(page.get_by_text("重点审查：需求调查充分，分包合理")).to_be_visible()
    link = page.get_by_role("link", name="下载 PDF").first
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
