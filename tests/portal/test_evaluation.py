"""评审 of one lot: credit and qualification by the organiser, the panel's review and scores, the
leader's 复核 and the organiser's 代理确认, each refused out of turn or by the wrong person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

import documents
from portal.domain import evaluation as ev
from portal.domain import projects
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    CreditResult,
    EvaluationStatus,
    Organisation,
    OrgKind,
    Position,
    User,
    UserPosition,
    Verdict,
    utcnow,
)
from tests.helpers import approve_and_seal, project_with_approved_plan, user

pytestmark = pytest.mark.db


@dataclass(frozen=True)
class Opened:
    supplier_org_id: int
    supplier_name: str
    supplier_uscc: str
    brand: str
    model: str
    parameters: str
    unit_price: Decimal | None
    delivery: str
    submitted_at: datetime
    decrypted: bool


@dataclass(frozen=True)
class Seat:
    user_id: int
    name: str
    employer: str
    checked_in: bool
    leader: bool


def experts(db: Any) -> list[User]:
    """Three experts (accounts of the regulator's pool), created once per test."""
    finance = db.scalar(select(Organisation).where(Organisation.name == "内蒙古自治区财政厅"))
    made = []
    for i, name in enumerate(("刘明", "张华", "李强")):
        expert = User(username=f"expert_t{i}", display_name=name, password_hash="-",
                      org_id=finance.id, position_rows=[UserPosition(position=Position.expert)])
        db.add(expert)
        made.append(expert)
    db.commit()
    return made


def solicitation_project(app: Any, db: Any, **data: Any) -> Any:
    """The sample project with its 征集文件 sealed by the collector running it."""
    project = project_with_approved_plan(db)
    kind = documents.get_kind("solicitation")
    approve_and_seal(app, db, projects.draft_document(
        db, user(db, "zj_clerk"), project, kind.code, "征集文件",
        start_from={**kind.sample(), **data}))
    return project


def suppliers(db: Any) -> list[Organisation]:
    return list(db.scalars(select(Organisation).where(Organisation.kind == OrgKind.supplier)
                           .order_by(Organisation.id)))


def opened(orgs: list[Organisation], prices: list[str | None]) -> list[Opened]:
    now = utcnow()
    return [Opened(org.id, org.name, org.uscc, "国产", f"X{i}", "8核16G", Decimal(p) if p else None,
                   "合同签订后7日内", now - timedelta(minutes=10 - i), p is not None)
            for i, (org, p) in enumerate(zip(orgs, prices, strict=False))]


@pytest.fixture
def started(app, db, demo_keys) -> Any:
    """Lot 01 (maximum 6,500.00) of a price-first solicitation at 20%: three decrypted responses
    and one that was not decrypted in the window; a panel of three, 刘明 leading."""
    project = solicitation_project(app, db, elimination_rate="20")
    panel = [Seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    orgs = suppliers(db)
    assert len(orgs) >= 3
    responses = opened(orgs[:3], ["5890.00", "6050.00", "5600.00"])
    late = Opened(orgs[0].id + 10_000, "", "", "", "", "", None, "", utcnow(), False)
    # The not-decrypted response belongs to a real organisation too.
    other = Organisation(name="内蒙古远方商贸有限公司", uscc="91150100000000050A",
                         kind=OrgKind.supplier, region_id=orgs[0].region_id)
    db.add(other)
    db.commit()
    late = Opened(other.id, other.name, other.uscc, "", "", "", None, "", utcnow(), False)
    return ev.start(db, user(db, "zj_clerk"), project, "01", [*responses, late], panel)


def qualify_everyone(db: Any, evaluation: Any) -> None:
    clerk = user(db, "zj_clerk")
    for entry in evaluation.entries:
        if entry.decrypted:
            ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean,
                             "信用中国、中国政府采购网查询无不良记录")
            ev.record_qualification(db, clerk, evaluation, entry.id, Verdict.passed, "",
                                    Decimal(0))


def leader_of(db: Any, evaluation: Any) -> User:
    return db.get(User, next(m.user_id for m in evaluation.members if m.leader))


def test_price_first_from_opening_to_confirmed_shortlist(db, started) -> None:
    evaluation = started
    assert evaluation.status is EvaluationStatus.qualification
    late = next(e for e in evaluation.entries if not e.decrypted)
    assert late.qualification is Verdict.failed
    assert late.qualification_reason == "响应文件未在解密时限内解密"
    qualify_everyone(db, evaluation)
    ev.finish_qualification(db, user(db, "zj_clerk"), evaluation)
    leader = leader_of(db, evaluation)
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    ev.submit_review(db, leader, evaluation)
    result = ev.confirm(db, user(db, "zj_clerk"), evaluation)
    # Three qualified at 20%: ⌈0.6⌉ = 1 eliminated, the dearest (6,050.00).
    assert [r.evaluated_price for r in result.shortlisted] == [Decimal("5600.00"),
                                                               Decimal("5890.00")]
    places = {e.unit_price: (e.rank, e.shortlisted) for e in evaluation.entries}
    assert places[Decimal("5600.00")] == (1, True)
    assert places[Decimal("6050.00")] == (3, False)
    assert late.rank is None and late.shortlisted is False
    assert evaluation.status is EvaluationStatus.confirmed
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "evaluation", AuditEvent.subject_id == str(evaluation.id)))
    assert {"evaluation.started", "evaluation.qualification_done", "evaluation.reviewed",
            "evaluation.confirmed"} <= set(actions)


