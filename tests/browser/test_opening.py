"""In a real browser, from the demo's open call: the demo's furniture maker drafts a response
with one of its stocked products (a price above the maximum refused), attaches PDFs, self-tests
the decryption, submits with its PIN and downloads the receipt, which the receipt page
verifies; the agency opens the lot (a 20-minute window refused, 30 accepted); the supplier
decrypts; everyone sees the progress; after the window the agency generates the 开标记录表 and
the supplier confirms it.

The live portal runs in its own processes on the real clock, so the test moves time by
editing the database the portal uses (its SQLite file under ``KUANGCAI_VAR_DIR``): the
solicitation's submission deadline is moved into the past after submitting, and the
decryption window's end after decrypting. Both are put back at the end.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from portal.demo import DEMO_PIN
from tests.browser.looking import serious_violations, snap
from tests.browser.test_stage_one import as_user

pytestmark = pytest.mark.browser

NAME = "内蒙古自治区2027年度办公家具框架协议采购项目"
DESK = "草原 CY-D1600（张）"  # the demo furniture maker's stocked desk (portal.demo_products)


@contextmanager
def database(live_env: dict[str, str]) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(Path(live_env["KUANGCAI_VAR_DIR"]) / "kuangcai.sqlite")
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def set_deadline(live_env: dict[str, str], value: str | None) -> str:
    """Set the demo call's submission deadline (Beijing time, ISO); return the old one."""
    with database(live_env) as db:
        rows = db.execute(
            "SELECT r.id, r.data FROM revisions r JOIN documents d ON d.id = r.document_id "
            "JOIN projects p ON p.id = d.project_id WHERE p.name = ? AND d.kind = 'solicitation'",
            (NAME,)).fetchall()
        old = json.loads(rows[-1][1])["submission_deadline"]
        for revision_id, raw in rows:
            data = json.loads(raw)
            data["submission_deadline"] = value or old
            db.execute("UPDATE revisions SET data = ? WHERE id = ?",
                       (json.dumps(data, ensure_ascii=False), revision_id))
    return str(old)


def end_window(live_env: dict[str, str]) -> None:
    past = (datetime.now(UTC) - timedelta(seconds=5)).replace(tzinfo=None)
    with database(live_env) as db:
        db.execute("UPDATE lot_openings SET window_ends_at = ?", (past.isoformat(" "),))


def pdf_file(folder: Path, name: str) -> str:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = folder / name
    path.write_bytes(out.getvalue())
    return str(path)


