"""In a real browser (issue 14, part B; seed 000 §二 2.2 and 3): the demo's furniture maker
keeps its 企业信息 (a bad phone number refused, what was typed kept), enters a chair with its
technical parameters (missing parameters refused) and an armrest accessory, stocks the chair
(入库: no longer editable) and links the armrest to it (关联配件或耗材); the demo's reseller is
told why it enters no products.

It adds one chair and one accessory to the maker on the shared live portal; the responses of
later tests choose the demo's own stocked chair (the oldest), so they are unaffected."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import serious_violations, snap
from tests.browser.test_stage_one import as_user

pytestmark = pytest.mark.browser

MAKER = "内蒙古草原家具制造有限公司"
CHAIR = "办公椅（A05010301）"
PARAMETERS = "网布靠背，头枕可调\n铝合金五星脚，静音PU轮\n三级气杆，承重≥150kg"


def save(page: Page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()


def test_a_manufacturer_keeps_its_profile_enters_stocks_and_links_products(
        page: Page, live_portal: str) -> None:
    base = live_portal
    as_user(page, base, "gys_furniture")

    # 企业信息: name and uscc as registered; a wrong phone refused with the rest kept
    page.get_by_role("link", name="企业信息").click()
    expect(page.get_by_role("heading", name="企业信息")).to_be_visible()
    expect(page.locator("#supplier-profile")).to_contain_text(MAKER)
    expect(page.get_by_label("生产厂家")).to_be_checked()
    page.get_by_label("单位地址").fill("呼和浩特市和林格尔新区盛乐园区家具产业园8号")
    page.get_by_label("联系电话").fill("12345")
    save(page)
    expect(page.get_by_text("请输入有效的手机号码或固定电话").first).to_be_visible()
    expect(page.get_by_label("单位地址")).to_have_value("呼和浩特市和林格尔新区盛乐园区家具产业园8号")
    assert serious_violations(page) == []
    page.get_by_label("联系电话").fill("0471-6900016")
    save(page)
    expect(page.get_by_text("已保存企业信息。")).to_be_visible()
    expect(page.get_by_label("联系电话")).to_have_value("0471-6900016")
    snap(page, "supplier-profile")

    # 产品管理: the demo's stocked desk and chair are listed; a new chair is entered
    page.get_by_role("link", name="产品管理").click()
    expect(page.locator("#products tbody")).to_contain_text("草原 CY-D1600")
    page.get_by_role("link", name="录入产品").click()
    page.get_by_label("品目").select_option(CHAIR)
    page.get_by_label("品牌").fill("草原")
    page.get_by_label("型号").fill("CY-Y05")
    page.get_by_label("计量单位").fill("把")
    save(page)
    expect(page.get_by_text("请填写技术参数").first).to_be_visible()
    expect(page.get_by_label("型号")).to_have_value("CY-Y05")
    snap(page, "product-form-refused")
    assert serious_violations(page) == []
    page.get_by_label("技术参数").fill(PARAMETERS)
    save(page)
    expect(page.get_by_text("已保存“草原 CY-Y05”（未入库）。")).to_be_visible()
    chair = page.locator("#products tbody tr", has_text="CY-Y05")
    expect(chair).to_contain_text("未入库")
    expect(chair).to_contain_text("三级气杆")

    # an accessory of the chair
    page.get_by_role("link", name="录入配件").click()
    expect(page.get_by_role("heading", name="录入配件")).to_be_visible()
    page.get_by_label("品目").select_option(CHAIR)
    page.get_by_label("品牌").fill("草原")
    page.get_by_label("型号").fill("CY-FS05 扶手")
    page.get_by_label("技术参数").fill("铝合金3D扶手，PU扶手面，适配CY-Y05")
    page.get_by_label("计量单位").fill("副")
    save(page)
    expect(page.get_by_text("已保存“草原 CY-FS05 扶手”（未入库）。")).to_be_visible()

    # 入库: the chair can answer lot 02 now and is no longer edited (only copied)
    chair.get_by_role("button", name="入库 草原 CY-Y05").click()
    expect(page.get_by_text("已入库：草原 CY-Y05。")).to_be_visible()
    chair = page.locator("#products tbody tr", has_text="CY-Y05").filter(has_not_text="扶手")
    expect(chair).to_contain_text("已入库")
    expect(chair.get_by_role("link", name="编辑 草原 CY-Y05")).to_have_count(0)
    expect(chair.get_by_role("button", name="复制 草原 CY-Y05")).to_be_visible()

    # 关联配件或耗材
    chair.get_by_role("link", name="关联配件或耗材 草原 CY-Y05").click()
    expect(page.get_by_text(f"产品：草原 CY-Y05（{CHAIR}）")).to_be_visible()
    page.get_by_label("配件：草原 CY-FS05 扶手", exact=False).check()
    snap(page, "product-parts")
    assert serious_violations(page) == []
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("已关联配件或耗材：草原 CY-Y05。")).to_be_visible()
    chair = page.locator("#products tbody tr", has_text="CY-Y05").filter(has_not_text="副")
    expect(chair).to_contain_text("草原 CY-FS05 扶手")
    page.get_by_label("状态").select_option("stocked")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#products tbody tr", has_text="单位：副")).to_have_count(0)  # 未入库
    expect(page.locator("#products tbody tr", has_text="CY-Y05")).to_have_count(1)
    snap(page, "products-index")
    assert serious_violations(page) == []

    # a reseller enters no products, and is told why
    as_user(page, base, "gys_reseller")
    page.get_by_role("link", name="产品管理").click()
    expect(page.get_by_text("代理商不能录入产品")).to_be_visible()
    expect(page.get_by_role("link", name="录入产品")).to_have_count(0)
    snap(page, "products-reseller")
    assert serious_violations(page) == []
