"""In a real browser: a rich-text box reopens as formatted text (not ``<p>…</p>``), and what a
clerk formats with the toolbar is saved as the sanitised HTML the documents render."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_rich_text_reopens_formatted_and_the_toolbar_formats_what_is_typed(
        page: Page, live_portal: str) -> None:
    sign_in(page, live_portal, "zj_clerk")
    page.goto(f"{live_portal}/documents/new")
    page.get_by_label("文书种类").select_option(label="采购需求")
    page.get_by_label("标题").fill("富文本编辑采购需求")
    page.get_by_label("以示例数据开始").check()
    page.get_by_role("button", name="创建并开始填写").click()

    editor = page.get_by_role("textbox", name="项目总体情况")
    expect(editor).to_be_visible()
    expect(editor.locator("p").first).to_be_visible()  # the sample's paragraphs, formatted
    expect(editor).not_to_contain_text("<p>")
    expect(page.locator("textarea#overview")).to_be_hidden()  # it still carries the HTML

    editor.click()
    editor.press("Control+a")
    editor.press("Delete")
    editor.press_sequentially("项目概述")
    page.get_by_role("button", name="小标题").first.click()
    editor.press("End")
    editor.press("Enter")
    page.get_by_role("button", name="正文").first.click()
    editor.press_sequentially("本项目征集")
    page.get_by_role("button", name="加粗").first.click()
    editor.press_sequentially("台式计算机")
    page.get_by_role("button", name="加粗").first.click()
    editor.press("Enter")
    page.get_by_role("button", name="项目符号").first.click()
    editor.press_sequentially("国产化适配")
    editor.press("Enter")
    editor.press_sequentially("三年保修")
    expect(page.locator("#autosave-state")).to_have_text("已自动保存")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存。")).to_be_visible()

    # reopened: formatted again, and the stored HTML is the sanitised subset
    editor = page.get_by_role("textbox", name="项目总体情况")
    expect(editor.locator("h3")).to_have_text("项目概述")
    expect(editor.locator("strong")).to_have_text("台式计算机")
    expect(editor.locator("ul li")).to_have_text(["国产化适配", "三年保修"])
    stored = page.locator("textarea#overview").input_value()
    assert stored == ("<h3>项目概述</h3><p>本项目征集<strong>台式计算机</strong></p>"
                      "<ul><li>国产化适配</li><li>三年保修</li></ul>"), stored
    preview = page.frame_locator("#preview-frame")
    expect(preview.locator("strong", has_text="台式计算机")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the toolbar fits
    page.reload()
    toolbar = page.get_by_role("toolbar", name="项目总体情况 格式")
    expect(toolbar).to_be_visible()
    box, screen = toolbar.bounding_box(), page.viewport_size
    assert box is not None and screen is not None and box["x"] + box["width"] <= screen["width"]
