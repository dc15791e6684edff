"""In a real browser, every file input takes a real file and every secret is typed hidden:
a sealed PDF checked at /verify, a PDF agreed offline uploaded to 合同在线签订, a PKCS#12
certificate imported on the CA page; the password and PIN inputs are ``type=password``."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import documents
from portal.demo import ORGS
from tests.browser.conftest import KUANGCAI
from tests.browser.test_sign_in import sign_in, sign_out
from tests.browser.test_stage_one import new_document

pytestmark = pytest.mark.browser



def test_the_password_is_typed_hidden(page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/login")
    expect(page.get_by_label("密码")).to_have_attribute("type", "password")
    expect(page.get_by_label("用户名")).to_have_attribute("type", "text")


def test_a_sealed_pdf_from_the_board_verifies(page: Page, live_portal: str,
                                              tmp_path: Path) -> None:
    page.goto(f"{live_portal}/announcements")
    page.locator("#results a[href^='/announcements/']").first.click()
    pdf_link = page.locator("a[href$='.pdf']").first
    sealed = tmp_path / "sealed.pdf"
    sealed.write_bytes(page.request.get(f"{live_portal}{pdf_link.get_attribute('href')}").body())

    page.goto(f"{live_portal}/verify")
    upload = page.get_by_label("PDF 文件")
    expect(upload).to_have_attribute("type", "file")
    upload.set_input_files(sealed)
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", name=re.compile("全部签章有效"))).to_be_visible()
    expect(page.get_by_text("【有效】").first).to_be_visible()


def test_an_online_contract_takes_the_agreed_pdf(page: Page, live_portal: str,
                                                 tmp_path: Path) -> None:
    agreed = tmp_path / "agreed.pdf"
    agreed.write_bytes(documents.render_pdf("contract",
                                            documents.get_kind("contract").sample()).content)
    sign_in(page, live_portal, "cg_clerk")
    new_document(page, live_portal, "合同在线签订", "办公桌椅采购合同（线下议定）", project=None,
                 供应商="北方信创计算机有限公司")
    page.get_by_role("link", name="核对并提交").click()
    upload = page.get_by_label(re.compile("合同 PDF 文件"))
    expect(upload).to_have_attribute("type", "file")
    upload.set_input_files(agreed)
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("已上传")).to_be_visible()
    sign_out(page)


def test_a_certificate_is_imported_with_its_pin(page: Page, live_portal: str,
                                                live_env: dict[str, str], tmp_path: Path) -> None:
    henan = next(org for org in ORGS if org.key == "henan_centre")
    p12 = tmp_path / "henan.p12"
    subprocess.run([*KUANGCAI, "ca", "issue", "--org-name", henan.name, "--uscc", henan.uscc,
                    "-o", str(p12)], env={**live_env, "KUANGCAI_PIN": "246810"}, check=True,
                   capture_output=True)
    assert p12.stat().st_size > 0 and os.access(p12, os.R_OK)

    sign_in(page, live_portal, "hn_clerk")
    page.goto(f"{live_portal}/account/ca")
    key_file = page.get_by_label(re.compile("证书文件"))
    pin = page.get_by_label("证书密码（PIN）")
    expect(key_file).to_have_attribute("type", "file")
    expect(pin).to_have_attribute("type", "password")
    key_file.set_input_files(p12)
    pin.fill("246810")
    page.get_by_role("button", name="绑定").click()
    expect(page.get_by_role("status")).to_contain_text(f"已绑定 {henan.name} 的证书")
    sign_out(page)