def test_respond_open_decrypt_and_record(page: Page, live_portal: str, live_env: dict[str, str],
                                         tmp_path: Path) -> None:
    base = live_portal
    as_user(page, base, "gys_furniture")
    page.get_by_role("link", name="参与项目").first.click()
    page.locator("tr", has_text=NAME).get_by_role("link", name="参与项目").click()
    page.get_by_label("联系电话").fill("0471-6601234")
    page.get_by_label("电子邮箱").fill("baoyumei@caoyuan.example.cn")
    page.get_by_role("button", name="确认参与").click()
    page.get_by_role("link", name="编制响应文件").click()
    snap(page, "responses-index")
    page.locator("tr", has_text="办公桌").get_by_role("link", name="编制响应").click()

    # 产品技术参数的响应: one of the maker's stocked desks (seeded by the demo), not typed
    expect(page.locator("#no-stocked-product")).to_have_count(0)
    page.get_by_label("响应产品（已入库）").select_option(label=DESK)
    page.get_by_label("交货期").fill("合同签订后10日内")
    page.get_by_label("交货地点").fill("采购人指定地点")
    page.get_by_label("响应单价（元）").fill("1900.00")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("超过本包最高限制单价 1800.00 元")
    expect(page.locator("#product_id option:checked")).to_have_text(DESK)
    expect(page.get_by_label("交货期")).to_have_value("合同签订后10日内")
    page.get_by_label("响应单价（元）").fill("1650.00")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存第01包的响应内容。")).to_be_visible()
    expect(page.locator("#chosen-product")).to_contain_text("1600×800×760mm")
    for slot, name in (("封面", "cover.pdf"), ("资格证明材料", "qualification.pdf")):
        page.get_by_label("附件类别").select_option(label=slot)
        page.get_by_label("PDF 文件").set_input_files(pdf_file(tmp_path, name))
        page.get_by_role("button", name="上传").click()
        expect(page.get_by_text(f"已上传{slot}。")).to_be_visible()
    snap(page, "response-lot")
    assert serious_violations(page) == []

    page.get_by_role("link", name="核对并提交").click()
    expect(page.get_by_text("1650.00")).to_be_visible()
    probe = page.locator("form", has_text="模拟解密")
    probe.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    probe.get_by_role("button", name="模拟解密").click()
    expect(page.get_by_text("模拟解密成功")).to_be_visible()
    snap(page, "response-check")
    assert serious_violations(page) == []
    final = page.locator("form", has_text="签章、加密并提交")
    final.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
    final.get_by_role("button", name="提交响应文件").click()
    expect(page.get_by_text("响应文件已签章、加密并提交")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载回执").click()
    receipt = Path(download.value.path())
    assert json.loads(receipt.read_text(encoding="utf-8"))["lot_number"] == "01"
    snap(page, "response-submitted")

    page.goto(f"{base}/responses/receipts/check")
    page.get_by_label("回执文件（.json）").set_input_files(str(receipt))
    page.get_by_role("button", name="核验").click()
    expect(page.get_by_text("核验通过")).to_be_visible()
    snap(page, "receipt-check")

    old_deadline = set_deadline(
        live_env, (datetime.now(UTC) + timedelta(hours=8, minutes=-1)).strftime("%Y-%m-%dT%H:%M"))
    try:
        as_user(page, base, "dl_clerk")
        page.goto(f"{base}/projects")
        page.get_by_role("link", name=NAME).first.click()
        page.get_by_role("link", name="开标大厅").click()
        page.locator("tr", has_text="办公桌").get_by_role("link", name="进入").click()
        page.get_by_label("解密时限（分钟）").fill("20")
        page.get_by_role("button", name="开标").click()
        expect(page.get_by_role("alert")).to_contain_text("解密时限应为 30 至 600 分钟")
        snap(page, "opening-hall-refused")
        assert serious_violations(page) == []
        page.get_by_label("解密时限（分钟）").fill("30")
        page.get_by_role("button", name="开标").click()
        expect(page.get_by_text("已开标，解密时限 30 分钟。")).to_be_visible()
        expect(page.locator("#progress")).to_contain_text("待解密")
        hall = page.url

        as_user(page, base, "gys_furniture")
        page.goto(hall)
        page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)
        page.get_by_role("button", name="解密").click()
        expect(page.get_by_text("本单位响应文件已解密。")).to_be_visible()
        expect(page.locator("#progress")).to_contain_text("已解密 1 家，共 1 家。")
        expect(page.locator("#progress .time-left")).to_contain_text("剩余 29 分")
        snap(page, "opening-hall-decrypting")
        assert serious_violations(page) == []

        as_user(page, base, "dl_clerk")
        page.goto(hall)
        end_window(live_env)  # the HTMX poll picks the close up within 5 s
        expect(page.locator("#progress")).to_contain_text("解密时限已结束", timeout=15_000)
        expect(page.locator("#progress")).to_contain_text("1650.00")
        page.reload()
        snap(page, "opening-hall-agency-closed")
        page.get_by_role("button", name="生成开标记录表").click()
        expect(page.get_by_role("heading", name="开标记录表", exact=False).first).to_be_visible()

        as_user(page, base, "gys_furniture")
        page.goto(hall)
        snap(page, "opening-hall-closed")
        page.get_by_role("button", name="确认无异议").click()
        expect(page.get_by_text("已确认开标记录表。")).to_be_visible()
        expect(page.locator("#progress")).to_contain_text("已确认")
    finally:
        set_deadline(live_env, old_deadline)
