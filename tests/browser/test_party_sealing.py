"""In a real browser: a contract's 乙方 is the supplier as registered, and its seal is refused
while the supplier's bound certificate carries another 统一社会信用代码 (the registry corrected
the code after the key was bound); the clerk binds the certificate for the registered code and
the contract is sealed by both parties, each seal shown as made for its named party."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PIN, demo_uscc
from tests.browser.looking import snap
from tests.browser.test_sign_in import sign_in, sign_out
from tests.browser.test_stage_one import new_document

pytestmark = pytest.mark.browser

TITLE = "物业服务采购合同（当事人核验）"
SUPPLIER = "呼和浩特市洁安物业服务有限公司"
PURCHASER = "包头市中心医院"
CORRECTED = demo_uscc("91", "150100", 443)


def open_contract(page: Page) -> None:
    page.get_by_role("link", name="文书", exact=True).click()
    page.get_by_role("link", name=TITLE).click()


def seal_here(page: Page) -> None:
    page.get_by_role("link", name="盖章", exact=True).click()
    last_page = page.locator(".seal-page img").last
    last_page.scroll_into_view_if_needed()
    last_page.click(position={"x": 430, "y": 330})
    page.get_by_role("button", name="确定位置并准备盖章").click()


def enter_pin_and_submit(page: Page, state: str) -> None:
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    page.get_by_role("button", name="盖章", exact=True).click()
    expect(page.get_by_text(state).first).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="提交", exact=True).click()


def test_a_seal_is_refused_for_a_certificate_of_another_uscc_then_made_with_the_right_one(
        page: Page, live_portal: str, live_env: dict[str, str], tmp_path: Path) -> None:
    live_var = Path(live_env["KUANGCAI_VAR_DIR"])
    with sqlite3.connect(live_var / "kuangcai.sqlite") as database:
        old = database.execute("SELECT uscc FROM organisations WHERE name = ?",
                               (SUPPLIER,)).fetchone()[0]
        database.execute("UPDATE organisations SET uscc = ? WHERE name = ?",
                         (CORRECTED, SUPPLIER))

    sign_in(page, live_portal, "gys_service")
    new_document(page, live_portal, "采购合同", TITLE, project=None, 采购人=PURCHASER)
    # the parties are the registered organisations, not the sample's, and cannot be retyped
    supplier_uscc = page.locator("[name='supplier-uscc']")
    expect(supplier_uscc).to_have_value(CORRECTED)
    expect(supplier_uscc).to_have_attribute("readonly", re.compile(".*"))
    expect(page.locator("[name='supplier-name']")).to_have_value(SUPPLIER)
    expect(page.locator("[name='purchaser-name']")).to_have_value(PURCHASER)
    expect(page.get_by_text("取自该单位登记的信息，不能修改").first).to_be_visible()
    snap(page, "parties-locked")
    page.get_by_role("link", name="核对并提交").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".status")).to_have_text("审核中")
    sign_out(page)

    sign_in(page, live_portal, "bt_reviewer")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_role("link", name="下载 PDF").first).to_be_visible(timeout=30_000)
    sign_out(page)

    sign_in(page, live_portal, "gys_service")
    open_contract(page)
    page.get_by_role("link", name="盖章", exact=True).click()
    named = page.locator(".named-party")
    expect(named).to_contain_text(f"{SUPPLIER}（统一社会信用代码 {CORRECTED}）")
    expect(named).to_contain_text("不一致，不能盖章")
    page.get_by_role("button", name="确定位置并准备盖章").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"证书的统一社会信用代码（{old}）")
    expect(refusal).to_contain_text(f"“{SUPPLIER}”的统一社会信用代码（{CORRECTED}）不一致，不能盖章")
    snap(page, "seal-refused")

    # the certificate issued for the registered code, bound on the CA page
    p12 = tmp_path / "jiean.p12"
    env = {**live_env, "KUANGCAI_PIN": DEMO_PIN}
    subprocess.run([sys.executable, "-m", "portal.cli", "ca", "issue", "--org-name", SUPPLIER,
                    "--uscc", CORRECTED, "-o", str(p12)], env=env, check=True,
                   capture_output=True)
    refusal.get_by_role("link", name="查看或绑定 CA 证书").click()
    page.get_by_label("证书文件").set_input_files(str(p12))
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    page.get_by_role("button", name="绑定").click()
    expect(page.get_by_role("status")).to_contain_text("续期")
    expect(page.locator("table.data")).to_contain_text(CORRECTED)

    open_contract(page)
    seal_here(page)
    enter_pin_and_submit(page, "供应商已盖章")
    sign_out(page)

    sign_in(page, live_portal, "bt_clerk")
    open_contract(page)
    page.get_by_role("link", name="盖章", exact=True).click()
    expect(page.locator(".named-party")).to_contain_text(PURCHASER)
    reserved = page.locator(".seal-page[data-reserved-fx]")
    reserved.scroll_into_view_if_needed()
    expect(reserved.locator(".seal-marker")).to_be_visible()  # where the seal will go
    snap(page, "reserved-place")
    page.get_by_role("button", name="确定位置并准备盖章").click()
    enter_pin_and_submit(page, "采购单位已盖章")
    expect(page.locator(".status")).to_have_text("已盖章")
    expect(page.locator(".badge")).to_contain_text("签章验证：有效（2 个签章）")
    seals_list = page.locator(".seal-list")
    expect(seals_list).to_contain_text(f"代表供应商“{SUPPLIER}”（{CORRECTED}）")
    expect(seals_list).to_contain_text(f"代表采购人“{PURCHASER}”")
    expect(seals_list.get_by_text("与证书一致")).to_have_count(2)
    snap(page, "sealed-named-parties")