def test_an_sme_price_deduction_changes_the_ranking(db, started) -> None:
    evaluation = started
    qualify_everyone(db, evaluation)
    dear = next(e for e in evaluation.entries if e.unit_price == Decimal("6050.00"))
    # 10% off 6,050.00 is 5,445.00: now the cheapest in evaluation.
    ev.record_qualification(db, user(db, "zj_clerk"), evaluation, dear.id, Verdict.passed, "",
                            Decimal(10))
    ev.finish_qualification(db, user(db, "zj_clerk"), evaluation)
    leader = leader_of(db, evaluation)
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    assert ev.ranking(evaluation).ranking[0].response.evaluated_price == Decimal("5445.00")


def test_failures_need_reasons_and_a_listed_credit_record_must_fail(db, started) -> None:
    evaluation, clerk = started, user(db, "zj_clerk")
    entry = next(e for e in evaluation.entries if e.decrypted)
    with pytest.raises(InvalidInput, match="须写明原因"):
        ev.record_qualification(db, clerk, evaluation, entry.id, Verdict.failed, " ", Decimal(0))
    with pytest.raises(InvalidInput, match="查询渠道"):
        ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean, "")
    qualify_everyone(db, evaluation)
    ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.listed,
                     "信用中国：列入失信被执行人名单")
    with pytest.raises(TransitionNotAllowed, match="失信名单"):
        ev.finish_qualification(db, clerk, evaluation)
    ev.record_qualification(db, clerk, evaluation, entry.id, Verdict.failed, "列入失信被执行人名单",
                            Decimal(0))
    ev.finish_qualification(db, clerk, evaluation)
    assert evaluation.status is EvaluationStatus.scoring


def test_the_panel_and_the_organiser_act_only_in_their_own_turn(db, started) -> None:
    evaluation, clerk = started, user(db, "zj_clerk")
    leader = leader_of(db, evaluation)
    member = db.get(User, next(m.user_id for m in evaluation.members if not m.leader))
    entry = next(e for e in evaluation.entries if e.decrypted)
    with pytest.raises(Forbidden):
        ev.record_qualification(db, leader, evaluation, entry.id, Verdict.passed, "", Decimal(0))
    with pytest.raises(Forbidden):  # another organisation's clerk
        ev.record_credit(db, user(db, "dl_clerk"), evaluation, entry.id, CreditResult.clean, "x")
    with pytest.raises(TransitionNotAllowed, match="尚未完成"):
        ev.finish_qualification(db, clerk, evaluation)
    qualify_everyone(db, evaluation)
    with pytest.raises(TransitionNotAllowed):  # the panel's turn has not come
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    ev.finish_qualification(db, clerk, evaluation)
    with pytest.raises(Forbidden, match="组长"):
        ev.record_substantive(db, member, evaluation, entry.id, Verdict.passed, "")
    with pytest.raises(TransitionNotAllowed, match="符合性审查"):
        ev.submit_review(db, leader, evaluation)
    with pytest.raises(TransitionNotAllowed):
        ev.confirm(db, clerk, evaluation)


