"""评审 of one lot: credit and qualification by the organiser, the panel's review and scores, the
leader's 复核 and the organiser's 代理确认, each refused out of turn or by the wrong person."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from portal.domain import evaluation as ev
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    CreditResult,
    EvaluationStatus,
    User,
    Verdict,
)
from tests.evaluation_setup import (
    EVIDENCE,
    experts,
    opened,
    seat,
    solicitation_project,
    started_evaluation,
    suppliers,
)
from tests.helpers import user

pytestmark = pytest.mark.db


@pytest.fixture
def started(app, db, demo_keys) -> Any:
    return started_evaluation(app, db)


def qualify_everyone(db: Any, evaluation: Any, organiser: str = "zj_clerk") -> None:
    clerk = user(db, organiser)
    for entry in evaluation.entries:
        if entry.decrypted:
            ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean,
                             "信用中国、中国政府采购网查询无不良记录", EVIDENCE)
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
        ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean, "", EVIDENCE)
    with pytest.raises(InvalidInput, match="截图"):
        ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean, "查询无记录", b"")
    qualify_everyone(db, evaluation)
    ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.listed,
                     "信用中国：列入失信被执行人名单", EVIDENCE)
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
        ev.record_credit(db, user(db, "dl_clerk"), evaluation, entry.id, CreditResult.clean, "x",
                         EVIDENCE)
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
    panel = [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
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
    panel = [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
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
    unseated = [seat(e.id, e.display_name, "x", i != 2, i == 0) for i, e in enumerate(people)]
    with pytest.raises(TransitionNotAllowed, match="至少3名"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, unseated)
    seated = [seat(e.id, e.display_name, "x", True, True) for e in people]
    with pytest.raises(TransitionNotAllowed, match="组长"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
    seated = [seat(e.id, e.display_name, "x", True, i == 0) for i, e in enumerate(people)]
    with pytest.raises(Forbidden):
        ev.start(db, user(db, "gys_mfr"), project, "01", responses, seated)
    ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
    with pytest.raises(TransitionNotAllowed, match="已开始"):
        ev.start(db, user(db, "zj_clerk"), project, "01", responses, seated)
