"""In a real browser, from a published 入围结果公告: the collector generates one 框架协议 per
入围供应商 and submits them, its reviewer reviews each with an opinion, each supplier seals its
own (the collector's 一键签订 is refused while one has not, naming it), the collector seals all
with one PIN entry while the page shows each agreement's progress; the administrator makes the
region require filing, the collector files them and the regulator receives them.

The published shortlist is reached through the same domain commands the evaluation pages call
(their own browser test is ``test_shortlist``), on the live portal's database; the live
portal's worker runs the jobs, which the set-up waits for.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from portal.demo import DEMO_PIN
from tests.browser.looking import snap
from tests.browser.test_stage_one import approve, as_user, seal

pytestmark = pytest.mark.browser

SERVICE = "呼和浩特市洁安物业服务有限公司"  # shortlisted first, at 5,600.00
MAKER = "北方信创计算机有限公司"  # second, at 5,890.00


def wait_for_live_worker(app: Any) -> None:
    """The live portal's worker renders and seals: wait until nothing is queued or under way."""
    from sqlalchemy import func, select

    from portal import db
    from portal.models import RenderStatus, Revision, Seal, SealStatus

    session = db.session()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        session.expire_all()
        busy = session.scalar(select(func.count()).select_from(Revision).where(
            Revision.render_status.in_([RenderStatus.queued, RenderStatus.running])))
        busy += session.scalar(select(func.count()).select_from(Seal).where(
            Seal.status.in_([SealStatus.preparing, SealStatus.finishing])))
        if not busy:
            session.commit()
            return
        session.commit()
        time.sleep(0.3)
    raise AssertionError("the live worker did not finish its jobs")


def from_todo(page: Page, base: str, step: str) -> None:
    """Open the first item under ``step`` on 我的待办."""
    page.goto(f"{base}/todo")
    group = page.locator("section.todo-group", has=page.get_by_role("heading", name=step))
    group.get_by_role("link").first.click()


def published_shortlist_here(monkeypatch: pytest.MonkeyPatch) -> int:
    import tests.agreement_setup
    import tests.helpers
    from portal import db
    from tests.agreement_setup import published_shortlist

    monkeypatch.setattr(tests.helpers, "work", wait_for_live_worker)
    monkeypatch.setattr(tests.agreement_setup, "work", wait_for_live_worker)
    return published_shortlist(None, db.session()).id


def test_from_the_shortlist_to_sealed_and_filed_agreements(
        page: Page, live_portal: str, portal_here: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    base = live_portal
    project_id = published_shortlist_here(monkeypatch)
    agreements_page = f"{base}/projects/{project_id}/agreements"

    # 生成框架协议 from the project page, then 提交
    as_user(page, base, "zj_clerk")
    page.goto(f"{base}/todo")
    expect(page.get_by_role("heading", name="待生成框架协议")).to_be_visible()
    page.goto(f"{base}/projects/{project_id}")
    page.get_by_role("link", name="框架协议", exact=True).click()
    page.get_by_role("button", name="生成框架协议").click()
    expect(page.get_by_role("status").first).to_contain_text("已生成框架协议 2 份")
    rows = page.locator("#agreement-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(SERVICE)
    expect(rows.first).to_contain_text("5,600.00")
    expect(rows.nth(1)).to_contain_text(MAKER)
    expect(page.get_by_role("button", name="生成框架协议")).to_have_count(0)  # all made
    page.get_by_role("button", name="全部提交审核").click()
    expect(page.get_by_role("status").first).to_contain_text("已提交审核 2 份")
    snap(page, "agreements-generated")

    for supplier in (SERVICE, MAKER):
        approve(page, base, "zj_reviewer", f"框架协议·第01包·{supplier}",
                审查意见="协议内容与征集文件及入围结果一致，同意。")

    # each supplier seals its own; until both have, 一键签订 is refused naming who has not
    seal(page, base, "gys_service", f"框架协议·第01包·{SERVICE}")
    as_user(page, base, "zj_clerk")
    page.goto(agreements_page)
    page.get_by_role("button", name="一键签订").click()
    expect(page.get_by_role("alert")).to_contain_text(f"尚未签订框架协议，全部签订后才能一键签订：{MAKER}")
    snap(page, "agreements-one-click-refused")
    seal(page, base, "gys_mfr", f"框架协议·第01包·{MAKER}")

    # 一键签订: one PIN entry, progress per agreement
    as_user(page, base, "zj_clerk")
    from_todo(page, base, "待一键签订框架协议")
    page.get_by_role("button", name="一键签订").click()
    progress = page.locator("#collector-sealing li")
    expect(progress).to_have_count(2)
    page.get_by_label("证书密码（PIN）").fill(DEMO_PIN)  # appears once both are prepared
    snap(page, "agreements-one-pin")
    page.get_by_role("button", name="签订全部").click()
    page.get_by_role("button", name="提交全部签章").click(timeout=60_000)
    expect(page.get_by_role("status").first).to_contain_text("已签订 2 份框架协议")
    expect(rows.first).to_contain_text("征集人：已签订")
    expect(rows.nth(1)).to_contain_text("征集人：已签订")
    expect(page.get_by_text("全部框架协议已签订。")).to_be_visible()
    snap(page, "agreements-sealed")

    # 备案: the administrator requires it here; the collector files; the regulator receives
    as_user(page, base, "cz_reviewer")
    page.get_by_role("link", name="备案设置").click()
    page.locator("#region-150000").get_by_role("button", name="设为须备案").click()
    expect(page.locator("#region-150000")).to_contain_text("须备案")
    snap(page, "agreement-filing-settings")
    try:
        as_user(page, base, "zj_clerk")
        page.goto(agreements_page)
        expect(page.get_by_role("note").first).to_contain_text("要求框架协议备案")
        page.get_by_role("button", name="报送备案").click()
        expect(page.get_by_role("status").first).to_contain_text("已报送备案 2 份")

        as_user(page, base, "cz_reviewer")
        from_todo(page, base, "框架协议待备案")
        snap(page, "agreements-filing-regulator")
        for _ in range(2):
            page.locator("#agreement-list").get_by_role("button", name="备案", exact=True) \
                .first.click()
            expect(page.get_by_role("status").first).to_contain_text("已备案")
        expect(rows.filter(has_text="已备案")).to_have_count(2)
    finally:  # other browser tests in this portal expect the region as the demo has it
        as_user(page, base, "cz_reviewer")
        page.goto(f"{base}/oversight/agreement-filing")
        page.locator("#region-150000").get_by_role("button", name="取消备案要求").click()

    from portal import db
    from portal.domain import agreement_filing, shortlisted
    from portal.models import Project

    session = db.session()
    session.expire_all()
    for row in shortlisted.of_project(session, session.get(Project, project_id)):
        agreement_filing.require_usable(session, row)  # usable by call-offs now
