"""In a real browser, continuing from the demo's open call: the agency starts the evaluation of
lot 02 from the opening hall, records each supplier's credit check and qualification, the panel's
leader records the substantive review and submits the ranking, the agency confirms it and drafts
the 入围结果公告 from it; the collector reviews and seals it, the agency publishes it, and the
public board shows the computed shortlist.

What comes before the evaluation (three responses, one withdrawn and resubmitted; the draw and
the panel's check-in; the opening, where one supplier decrypts too late) runs through the same
domain commands the pages call, on the live portal's own database (an app of this process on
its ``KUANGCAI_VAR_DIR``): those pages have their own browser tests (``test_opening``,
``test_expert_draw``). The live portal runs on the real clock, so the submission deadline and
the decryption window are moved into the past in its database and the deadline put back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.demo import DEMO_PASSWORD, DEMO_PIN
from tests.browser.looking import snap
from tests.browser.test_expert_draw import ACCOUNTS
from tests.browser.test_opening import NAME, database, set_deadline
from tests.browser.test_stage_one import approve, as_user, open_todo, seal, submit

pytestmark = pytest.mark.browser

ANSWERS = {"delivery_period": "合同签订后10日内", "delivery_place": "采购人指定地点"}
PRICES = {"ht_clerk": "820.00", "gys_furniture": "760.00", "gys_service": "790.00"}
MAKER = "内蒙古华腾家具有限公司"  # a supplier of this test's own: 北方信创 joins in another
DEMO_MAKER = "内蒙古草原家具制造有限公司"  # the demo's, with its chair stocked already
CHAIR = "办公椅（A05010301）"  # lot 02's 品目
#: the chair each supplier without one enters and stocks (brand, model, parameters, unit)
CHAIRS = {"ht_clerk": ("华腾", "HT-Y01", "网布靠背，五星脚，可升降", "把"),
          "gys_service": ("洁安", "JA-Y01", "皮面靠背，固定扶手", "把")}


@pytest.fixture
def portal_here(live_env: dict[str, str], live_portal: str,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app of this process on the live portal's database and built-in CA."""
    for key in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in live_env.items():
        monkeypatch.setenv(key, value)
    from portal import create_app

    app = create_app()
    with app.app_context():
        yield app


def user(session: Any, username: str) -> Any:
    from sqlalchemy import select

    from portal.models import User

    return session.scalar(select(User).where(User.username == username))


def responded_drawn_and_opened(live_env: dict[str, str]) -> int:
    """Lot 02 of the demo call: three responses, each with a stocked chair (each withdrawn once
    and resubmitted), a seated
    panel with its leader, the lot opened and closed with 洁安 not decrypted, the record made
    and confirmed. Returns the project's id."""
    from sqlalchemy import select

    from portal import db
    from portal.authority import authority
    from portal.domain import (
        credentials,
        expert_draws,
        experts,
        opening,
        opening_record,
        panels,
        participation,
        responses,
    )
    from portal.models import HolderType, Project, Region, beijing_now

    session = db.session()
    project = session.scalar(select(Project).where(Project.name == NAME))
    furniture_maker(session)
    for name in PRICES:
        if participation.of_org(session, user(session, name).org_id, project) is None:
            participation.join(session, user(session, name), project, "联系人", "0471-6601234",
                               "contact@example.cn", beijing_now())
    for name, price in PRICES.items():
        clerk = user(session, name)
        answers = {**ANSWERS, "product_id": stocked_chair(session, name)}
        response = responses.draft_for(session, clerk, project, "02")
        responses.save_answers(session, clerk, response, {**answers, "unit_price": "899.00"},
                               beijing_now())
        for slot in ("cover", "qualification"):
            responses.attach(session, clerk, response, slot, f"{slot}.pdf", _pdf(),
                             beijing_now())
        responses.submit(session, clerk, response, DEMO_PIN, beijing_now())
        responses.withdraw(session, clerk, response, DEMO_PIN, beijing_now())  # and resubmit
        responses.save_answers(session, clerk, response, {**answers, "unit_price": price},
                               beijing_now())
        responses.submit(session, clerk, response, DEMO_PIN, beijing_now())

    if experts.current_draw(session, project) is None:
        draw = expert_draws.request(session, user(session, "dl_clerk"), project,
                                    expert_draws.DrawRequest(
                                        "A0501", session.scalar(select(Region).where(
                                            Region.code == "150000")), 3, 1, ()))
        expert_draws.approve_and_draw(session, user(session, "dl_reviewer"), draw, "同意")
    draw = experts.current_draw(session, project)
    seats = [s for s in draw.seats if s.on_panel]
    for seat in seats:
        panels.check_in(session, seat.expert.user, seat, "id_number", seat.expert.id_number)
    if draw.leader_seat_id is None:
        panels.choose_leader(session, seats[0].expert.user, seats[0], seats[0])
    for seat in seats:  # each expert's own certificate, to seal the 评审报告
        person = seat.expert.user
        if not credentials.active_credentials(session, person):
            p12 = authority().issue_person(person.display_name, seat.expert.id_number,
                                           DEMO_PIN).p12
            credentials.bind(session, person, HolderType.person, p12, DEMO_PIN,
                             seat.expert.id_number)

    set_deadline(live_env, (datetime.now(UTC) + timedelta(hours=8, minutes=-1))
                 .strftime("%Y-%m-%dT%H:%M"))
    found = opening.open_lot(session, user(session, "dl_clerk"), project, "02", 30,
                             beijing_now())
    for name in ("ht_clerk", "gys_furniture"):  # 洁安 does not decrypt in time
        opening.decrypt(session, user(session, name), found, DEMO_PIN)
    with database(live_env) as raw:
        past = (datetime.now(UTC) - timedelta(seconds=5)).replace(tzinfo=None)
        raw.execute("UPDATE lot_openings SET window_ends_at = ? WHERE id = ?",
                    (past.isoformat(" "), found.id))
    session.expire_all()
    opening.close_if_due(session, found)
    opening_record.generate_record(session, user(session, "dl_clerk"), project, found)
    for name in ("ht_clerk", "gys_furniture"):
        opening_record.confirm(session, user(session, name), found, None)
    return project.id