def test_the_organiser_returns_the_review_with_a_reason(db, started) -> None:
    evaluation, clerk = started, user(db, "zj_clerk")
    qualify_everyone(db, evaluation)
    ev.finish_qualification(db, clerk, evaluation)
    leader = leader_of(db, evaluation)
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    ev.submit_review(db, leader, evaluation)
    with pytest.raises(InvalidInput, match="理由"):
        ev.return_to_panel(db, clerk, evaluation, "")
    ev.return_to_panel(db, clerk, evaluation, "第01包排名需复核报价")
    assert evaluation.status is EvaluationStatus.scoring
    assert evaluation.returned_because == "第01包排名需复核报价"


def test_a_price_above_the_maximum_cannot_pass_the_substantive_review(app, db, demo_keys) -> None:
    project = solicitation_project(app, db)
    panel = [Seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    evaluation = ev.start(db, user(db, "zj_clerk"), project, "01",
                          opened(suppliers(db)[:3], ["6500.01", "6000", "6100"]), panel)
    qualify_everyone(db, evaluation)
    ev.finish_qualification(db, user(db, "zj_clerk"), evaluation)
    dear = next(e for e in evaluation.entries if e.unit_price == Decimal("6500.01"))
    with pytest.raises(InvalidInput, match="超过最高限制单价"):
        ev.record_substantive(db, leader_of(db, evaluation), evaluation, dear.id, Verdict.passed,
                              "")


def test_quality_first_needs_every_experts_score_before_the_review(app, db, demo_keys) -> None:
    project = solicitation_project(app, db, evaluation_method="quality_first",
                                   elimination_rate="30")
    panel = [Seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    evaluation = ev.start(db, user(db, "zj_clerk"), project, "01",
                          opened(suppliers(db)[:3], ["6000", "6100", "5900"]), panel)
    qualify_everyone(db, evaluation)
    ev.finish_qualification(db, user(db, "zj_clerk"), evaluation)
    leader = leader_of(db, evaluation)
    members = [db.get(User, m.user_id) for m in evaluation.members]
    entries = ev.qualified(evaluation)
    for entry in entries:
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    table = {entries[0].id: ("90", "88", "86"), entries[1].id: ("80", "82", "81"),
             entries[2].id: ("95", "94", "96")}
    for entry in entries:
        for expert, score in zip(members[:2], table[entry.id], strict=False):
            ev.record_score(db, expert, evaluation, entry.id, Decimal(score))
    with pytest.raises(TransitionNotAllowed, match="尚未对"):
        ev.submit_review(db, leader, evaluation)
    with pytest.raises(InvalidInput, match="0至100"):
        ev.record_score(db, members[2], evaluation, entries[0].id, Decimal("100.5"))
    for entry in entries:
        ev.record_score(db, members[2], evaluation, entry.id, Decimal(table[entry.id][2]))
    ev.submit_review(db, leader, evaluation)
    result = ev.confirm(db, user(db, "zj_clerk"), evaluation)
    # Averages 88.00, 81.00, 95.00; three at 30% lose ⌈0.9⌉ = 1, the lowest score.
    assert [r.score for r in result.shortlisted] == [Decimal("95.00"), Decimal("88.00")]
    assert result.lowest_score == Decimal("88.00")


def test_an_evaluation_needs_a_seated_panel_with_one_leader_and_starts_once(
        app, db, demo_keys) -> None:
    project = solicitation_project(app, db)
    people = experts(db)
    responses = opened(suppliers(db)[:3], ["6000", "6100", "5900"])
    unseated = [Seat(e.id, e.display_name, "x", i != 2, i == 0) for i, e in enumerate(people)]
    with pytest.raises(TransitionNotAllowed, match="至少3名"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, unseated)
    seated = [Seat(e.id, e.display_name, "x", True, True) for e in people]
    with pytest.raises(TransitionNotAllowed, match="组长"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
    seated = [Seat(e.id, e.display_name, "x", True, i == 0) for i, e in enumerate(people)]
    with pytest.raises(Forbidden):
        ev.start(db, user(db, "gys_mfr"), project, "01", responses, seated)
    ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
    with pytest.raises(TransitionNotAllowed, match="已开始"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
