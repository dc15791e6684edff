"""In a real browser, 专家抽取 (seed 000 §一 11, 13.2) on the demo's open call: the regulator adds
an expert to the pool, the agency's clerk requests a draw, its reviewer approves and the system
draws; a drawn expert finds the invitation on 我的待办, checks in with the ID number and the
panel's leader is chosen; the agency sees the panel's state."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PASSWORD
from portal.demo_experts import EXPERTS, id_number
from tests.browser.looking import snap
from tests.browser.test_sign_in import sign_in, sign_out

pytestmark = pytest.mark.browser

PROJECT = "内蒙古自治区2027年度办公家具框架协议采购项目"
NEW_ID = id_number("15010219880808123")
# name → (username, password, ID number) of everyone who may be drawn
ACCOUNTS = {name: (username, DEMO_PASSWORD, id_number(first17))
            for username, name, first17, *_ in EXPERTS}
ACCOUNTS["孙丽"] = ("expert_sun", "Sunli@2026x", NEW_ID)


def as_user(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    if page.get_by_role("button", name="退出").count():
        sign_out(page)
    sign_in(page, base, username, password)


def test_a_draw_from_the_pool_to_the_panels_leader(page: Page, live_portal: str) -> None:
    base = live_portal
    as_user(page, base, "cz_reviewer")
    page.get_by_role("link", name="专家库").click()
    page.get_by_role("link", name="新增专家").click()
    page.get_by_label("姓名").fill("孙丽")
    page.get_by_label("身份证号码").fill(NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1"))
    page.get_by_label("家具（A0501）").check()
    page.get_by_label("所在地区").select_option(label="呼和浩特市（150100）")
    page.get_by_label("工作单位", exact=True).fill("内蒙古财经大学")
    page.get_by_label("联系电话").fill("13904719999")
    page.get_by_label("登录用户名").fill("expert_sun")
    page.get_by_label("初始密码").fill("Sunli@2026x")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("身份证号码校验位错误")).to_be_visible()  # nothing else lost
    expect(page.get_by_label("工作单位", exact=True)).to_have_value("内蒙古财经大学")
    snap(page, "expert-form-error")
    page.get_by_label("身份证号码").fill(NEW_ID)
    page.get_by_label("初始密码").fill("Sunli@2026x")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存专家“孙丽”。")).to_be_visible()
    snap(page, "expert-pool")

    as_user(page, base, "dl_clerk")
    page.get_by_role("link", name="采购项目", exact=True).click()
    page.get_by_role("link", name=PROJECT).first.click()
    page.get_by_role("link", name="专家抽取").click()
    page.get_by_label("专家品目").select_option(label="家具（A0501）")
    page.get_by_label("专家所在地区").select_option(label="内蒙古自治区（150000）")
    page.get_by_label("抽取人数").fill("3")
    page.get_by_label("备选人数").fill("1")
    expect(page.get_by_text("内蒙古自治区政府采购中心（征集人）")).to_be_visible()
    snap(page, "expert-draw-request")
    page.get_by_role("button", name="提交抽取申请").click()
    expect(page.get_by_text("抽取申请已提交，等待审核。")).to_be_visible()

    as_user(page, base, "dl_reviewer")
    page.get_by_role("link", name="我的待办").click()
    page.get_by_role("link", name=re.compile("专家抽取申请")).first.click()
    snap(page, "expert-draw-review")
    page.get_by_role("button", name="审核通过并抽取").click()
    expect(page.get_by_role("heading", name="抽取结果")).to_be_visible()
    first = page.locator("#expert-draw table.data tbody tr").first.locator("td").nth(1)
    name = first.inner_text().split("\n")[0].strip()
    assert name in ACCOUNTS, name
    expect(page.get_by_text("已签到 0 / 3 人")).to_be_visible()
    page.get_by_role("link", name="复核抽取").click()
    expect(page.get_by_text("复核一致")).to_be_visible()
    snap(page, "expert-draw-recheck")

    username, password, number = ACCOUNTS[name]
    as_user(page, base, username, password)
    page.get_by_role("link", name="我的待办").click()
    expect(page.get_by_role("heading", name=re.compile("评审邀请"))).to_be_visible()
    snap(page, "expert-todo")
    page.get_by_role("link", name=PROJECT).first.click()
    snap(page, "expert-seat")
    page.get_by_label("签到方式").select_option(label="身份证号码")
    page.get_by_label("身份证号码").fill("150102198001011230")
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.get_by_text("身份证号码与专家库登记的不一致。")).to_be_visible()
    page.get_by_label("身份证号码").fill(number)
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.get_by_text("签到成功。")).to_be_visible()
    page.get_by_label("组长").select_option(label=name)
    snap(page, "expert-check-in")
    page.get_by_role("button", name="设为组长").click()
    expect(page.get_by_text(re.compile("组长已于 .* 推选。"))).to_be_visible()

    as_user(page, base, "dl_clerk")
    page.get_by_role("link", name="采购项目", exact=True).click()
    page.get_by_role("link", name=PROJECT).first.click()
    page.get_by_role("link", name="专家抽取").click()
    page.get_by_role("link", name=re.compile("第 \\d+ 号申请")).first.click()
    expect(page.get_by_text("已签到 1 / 3 人")).to_be_visible()
    expect(page.get_by_text(re.compile(f"组长：{name}"))).to_be_visible()
    snap(page, "expert-draw-panel")