def stocked_chair(session: Any, username: str) -> str:
    """The id of a stocked chair of the user's organisation, entered and stocked (入库) through
    产品管理's commands where it has none."""
    from portal.domain import products
    from portal.models import ProductKind

    clerk = user(session, username)
    found = products.stocked_for(session, clerk.org, CHAIR)
    if not found:
        chair = products.enter(session, clerk, products.ProductDetails(
            ProductKind.product, CHAIR, *CHAIRS[username]))
        products.stock(session, clerk, chair)
        found = [chair]
    return str(found[-1].id)


def furniture_maker(session: Any) -> None:
    """A supplier of the test's own with its certificate (the demo's 北方信创 joins the call in
    ``test_stage_one_changes``, which expects to find it not yet joined)."""
    from codes.uscc import check_digit
    from portal.authority import authority
    from portal.demo import DEMO_PASSWORD
    from portal.domain import accounts, credentials
    from portal.models import HolderType, OrgKind, Position, Region, SupplierKind

    if user(session, "ht_clerk") is not None:
        return
    first17 = "91150100MA0HT0001"
    org = accounts.create_organisation(
        session, actor=None, name=MAKER, uscc=first17 + check_digit(first17),
        kind=OrgKind.supplier, supplier_kind=SupplierKind.manufacturer,
        region=session.scalar(select(Region).where(Region.code == "150100")),
        address="呼和浩特市玉泉区南二环路8号", contact="赵华", phone="0471-5201234")
    clerk = accounts.create_user(
        session, actor=None, hasher=accounts.password_hasher(1, 1024), username="ht_clerk",
        display_name="赵华", password=DEMO_PASSWORD, org=org,
        positions=frozenset({Position.clerk}))
    session.commit()
    credentials.bind(session, clerk, HolderType.org,
                     authority().issue_organisation(org.name, org.uscc, DEMO_PIN).p12, DEMO_PIN)


def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def panel_usernames(project_id: int) -> tuple[str, list[str]]:
    """The leader's username and the whole seated panel's, in draw order (the draw may be the
    one test_expert_draw made, whose pool holds 孙丽 with a password of her own: see
    ``password_of``)."""
    from portal import db
    from portal.domain import experts
    from portal.models import Project

    session = db.session()
    draw = experts.current_draw(session, session.get(Project, project_id))
    seat = next(s for s in draw.seats if s.id == draw.leader_seat_id)
    return str(seat.expert.user.username), [str(s.expert.user.username)
                                            for s in draw.seats if s.on_panel]


def password_of(username: str) -> str:
    return {user: password for user, password, _ in ACCOUNTS.values()}.get(username,
                                                                          DEMO_PASSWORD)


def save_in(card: Any, form_title: str, **choices: str) -> None:
    """Fill one supplier card's form (radio labels and text fields) and press its 保存."""
    form = card.locator("form", has=card.page.get_by_role("heading", name=form_title))
    for label, value in choices.items():
        if value == "check":
            form.get_by_label(label, exact=True).check()
        elif value.startswith("file:"):
            form.get_by_label(label).set_input_files(value.removeprefix("file:"))
        else:
            form.get_by_label(label).fill(value)
    form.get_by_role("button", name="保存").click()


