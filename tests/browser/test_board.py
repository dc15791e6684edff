"""In a real browser, on the demo board: the list, filters that update it through HTMX while
the URL follows, search with highlighted matches, an announcement with its seal badge and
sealed PDF, and axe-core finding no serious or critical accessibility problem."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.looking import serious_violations

pytestmark = pytest.mark.browser


def results(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.locator("#results .board-list > li")


def test_board_lists_the_demo_announcements_newest_first(page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/announcements")
    expect(page.get_by_role("heading", name="公告栏", level=1)).to_be_visible()
    expect(results(page)).to_have_count(20)  # one page of the demo's few dozen
    expect(page.get_by_role("link", name="下一页")).to_be_visible()
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"before="))
    expect(results(page).first).to_be_visible()


def test_filters_update_the_list_in_place_and_the_url(page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/announcements")
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#kind").select_option("collection")
    expect(page).to_have_url(re.compile(r"kind=collection"))
    expect(results(page).first).to_be_visible()
    tags = page.locator("#results .board-tag")
    expect(tags).to_have_count(results(page).count())
    assert set(tags.all_inner_texts()) == {"征集公告"}
    tabs = page.get_by_role("navigation", name="公告类别")
    expect(tabs.get_by_role("link", name="征集公告")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="全部")).not_to_have_attribute("aria-current", "page")
    page.locator("#region").select_option("350000")
    expect(page).to_have_url(re.compile(r"kind=collection.*region=350000|region=350000.*kind="))
    expect(results(page)).to_have_count(2)  # the demo's two calls in Fujian
    for item in results(page).all():
        expect(item).to_contain_text("福建省卫生健康系统")
    # the tabs follow in place too, and carry the other filters
    expect(tabs.locator("[aria-current=page]")).to_have_text("征集公告")
    expect(tabs.get_by_role("link", name="合同公告")).to_have_attribute(
        "href", re.compile(r"region=350000"))
    page.locator("#kind").select_option("")
    expect(page).to_have_url(re.compile(r"kind=(&|$)"))
    expect(tabs.locator("[aria-current=page]")).to_have_text("全部")
    page.locator("#kind").select_option("collection")
    expect(tabs.locator("[aria-current=page]")).to_have_text("征集公告")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped by HTMX, not reloaded
    # the URL is a bookmark: loading it afresh gives the same list, filters selected
    page.goto(page.url)
    expect(page.locator("#kind")).to_have_value("collection")
    expect(page.locator("#region")).to_have_value("350000")
    expect(results(page)).to_have_count(2)


@pytest.mark.parametrize("term", ["物业管理服务", "空调"])
def test_search_highlights_the_matched_terms(page: Page, live_portal: str, term: str) -> None:
    page.goto(f"{live_portal}/announcements")
    page.locator("#q").fill(term)
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"q="))
    expect(page.get_by_text("按相关度排序")).to_be_visible()
    expect(results(page).first).to_be_visible()
    marks = page.locator("#results mark")
    expect(marks.first).to_have_text(term)
    assert set(marks.all_inner_texts()) == {term}
    assert all(term in text for text in results(page).all_inner_texts())


def test_an_announcement_shows_its_seal_and_its_pdf_downloads(
        page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/announcements?kind=shortlist&region=410000")
    link = page.locator("#results h2 a").first
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.locator(".badge.valid")).to_contain_text("签章有效")
    expect(page.locator(".badge.valid")).to_contain_text("河南省教育厅")
    expect(page.get_by_role("link", name="本项目的其他公告").or_(
        page.get_by_role("heading", name="本项目的其他公告"))).to_be_visible()
    pdf_link = page.get_by_role("link", name="下载盖章 PDF")
    response = page.request.get(live_portal + str(pdf_link.get_attribute("href")))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_board_pages_have_no_serious_accessibility_violations(
        page: Page, live_portal: str) -> None:
    page.goto(f"{live_portal}/announcements?q=计算机")
    expect(page.locator("#results mark").first).to_be_visible()
    assert serious_violations(page) == []
    for kind in ("collection", "contract"):  # sealed, and published without a seal
        page.goto(f"{live_portal}/announcements?kind={kind}")
        page.locator("#results h2 a").first.click()
        expect(page.get_by_role("heading", name="签章验证")).to_be_visible()
        assert serious_violations(page) == [], kind
