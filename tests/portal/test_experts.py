"""专家库, 专家抽取 and 评审签到: the draw is reproducible from its seed, never seats an avoided
employer, refuses when too few experts qualify; reserves replace decliners; only the project's
collector and agency see the draw; the reviewer is never the drafter."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.demo import DEMO_PIN
from portal.demo_experts import EXPERTS, id_number
from portal.domain import accounts, expert_draws, experts, panels
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    DrawStatus,
    Expert,
    Organisation,
    Participation,
    Position,
    Project,
    Region,
    User,
)
from portal.views.auth import hasher
from tests.helpers import csrf_token, project_with_approved_plan, user

pytestmark = pytest.mark.db

FURNITURE = "A0501"


def region(db: Any, code: str) -> Region:
    return db.scalar(select(Region).where(Region.code == code))


def org(db: Any, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def entrusted_project(db: Any, joined: tuple[str, ...] = ()) -> Project:
    """The sample project of 内蒙古自治区政府采购中心, entrusted to 中咨, with suppliers joined."""
    project = project_with_approved_plan(db)
    project.agency_org_id = org(db, "内蒙古中咨招标代理有限公司").id
    for name in joined:
        supplier = org(db, name)
        clerk = db.scalar(select(User).where(User.org_id == supplier.id))
        db.add(Participation(project_id=project.id, supplier_org_id=supplier.id,
                             user_id=clerk.id, contact="孙伟", phone="0471-6900006",
                             email="a@example.com"))
    db.commit()
    return project


def requested(db: Any, project: Project, count: int = 3, reserves: int = 2,
              category: str = FURNITURE, code: str = "150000",
              extra: tuple[str, ...] = ()) -> Any:
    return expert_draws.request(db, user(db, "dl_clerk"), project, expert_draws.DrawRequest(
        category, region(db, code), count, reserves, extra))


def drawn(db: Any, project: Project, seed: str | None = None, **kwargs: Any) -> Any:
    draw = requested(db, project, **kwargs)
    expert_draws.approve_and_draw(db, user(db, "dl_reviewer"), draw, "同意", seed=seed)
    return draw


def add_experts(db: Any, n: int, employers: list[tuple[str, str]]) -> None:
    """``n`` furniture experts in 呼和浩特市, working for the employers in turn."""
    regulator = org(db, "内蒙古自治区财政厅")
    for i in range(n):
        name, uscc = employers[i % len(employers)]
        first17 = f"150102199001{(i % 28) + 1:02d}{i:03d}"
        details = experts.ExpertDetails(f"专家{i}", id_number(first17), (FURNITURE,),
                                        region(db, "150100"), name, uscc, "13900000000")
        experts.add(db, None, hasher(), details, f"pool_{i}", "Kuangcai@2026", org=regulator)


# ---- the draw ---------------------------------------------------------------------------------

def test_the_same_seed_and_candidates_give_the_same_experts() -> None:
    candidates = list(range(1, 40))
    assert expert_draws.pick("abc123", candidates, 7) == expert_draws.pick("abc123", candidates, 7)
    others = {tuple(expert_draws.pick(f"seed-{i}", candidates, 7)) for i in range(20)}
    assert len(others) > 1  # the seed decides


def test_a_draw_is_recorded_and_rechecks_from_its_seed(demo, db) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, seed="fixed-seed")
    assert draw.status is DrawStatus.drawn and draw.seed == "fixed-seed"
    assert [s.expert_id for s in draw.seats] == expert_draws.pick(
        "fixed-seed", draw.candidates, 5)
    assert draw.candidates == sorted(draw.candidates)
    assert expert_draws.recheck(draw).matches
    draw.seats[0].expert_id, draw.seats[1].expert_id = (draw.seats[1].expert_id,
                                                         draw.seats[0].expert_id)
    assert not expert_draws.recheck(draw).matches  # a tampered result is caught
    db.rollback()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "expert_draw.drawn"))
    assert event.detail["seed"] == "fixed-seed"


def test_a_fresh_seed_is_random_for_each_draw(demo, db) -> None:
    project = entrusted_project(db)
    seeds = {drawn(db, project).seed for _ in range(3)}
    assert len(seeds) == 3 and all(len(s) == 32 for s in seeds)


def test_no_seed_ever_draws_an_avoided_employer(demo, db) -> None:
    avoid = [("北方信创计算机有限公司", org(db, "北方信创计算机有限公司").uscc),
             ("内蒙古自治区政府采购中心", ""),  # matched by name
             ("内蒙古中咨招标代理有限公司", org(db, "内蒙古中咨招标代理有限公司").uscc),
             ("包头某设计院", "")]  # the clerk's own addition
    free = [("内蒙古大学", ""), ("内蒙古工业大学", ""), ("包头医学院", "")]
    add_experts(db, 24, avoid + free)
    project = entrusted_project(db, joined=("北方信创计算机有限公司",))
    banned = {name for name, _uscc in avoid}
    for i in range(60):
        draw = drawn(db, project, seed=f"seed-{i}", count=4, reserves=3,
                     extra=("包头某设计院",))
        employers = {seat.expert.employer for seat in draw.seats}
        assert not employers & banned, (i, employers)
        assert expert_draws.recheck(draw).matches
    assert set(draw.candidates) == {e.id for e in db.scalars(select(Expert)) if
                                    e.employer not in banned and FURNITURE in e.categories
                                    and e.region.code.startswith("15")}


def test_avoidance_matches_the_employer_uscc_even_under_another_name(demo, db) -> None:
    beifang = org(db, "北方信创计算机有限公司")
    add_experts(db, 1, [("北方信创（呼和浩特分部）", beifang.uscc)])
    project = entrusted_project(db, joined=("北方信创计算机有限公司",))
    avoided = expert_draws.avoided_for(db, project, ())
    pool_entry = db.scalar(select(Expert).where(Expert.name == "专家0"))
    assert any(a.matches(pool_entry) for a in avoided)


def test_too_few_eligible_experts_are_refused_with_the_numbers(demo, db) -> None:
    project = entrusted_project(db, joined=("北方信创计算机有限公司",))
    # furniture in 内蒙古: 吴刚 王建国 李秀英 杨帆 周强 (张伟 and 刘芳 are avoided)
    with pytest.raises(InvalidInput, match="只有 5 名"):
        requested(db, project, count=4, reserves=2)
    draw = requested(db, project, count=3, reserves=2)
    assert draw.status is DrawStatus.submitted


def test_suspended_experts_are_never_candidates(demo, db) -> None:
    project = entrusted_project(db, joined=("北方信创计算机有限公司",))
    wang = db.scalar(select(Expert).where(Expert.name == "王建国"))
    experts.set_active(db, user(db, "cz_reviewer"), wang, False)
    with pytest.raises(InvalidInput, match="只有 4 名"):
        requested(db, project, count=3, reserves=2)
    assert not wang.user.active


def test_reserves_replace_decliners_in_draw_order_until_none_is_left(demo, db) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, count=3, reserves=1)
    panel_seat, reserve = draw.seats[0], draw.seats[3]
    expert_user = panel_seat.expert.user
    with pytest.raises(InvalidInput):
        expert_draws.decline(db, expert_user, panel_seat, "avoidance", " ")
    expert_draws.decline(db, expert_user, panel_seat, "avoidance", "曾在供应商处任职")
    came = expert_draws.replace(db, user(db, "dl_clerk"), panel_seat)
    assert came.id == reserve.id and came.replaces_seat_id == panel_seat.id
    seated = experts.panel(db, project)
    assert [s.user_id for s in seated] == [s.expert.user_id for s in draw.seats[1:]]
    with pytest.raises(TransitionNotAllowed):  # already replaced
        expert_draws.replace(db, user(db, "dl_clerk"), panel_seat)
    second = draw.seats[1]
    expert_draws.decline(db, second.expert.user, second, "unavailable", "出差")
    with pytest.raises(TransitionNotAllowed, match="备选专家已用完"):
        expert_draws.replace(db, user(db, "dl_clerk"), second)
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"draw_seat.declined", "draw_seat.replaced", "expert_draw.notified"} <= actions


def test_only_the_expert_itself_can_decline_its_seat(demo, db) -> None:
    draw = drawn(db, entrusted_project(db))
    other = draw.seats[1].expert.user
    with pytest.raises(Forbidden):
        expert_draws.decline(db, other, draw.seats[0], "avoidance", "理由")


# ---- review -------------------------------------------------------------------------------------

def test_the_reviewer_is_never_the_drafter(demo, db) -> None:
    project = entrusted_project(db)
    both = accounts.create_user(db, actor=None, hasher=hasher(), username="dl_both",
                                display_name="钱多", password="Kuangcai@2026",
                                org=org(db, "内蒙古中咨招标代理有限公司"),
                                positions=frozenset({Position.clerk, Position.reviewer}))
    db.commit()
    draw = expert_draws.request(db, both, project, expert_draws.DrawRequest(
        FURNITURE, region(db, "150000"), 3, 1, ()))
    with pytest.raises(Forbidden, match="不能是申请人本人"):
        expert_draws.approve_and_draw(db, both, draw, "同意")
    with pytest.raises(Forbidden):  # another organisation's reviewer
        expert_draws.approve_and_draw(db, user(db, "zj_reviewer"), draw, "同意")
    with pytest.raises(InvalidInput, match="审核意见"):
        expert_draws.return_request(db, user(db, "dl_reviewer"), draw, "  ")
    expert_draws.return_request(db, user(db, "dl_reviewer"), draw, "人数不足三人以上单数")
    assert draw.status is DrawStatus.returned and not draw.seats
    with pytest.raises(TransitionNotAllowed):
        expert_draws.approve_and_draw(db, user(db, "dl_reviewer"), draw, "同意")


def test_only_the_projects_collector_or_agency_clerk_requests_a_draw(demo, db) -> None:
    project = entrusted_project(db)
    for username in ("dl_reviewer", "hn_clerk", "gys_mfr", "cz_reviewer"):
        with pytest.raises(Forbidden):
            expert_draws.request(db, user(db, username), project, expert_draws.DrawRequest(
                FURNITURE, region(db, "150000"), 3, 1, ()))


# ---- who can see the draw -----------------------------------------------------------------------

def test_suppliers_the_public_and_other_projects_clerks_cannot_see_the_draw(demo, db,
                                                                             signed_in) -> None:
    project = entrusted_project(db, joined=("北方信创计算机有限公司",))
    draw = drawn(db, project)
    seat = draw.seats[0]
    pages = [f"/expert-draws/{draw.id}", f"/expert-draws/{draw.id}/panel",
             f"/expert-draws/{draw.id}/recheck", f"/projects/{project.id}/expert-draws"]
    anonymous = demo.test_client()
    for page in pages:
        assert anonymous.get(page).status_code == 302  # to the sign-in page
    for username, status in [("gys_mfr", 403), ("cg_clerk", 403), ("hn_clerk", 404),
                             ("zg_clerk", 404), ("expert_wu", 403), ("cz_reviewer", 403)]:
        client = signed_in(username)
        for page in pages:
            assert client.get(page).status_code == status, (username, page)
    drawn_name = seat.expert.name
    for username in ("gys_mfr", "hn_clerk"):
        html = signed_in(username).get(f"/reviews/{seat.id}").get_data(as_text=True)
        assert drawn_name not in html
    assert drawn_name not in anonymous.get("/announcements").get_data(as_text=True)
    for username in ("dl_clerk", "dl_reviewer", "zj_clerk"):
        page = signed_in(username).get(f"/expert-draws/{draw.id}")
        assert page.status_code == 200 and drawn_name in page.get_data(as_text=True)
    other = next(s for s in draw.seats[1:] if not s.reserve)
    other_expert = other.expert.user.username
    # an expert sees its own invitation only
    client = signed_in_as(demo, other_expert)
    assert client.get(f"/reviews/{seat.id}").status_code == 404
    assert client.get(f"/reviews/{other.id}").status_code == 200


def signed_in_as(app: Any, username: str) -> Any:
    from tests.helpers import sign_in

    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


# ---- 评审签到 ----------------------------------------------------------------------------------

def test_an_expert_checks_in_by_id_number_and_the_panel_chooses_a_leader(demo, db) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, count=3, reserves=0)
    first, second = draw.seats[0], draw.seats[1]
    with pytest.raises(InvalidInput, match="不一致"):
        panels.check_in(db, first.expert.user, first, "id_number", id_number="110101199003070000")
    with pytest.raises(Forbidden):
        panels.check_in(db, second.expert.user, first, "id_number", first.expert.id_number)
    with pytest.raises(TransitionNotAllowed):  # not checked in yet
        panels.choose_leader(db, first.expert.user, first, first)
    panels.check_in(db, first.expert.user, first, "id_number", first.expert.id_number.lower())
    with pytest.raises(InvalidInput):  # the leader must have checked in
        panels.choose_leader(db, first.expert.user, first, second)
    panels.check_in(db, second.expert.user, second, "id_number", second.expert.id_number)
    panels.choose_leader(db, first.expert.user, first, second)
    assert draw.leader_chosen_by_id == first.expert.user_id and draw.leader_chosen_at
    with pytest.raises(TransitionNotAllowed, match="组长已推选"):
        panels.choose_leader(db, second.expert.user, second, first)
    seats = experts.panel(db, project)
    assert [(s.checked_in, s.leader) for s in seats] == [(True, False), (True, True),
                                                         (False, False)]
    assert seats[1] == experts.PanelSeat(second.expert.user_id, second.expert.name,
                                         second.expert.id_number, second.expert.employer,
                                         True, True)


def test_an_expert_checks_in_with_its_personal_certificate(demo_keys, db) -> None:
    project = entrusted_project(db)
    # 计算机设备 in 内蒙古: 吴刚, 张伟, 陈明 — all three drawn
    draw = drawn(db, project, count=3, reserves=0, category="A020101")
    wu = user(db, "expert_wu")
    seat = next(s for s in draw.seats if s.expert.user_id == wu.id)
    with pytest.raises(InvalidInput, match="证书密码错误"):
        panels.check_in(db, wu, seat, "certificate", pin="000000")
    panels.check_in(db, wu, seat, "certificate", pin=DEMO_PIN)
    assert seat.check_in_method == "certificate" and seat.checked_in_at is not None
    other = next(s for s in draw.seats if s.expert.user_id != wu.id)
    with pytest.raises(InvalidInput, match="尚未绑定个人证书"):
        panels.check_in(db, other.expert.user, other, "certificate", pin=DEMO_PIN)


def test_the_drawn_expert_finds_the_invitation_on_its_todo_list(demo, db, signed_in) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, count=3, reserves=2)
    panel_user = draw.seats[0].expert.user.username
    reserve_user = draw.seats[3].expert.user.username
    page = signed_in_as(demo, panel_user).get("/todo").get_data(as_text=True)
    assert "评审邀请" in page and project.name in page
    page = signed_in_as(demo, reserve_user).get("/todo").get_data(as_text=True)
    assert project.name not in page  # a reserve hears only when called


# ---- 专家库 ------------------------------------------------------------------------------------

def expert_form(token: str, **overrides: str) -> dict[str, Any]:
    return {"csrf_token": token, "name": "孙丽", "id_number": id_number("15010219880808123"),
            "categories": [FURNITURE, "C2104"], "region": "", "employer": "内蒙古财经大学",
            "employer_uscc": "", "phone": "13904719999", "username": "expert_sun",
            "password": "Kuangcai@2026", **overrides}


def test_the_regulator_adds_an_expert_with_an_account(demo, db, signed_in) -> None:
    client = signed_in("cz_reviewer")
    token = csrf_token(client.get("/experts/new").get_data(as_text=True))
    hohhot = str(region(db, "150100").id)
    bad = client.post("/experts/new", data=expert_form(token, region=hohhot,
                                                       id_number="150102198808081230"))
    assert bad.status_code == 400 and "校验位错误" in bad.get_data(as_text=True)
    assert "内蒙古财经大学" in bad.get_data(as_text=True)  # nothing lost
    response = client.post("/experts/new", data=expert_form(token, region=hohhot))
    assert response.status_code == 302
    entry = db.scalar(select(Expert).where(Expert.name == "孙丽"))
    assert entry.categories == [FURNITURE, "C2104"]
    assert Position.expert in entry.user.positions
    assert signed_in("expert_sun").get("/reviews").status_code == 200
    again = client.post("/experts/new", data=expert_form(token, region=hohhot,
                                                         username="expert_sun2"))
    assert again.status_code == 400 and "已在专家库中" in again.get_data(as_text=True)
    assert "expert.added" in set(db.scalars(select(AuditEvent.action)))
    for username in ("zj_reviewer", "dl_clerk", "expert_wu", "gys_mfr"):
        assert signed_in(username).get("/experts").status_code == 403


def test_a_suspended_expert_cannot_sign_in(demo, db, signed_in) -> None:
    client = signed_in("cz_reviewer")
    token = csrf_token(client.get("/experts").get_data(as_text=True))
    wang = db.scalar(select(Expert).where(Expert.name == "王建国"))
    assert client.post(f"/experts/{wang.id}/active",
                       data={"csrf_token": token, "active": "0"}).status_code == 302
    db.expire_all()
    assert not wang.active
    from tests.helpers import sign_in
    assert sign_in(demo.test_client(), "expert_wang").status_code != 302


def test_the_demo_pool_spans_categories_and_regions(demo, db) -> None:
    pool = list(db.scalars(select(Expert)))
    assert len(pool) == len(EXPERTS) >= 8
    assert len({e.region.code for e in pool}) >= 4
    assert len({c for e in pool for c in e.categories}) >= 8


def test_the_agency_polls_the_panel_state_as_a_fragment(demo, db, signed_in) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, count=3, reserves=0)
    seat = draw.seats[0]
    panels.check_in(db, seat.expert.user, seat, "id_number", seat.expert.id_number)
    client = signed_in("dl_clerk")
    fragment = client.get(f"/expert-draws/{draw.id}/panel", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 5s"' in html and "已签到 1 / 3 人" in html
    assert "<html" in client.get(f"/expert-draws/{draw.id}/panel").get_data(as_text=True)


def test_a_declined_seat_waits_on_the_clerks_todo_until_replaced(demo, db, signed_in) -> None:
    project = entrusted_project(db)
    draw = drawn(db, project, count=3, reserves=1)
    seat = draw.seats[0]
    expert_draws.decline(db, seat.expert.user, seat, "unavailable", "住院")
    todo = signed_in("dl_clerk").get("/todo").get_data(as_text=True)
    assert "专家待递补" in todo and seat.expert.name in todo
    client = signed_in("dl_clerk")
    token = csrf_token(client.get(f"/expert-draws/{draw.id}").get_data(as_text=True))
    assert client.post(f"/draw-seats/{seat.id}/replace",
                       data={"csrf_token": token}).status_code == 302
    assert "专家待递补" not in client.get("/todo").get_data(as_text=True)
    called = draw.seats[3].expert.user.username
    assert "评审邀请" in signed_in_as(demo, called).get("/todo").get_data(as_text=True)


def test_a_request_is_drawn_once_even_if_approved_twice(demo, db) -> None:
    from sqlalchemy.orm import Session

    draw = requested(db, entrusted_project(db))
    with Session(bind=db.get_bind()) as other:  # a second reviewer's page, loaded before
        stale = other.get(type(draw), draw.id)
        assert stale.status is DrawStatus.submitted
        expert_draws.approve_and_draw(db, user(db, "dl_reviewer"), draw, "")
        with pytest.raises(TransitionNotAllowed):
            expert_draws.approve_and_draw(other, user(other, "dl_reviewer"), stale, "")
    db.expire_all()
    assert len(draw.seats) == 5


def test_the_regulator_edits_an_expert_and_the_audit_keeps_before_and_after(
        demo, db, signed_in) -> None:
    li = db.scalar(select(Expert).where(Expert.name == "李秀英"))
    client = signed_in("cz_reviewer")
    page = client.get(f"/experts/{li.id}/edit").get_data(as_text=True)
    assert "包头市建筑设计研究院" in page
    data = {"csrf_token": csrf_token(page), "name": "李秀英", "id_number": li.id_number,
            "categories": [FURNITURE, "C2105"], "region": str(li.region_id),
            "employer": "包头市规划设计院", "employer_uscc": "", "phone": li.phone}
    assert client.post(f"/experts/{li.id}/edit", data=data).status_code == 302
    db.expire_all()
    assert li.categories == [FURNITURE, "C2105"] and li.employer == "包头市规划设计院"
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "expert.edited"))
    assert "包头市建筑设计研究院" in str(event.detail["before"])
    assert "包头市规划设计院" in str(event.detail["after"])