def test_evaluation_to_the_published_shortlist(page: Page, live_portal: str,
                                               live_env: dict[str, str], portal_here,
                                               tmp_path: Path) -> None:
    base = live_portal
    evidence = tmp_path / "信用查询.pdf"
    evidence.write_bytes(_pdf())
    old_deadline = set_deadline(live_env, None)
    try:
        project_id = responded_drawn_and_opened(live_env)
    finally:
        set_deadline(live_env, old_deadline)
    leader, panel = panel_usernames(project_id)

    as_user(page, base, "dl_clerk")
    page.goto(f"{base}/opening/{project_id}/02")
    page.get_by_role("button", name="开始评审").click()
    expect(page.get_by_role("heading", name=re.compile("评审：.*第02包"))).to_be_visible()
    expect(page.locator("#evaluation-progress")).to_contain_text("0 / 2 家")
    excluded = page.locator("article.entry", has_text="呼和浩特市洁安物业服务有限公司")
    expect(excluded).to_contain_text("响应文件未在解密时限内解密")
    snap(page, "evaluation-qualification")
    for supplier in (MAKER, DEMO_MAKER):
        card = page.locator("article.entry", has_text=supplier)
        save_in(card, "资格审查", **{"不通过": "check", "不通过原因": ""})
        expect(page.get_by_role("alert").first).to_contain_text("资格审查不通过的，须写明原因")
        card = page.locator("article.entry", has_text=supplier)
        save_in(card, "信用记录查询", **{"未发现不良信用记录": "check",
                                         "查询渠道及结果说明": "信用中国等查询无不良记录",
                                         "查询结果截图（PDF）": f"file:{evidence}"})
        expect(page.locator("article.entry", has_text=supplier).get_by_role(
            "link", name="查询截图")).to_be_visible()
        card = page.locator("article.entry", has_text=supplier)
        save_in(card, "资格审查", **{"通过": "check"})
    expect(page.locator("#evaluation-progress")).to_contain_text("2 / 2 家")
    page.get_by_role("button", name="结束资格审查，交评审小组评审").click()
    expect(page.get_by_text("已办理：专家评审")).to_be_visible()
    evaluation_url = page.url

    as_user(page, base, leader, password_of(leader))
    page.goto(evaluation_url)
    for supplier in (MAKER, DEMO_MAKER):
        card = page.locator("article.entry", has_text=supplier)
        save_in(card, "符合性审查（组长代表评审小组记录）", **{"通过": "check"})
    expect(page.get_by_role("heading", name="排序及入围")).to_be_visible()
    snap(page, "evaluation-leader-ranking")
    page.get_by_role("button", name="复核完成，提交评审结果").click()
    expect(page.get_by_text("已办理：组长已复核，待代理确认")).to_be_visible()

    as_user(page, base, "dl_clerk")
    page.goto(evaluation_url)
    ranking = page.locator("table.data", has_text="排名")
    expect(ranking.locator("tbody tr").first).to_contain_text(DEMO_MAKER)
    expect(ranking.locator("tbody tr").nth(1)).to_contain_text("未入围")
    page.get_by_role("button", name="确认评审结果").click()
    expect(page.get_by_text("已办理：评审结束")).to_be_visible()
    snap(page, "evaluation-confirmed")

    # 评审报告: drafted from the evaluation, sealed by each expert in the panel's order
    page.get_by_role("link", name="起草评审报告").click()
    page.get_by_label("标题").fill("第02包评审报告")
    page.get_by_role("button", name="创建并开始填写").click()
    page.get_by_label("公告发布媒体").fill("中国政府采购网、内蒙古自治区政府采购网")
    page.get_by_role("button", name=re.compile("保存")).first.click()
    submit(page)
    for expert in panel:
        seal(page, base, expert, "第02包评审报告", password_of(expert))
    snap(page, "evaluation-report-sealed")
    expect(page.get_by_text("签章有效").or_(page.get_by_text("有效（3 个签章）")).first) \
        .to_be_visible(timeout=60_000)

    as_user(page, base, "dl_clerk")
    page.goto(evaluation_url)
    page.get_by_role("link", name="起草入围结果公告").click()
    page.get_by_label("标题").fill("办公家具项目入围结果公告")
    page.get_by_role("button", name="创建并开始填写").click()
    expect(page.get_by_role("heading", name="办公家具项目入围结果公告")).to_be_visible()
    page.get_by_role("link", name="联系方式").first.click()
    contact = page.get_by_role("group", name="项目联系方式")
    contact.get_by_label("姓名").fill("李娜")
    contact.get_by_label("联系电话").fill("0471-3318866")
    page.get_by_role("button", name=re.compile("保存")).first.click()
    submit(page)

    approve(page, base, "zj_reviewer", "办公家具项目入围结果公告")
    seal(page, base, "zj_clerk", "办公家具项目入围结果公告")
    as_user(page, base, "dl_clerk")
    open_todo(page, "办公家具项目入围结果公告")
    page.get_by_role("button", name="发布").click()

    page.goto(f"{base}/announcements?q=入围结果公告")
    page.get_by_role("link", name="办公家具项目入围结果公告").first.click()
    expect(page.get_by_text(DEMO_MAKER).first).to_be_visible()
    expect(page.get_by_text("760.00").first).to_be_visible()  # its agreement price
    snap(page, "shortlist-published")
