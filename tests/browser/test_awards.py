"""In a real browser (issue 16): a purchaser applies for a 非入围合同授予 from a product's page
(a controlled price not below the agreement prices refused, then one below with the evidence
PDF); the collector's clerk approves it; the purchaser makes a 二次竞价 of it, the controlled
price filled in as the maximum."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import snap
from tests.browser.test_agreements import from_todo
from tests.browser.test_stage_one import as_user
from tests.evaluation_setup import _blank_pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def world(portal_here: Any) -> Any:
    from portal import db
    from tests.order_setup import in_force

    return in_force(db.session(), "NMGZC-BR16-0003")


def test_a_non_shortlisted_award_applied_approved_and_made_a_bidding(
        page: Page, live_portal: str, world: Any, tmp_path: Path) -> None:
    base = live_portal
    evidence = tmp_path / "三家报价单.pdf"
    evidence.write_bytes(_blank_pdf())
    as_user(page, base, "cg_clerk")
    page.goto(f"{base}/catalogue/{world.setup.suppliers[0].id}-0")
    page.get_by_role("link", name="申请非入围合同授予").click()
    page.get_by_label("未入围供应商").select_option(label="呼和浩特市洁安物业服务有限公司")
    page.get_by_label("采购数量").fill("10")
    page.get_by_label("控制单价（元）").fill("5800")
    page.get_by_label("申请理由").fill("同型号产品市场价更低，附三家报价单。")
    page.get_by_label("证明材料（PDF）").set_input_files(str(evidence))
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("须低于本包最低的协议价格 5,800.00 元")
    page.get_by_label("控制单价（元）").fill("5500")
    page.get_by_label("证明材料（PDF）").set_input_files(str(evidence))
    snap(page, "award-new")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#award-status")).to_have_text("待审核")

    as_user(page, base, "zj_clerk")
    from_todo(page, base, "非入围合同授予待审核")
    expect(page.get_by_role("link", name="三家报价单.pdf")).to_be_visible()
    snap(page, "award-review")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#award-status")).to_have_text("审核通过")

    as_user(page, base, "cg_clerk")
    from_todo(page, base, "待生成二次竞价项目")
    page.get_by_role("link", name="生成二次竞价项目").click()
    expect(page.get_by_label("最高限制单价（元）")).to_have_value("5500.00")
    expect(page.locator(".note")).to_contain_text("呼和浩特市洁安物业服务有限公司 受邀参与")
    page.get_by_label("采购需求").fill("同型号台式计算机")
    page.get_by_label("采购计划明细").select_option(index=1)
    page.get_by_role("button", name="保存并预览公告").click()
    expect(page.locator("#invited")).to_contain_text("呼和浩特市洁安物业服务有限公司")
