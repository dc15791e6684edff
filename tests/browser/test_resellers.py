"""In a real browser (issue 14, part C): a shortlisted manufacturer delegates its agreement to a
reseller with an uploaded letter, the collector confirms the delegation, the manufacturer sets
the reseller's delivery region, the reseller's price above the shortlisted price is refused
with both figures and a lower one accepted; a supplier applies to join an open agreement and
the agency's reviewer admits it and its 框架协议 is generated, reviewed, sealed by the supplier and
signed by the collector; the public agreement pages show all of it.

The projects are this test's own, written into the live portal's database past their published
shortlist (``tests.delegation_setup``), so the demo state is left as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PIN
from tests.browser.looking import snap
from tests.browser.test_stage_one import approve, as_user, seal, submit
from tests.evaluation_setup import _blank_pdf

pytestmark = pytest.mark.browser
RESELLER = "内蒙古蒙讯科技有限公司"
MAKER = "北方信创计算机有限公司"


def _pdf(path: Path) -> Path:
    path.write_bytes(_blank_pdf())
    return path


@pytest.fixture
def agreements(portal_here: Any) -> tuple[int, int, int]:
    """(closed project, its 北方信创 row, open project): the open one's lot has no supplier
    yet, and 北方信创 a stocked product to apply with."""
    from portal import db
    from tests.delegation_setup import agreement_project, org, stocked_product

    session = db.session()
    closed = agreement_project(session, "NMGZC-BR14-0001", name="浏览器测试台式计算机框架协议")
    opened = agreement_project(session, "NMGZC-BR14-0002", agreement_type="open",
                               name="浏览器测试开放式台式计算机框架协议")
    for row in opened.suppliers:
        session.delete(row)
    stocked_product(session, org(session, MAKER), "世恒TD500")
    session.commit()
    return closed.project.id, closed.suppliers[0].id, opened.project.id


def test_reseller_delegated_confirmed_priced_and_open_application_admitted(
        page: Page, live_portal: str, agreements: tuple[int, int, int], tmp_path: Path) -> None:
    base = live_portal
    closed_id, row_id, open_id = agreements
    letter = _pdf(tmp_path / "委托协议.pdf")

    # 北方信创 chooses 蒙讯 for its agreement and uploads the letter
    as_user(page, base, "gys_mfr")
    page.goto(f"{base}/delegations")
    card = page.locator(f"#agreement-{row_id}")
    card.get_by_label("代理商").select_option(label=RESELLER)
    card.get_by_label("委托协议（PDF）").set_input_files(str(letter))
    card.get_by_role("button", name="选择代理商并上传委托协议").click()
    expect(page.get_by_role("status")).to_contain_text("等待征集人确认委托结果")
    expect(page.locator(f"#agreement-{row_id}")).to_contain_text("待确认")

    # the collector confirms it (确认委托结果)
    as_user(page, base, "zj_clerk")
    page.goto(f"{base}/shortlisted/projects/{closed_id}")
    snap(page, "shortlisted-project")
    page.locator(f"#supplier-{row_id}").get_by_role("link", name="维护").click()
    expect(page.get_by_role("heading", name=MAKER)).to_be_visible()
    page.get_by_role("button", name="确认委托结果").click()
    expect(page.get_by_role("status")).to_contain_text(f"已确认委托结果：{RESELLER}")
    snap(page, "shortlisted-supplier")

    # 北方信创 sets the reseller's delivery region
    as_user(page, base, "gys_mfr")
    page.goto(f"{base}/delegations")
    card = page.locator(f"#agreement-{row_id}")
    card.get_by_label("包头市").check()
    card.get_by_role("button", name="保存配送范围").click()
    expect(page.get_by_role("status")).to_contain_text("已设置代理商配送范围")
    expect(page.locator(f"#agreement-{row_id}")).to_contain_text("配送范围：包头市")
    snap(page, "delegations-manufacturer")

    # 蒙讯 prices the product: above the shortlisted 5,890.00 refused, then accepted
    as_user(page, base, "gys_reseller")
    page.goto(f"{base}/delegations")
    mine = page.locator("article", has_text="浏览器测试台式计算机框架协议")  # this test's agreement
    price = mine.get_by_label("我的报价（元）")
    price.fill("6000")
    mine.get_by_role("button", name="提交报价并上架").click()
    expect(page.get_by_role("alert")).to_contain_text("6000.00")
    expect(page.get_by_role("alert")).to_contain_text("5890.00")
    expect(mine.get_by_label("我的报价（元）")).to_have_value("6000")
    snap(page, "delegations-reseller-refused")
    mine.get_by_label("我的报价（元）").fill("5800")
    mine.get_by_role("button", name="提交报价并上架").click()
    expect(page.get_by_role("status")).to_contain_text("报价已提交")

    # the public agreement page shows the reseller, its region and price
    as_user(page, base, "gys_mfr")
    page.goto(f"{base}/agreements/{closed_id}")
    row = page.locator(f"#public-supplier-{row_id}")
    expect(row).to_contain_text(RESELLER)
    expect(row).to_contain_text("包头市")
    expect(row).to_contain_text("5,800.00")
    snap(page, "agreement-board")

    # 北方信创 applies to join the open agreement
    page.goto(f"{base}/open-applications")
    page.locator("li", has_text="浏览器测试开放式台式计算机框架协议").get_by_role(
        "link", name="申请加入").click()
    page.get_by_label("申请加入的包").select_option("01")
    page.get_by_label("响应产品（已入库）").select_option(label="长城 世恒TD500（台式计算机）")
    page.get_by_label("申请价格（元）").fill("6000")
    page.get_by_label("资格声明").fill("本单位具备独立承担民事责任的能力，近三年无重大违法记录。")
    page.get_by_label("资格证明材料（PDF）").set_input_files(str(_pdf(tmp_path / "资格.pdf")))
    snap(page, "open-apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("status")).to_contain_text("申请已提交")

    # the agency's reviewer admits it
    as_user(page, base, "dl_reviewer")
    page.goto(f"{base}/open-applications")
    card = page.locator("article", has_text="浏览器测试开放式台式计算机框架协议").first
    expect(card).to_contain_text(MAKER)
    snap(page, "open-review")
    card.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("status")).to_contain_text(f"审核通过：{MAKER}")
    page.goto(f"{base}/agreements/{open_id}")
    expect(page.locator("#agreement-board table")).to_contain_text(MAKER)

    # its 框架协议: the agency's clerk generates it, the collector reviews, 北方信创 seals,
    # the collector signs (一键签订 with the one agreement due)
    as_user(page, base, "dl_clerk")
    page.goto(f"{base}/todo")
    expect(page.get_by_role("heading", name="待生成框架协议")).to_be_visible()
    page.goto(f"{base}/projects/{open_id}/agreements")
    page.get_by_role("button", name="生成框架协议").click()
    expect(page.get_by_role("status").first).to_contain_text("已生成框架协议 1 份")
    # this project's solicitation left the second-stage methods open: the refusal names the
    # agreement, the clerk completes it in the wizard and submits it from there
    title = f"框架协议·第01包·{MAKER}"
    page.get_by_role("button", name="全部提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("已提交审核 0 份；以下框架协议内容不完整")
    expect(page.get_by_role("alert")).to_contain_text(title)
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="继续填写").click()
    page.get_by_role("link", name="第二阶段及履约").click()
    snap(page, "agreement-wizard-performance")
    page.get_by_label("第二阶段确定成交供应商方式").select_option(label="直接选定")
    page.get_by_role("button", name="保存", exact=True).click()
    submit(page)
    expect(page.get_by_text("审核中").first).to_be_visible()
    approve(page, base, "zj_reviewer", title, 审查意见="申请人已审核通过，协议价格不高于支付标准。")
    seal(page, base, "gys_mfr", title)
    as_user(page, base, "zj_clerk")
    page.goto(f"{base}/projects/{open_id}/agreements")
    page.get_by_role("button", name="一键签订").click()
    expect(page.locator("#collector-sealing li")).to_have_count(1)
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    page.get_by_role("button", name="签订全部").click()
    page.get_by_role("button", name="提交全部签章").click(timeout=60_000)
    expect(page.get_by_role("status").first).to_contain_text("已签订 1 份框架协议")
    expect(page.locator("#agreement-list tbody tr").first).to_contain_text("征集人：已签订")
    snap(page, "open-agreement-signed")
