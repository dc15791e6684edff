"""In a real browser: the served portal's sign-in page, and every demo account's to-do list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import ACCOUNTS, DEMO_PASSWORD, ORGS

pytestmark = pytest.mark.browser

ORG_NAMES = {org.key: org.name for org in ORGS}


def sign_out(page: Page) -> None:
    """Click 退出 and wait until the portal has signed the user out (the POST is done)."""
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("banner").get_by_role("link", name="登录")).to_be_visible()


def sign_in(page: Page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize(("username", "name", "org_key"),
                         [(u, n, o) for u, n, o, _ in ACCOUNTS])
def test_demo_account_signs_in_to_its_todo_list(
    page: Page, live_portal: str, username: str, name: str, org_key: str
) -> None:
    sign_in(page, live_portal, username)
    expect(page).to_have_url(f"{live_portal}/todo")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    expect(page.locator(".who")).to_have_text(f"{name} · {ORG_NAMES[org_key]}")
    sign_out(page)


def test_wrong_password_shows_the_error_and_keeps_the_username(
    page: Page, live_portal: str
) -> None:
    sign_in(page, live_portal, "zj_clerk", password="wrong-password")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page.get_by_label("用户名")).to_have_value("zj_clerk")
    expect(page).to_have_url(re.compile(r"/login"))


def test_health_page_shows_every_part_running(page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/healthz")
    expect(page.get_by_role("heading", name="系统状态：正常")).to_be_visible()
