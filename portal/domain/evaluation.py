"""评审 of one lot (seed 000 §一 13, 财政部令第110号 第二十六条至第二十八条).

    qualification ──finish_qualification──▶ scoring ──submit_review (leader's 复核)──▶ review
         ▲                                     ▲                                        │
         └──────────── (never goes back) ──────┴────────── return_to_panel ◀────────────┤
                                                                    confirm (代理确认) ──▶ confirmed

* The project's organiser (its agency, or the collector running it itself) starts the evaluation
  from the opening's decrypted responses and the panel that checked in, records each supplier's
  credit check (信用中国 / 中国政府采购网, as the clerk found it) and qualification verdict, with
  a reason for every failure, and any SME price deduction.
* The panel: the leader records the substantive (符合性) verdicts; under 质量优先法 every expert
  scores every response that passed; the leader's 复核 hands the ranking to the organiser.
* The organiser confirms (the shortlist is computed by :mod:`portal.domain.shortlisting` and
  stored with each entry) or returns it to the panel with a reason.

Inputs from the opening and the expert draw (``OpenedResponse``, ``PanelSeat``) are copied
into the evaluation when it starts.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import storage
from portal.domain import audit, opening, participation, shortlisting
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.experts import PanelSeat
from portal.domain.experts import panel as panel_of
from portal.domain.opening import OpenedResponse
from portal.models import Project, User, utcnow
from portal.models.evaluation import (
    CreditResult,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    ExpertScore,
    PanelMember,
    Verdict,
)

CENT = Decimal("0.01")
MINIMUM_PANEL = 3
MAX_SCORE = Decimal(100)
# Reasons kept with the evaluation and printed in its report: stored in Chinese, like documents.
NOT_DECRYPTED = "响应文件未在解密时限内解密"
NOT_SUBSTANTIVE = "未通过符合性审查"


STAGE_LABELS = {
    EvaluationStatus.qualification: _l("信用查询及资格审查"),
    EvaluationStatus.scoring: _l("专家评审"),
    EvaluationStatus.review: _l("组长已复核，待代理确认"),
    EvaluationStatus.confirmed: _l("评审结束"),
}


@dataclass(frozen=True)
class UserView:
    """What one person may do on the evaluation's page."""

    organiser: bool
    member: PanelMember | None

    @property
    def leader(self) -> bool:
        return bool(self.member and self.member.leader)


def view_for(evaluation: Evaluation, user: User) -> UserView:
    member = next((m for m in evaluation.members if m.user_id == user.id), None)
    return UserView(opening.may_open(user, evaluation.project), member)


def may_see(evaluation: Evaluation, user: User) -> bool:
    """The organiser's staff and the panel: suppliers and the public never see it."""
    return user.org_id == organiser_org_id(evaluation.project) or any(
        m.user_id == user.id for m in evaluation.members)


def scored_by(evaluation: Evaluation, member: PanelMember) -> int:
    """How many of the responses to be scored ``member`` has scored."""
    return sum(1 for entry in evaluation.entries for score in entry.scores
               if score.expert_user_id == member.user_id)


def to_score(evaluation: Evaluation) -> int:
    return sum(1 for e in evaluation.entries if e.substantive is Verdict.passed)


def judged(evaluation: Evaluation) -> tuple[int, int]:
    """(done, due) of the current stage's supplier-by-supplier work."""
    if evaluation.status is EvaluationStatus.qualification:
        due = [e for e in evaluation.entries if e.decrypted]
        return sum(1 for e in due if e.credit and e.qualification), len(due)
    due = qualified(evaluation)
    return sum(1 for e in due if e.substantive), len(due)


def organiser_org_id(project: Project) -> int:
    """Who runs the evaluation: whoever ran the opening (the agency, else the collector)."""
    return opening.opener_org(project).id


def _require_organiser(actor: User, project: Project) -> None:
    if not opening.may_open(actor, project):
        raise Forbidden(_("只有本项目组织单位的经办岗可以办理评审。"))


def _member(evaluation: Evaluation, actor: User) -> PanelMember:
    member = next((m for m in evaluation.members if m.user_id == actor.id), None)
    if member is None:
        raise Forbidden(_("您不是本包评审小组的成员。"))
    return member


def _leader(evaluation: Evaluation, actor: User) -> PanelMember:
    member = _member(evaluation, actor)
    if not member.leader:
        raise Forbidden(_("只有评审小组组长可以办理此项。"))
    return member


def _expect(evaluation: Evaluation, status: EvaluationStatus) -> None:
    if evaluation.status is not status:
        raise TransitionNotAllowed(_("评审已进入其他环节，请刷新页面。"))


def _lot(project_data: dict[str, Any], lot_number: str) -> dict[str, Any]:
    lot = next((lot for lot in project_data.get("lots", ()) if lot["number"] == lot_number), None)
    if lot is None:
        raise InvalidInput(_("征集文件中没有第%(lot)s包。", lot=lot_number))
    return dict(lot)


def rules_of(evaluation: Evaluation) -> shortlisting.Rules:
    return shortlisting.Rules(evaluation.method, evaluation.elimination_rate, evaluation.cap,
                              evaluation.tie_rule, evaluation.seed)


def of_lot(session: Session, project: Project, lot_number: str) -> Evaluation | None:
    return session.scalar(select(Evaluation).where(
        Evaluation.project_id == project.id, Evaluation.round == project.round,
        Evaluation.lot_number == lot_number))


def start(session: Session, actor: User, project: Project, lot_number: str,
          opened: Sequence[OpenedResponse], panel: Sequence[PanelSeat]) -> Evaluation:
    """开启评审: copy the opened responses and the seated panel; take the solicitation's rules."""
    _require_organiser(actor, project)
    revision = participation.sealed_solicitation(session, project)
    if revision is None:
        raise TransitionNotAllowed(_("本项目没有盖章的征集文件，不能评审。"))
    if not opened:
        raise TransitionNotAllowed(_("本包尚未开启或开启解密尚未结束，不能开始评审。"))
    seated = [seat for seat in panel if seat.checked_in]
    if len(seated) < MINIMUM_PANEL or sum(seat.leader for seat in seated) != 1:
        raise TransitionNotAllowed(_(
            "评审小组须至少%(n)d名已签到的专家，并已推选一名组长。", n=MINIMUM_PANEL))
    data, lot = revision.data, _lot(revision.data, lot_number)
    evaluation = Evaluation(
        project_id=project.id, round=project.round, lot_number=lot_number, lot_name=lot["name"],
        max_unit_price=Decimal(str(lot["max_unit_price"])), method=data["evaluation_method"],
        elimination_rate=Decimal(str(data["elimination_rate"])),
        cap=data.get("shortlist_cap") or None,
        tie_rule=data.get("tie_rule") or shortlisting.EARLIER_SUBMISSION,
        seed=secrets.token_hex(16), started_by=actor.id,
        entries=[_entry(response) for response in opened],
        members=[PanelMember(user_id=seat.user_id, name=seat.name, employer=seat.employer,
                             leader=seat.leader) for seat in seated])
    rules_of(evaluation)  # the solicitation's rules must make sense before anyone works on them
    session.add(evaluation)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise TransitionNotAllowed(_("本包评审已开始。")) from None
    _record(session, actor, evaluation, "evaluation.started", None, evaluation.status,
            {"lot": lot_number, "suppliers": len(opened), "panel": len(seated),
             "seed": evaluation.seed})
    return evaluation


def begin(session: Session, actor: User, project: Project, lot_number: str) -> Evaluation:
    """开启评审 of a lot whose opening has closed, with the panel the draw seated."""
    found = of_lot(session, project, lot_number)
    if found is not None:
        return found
    return start(session, actor, project, lot_number,
                 opening.opened_responses(session, project, lot_number),
                 panel_of(session, project))


def _entry(response: OpenedResponse) -> EvaluationEntry:
    product = " ".join(p for p in (response.brand, response.model) if p)
    if response.parameters:
        product = f"{product}（{response.parameters}）" if product else response.parameters
    entry = EvaluationEntry(
        supplier_org_id=response.supplier_org_id, supplier_name=response.supplier_name,
        supplier_uscc=response.supplier_uscc, product=product[:500],
        product_id=response.product_id, delivery=response.delivery[:500],
        unit_price=response.unit_price if response.decrypted else None,
        submitted_at=response.submitted_at, decrypted=response.decrypted,
        price_deduction=Decimal(0))
    if not response.decrypted:
        # Recorded at the opening; excluded without anyone having to judge it.
        entry.qualification = Verdict.failed
        entry.qualification_reason = NOT_DECRYPTED
    return entry


def _entry_of(evaluation: Evaluation, entry_id: int) -> EvaluationEntry:
    entry = next((e for e in evaluation.entries if e.id == entry_id), None)
    if entry is None:
        raise InvalidInput(_("本包没有该供应商的响应。"))
    return entry


def record_credit(session: Session, actor: User, evaluation: Evaluation, entry_id: int,
                  result: CreditResult, note: str, evidence: bytes) -> None:
    """信用记录查询: what 信用中国 and 中国政府采购网 showed for the supplier, with the
    screenshot of the results as evidence (a checked PDF)."""
    _require_organiser(actor, evaluation.project)
    _expect(evaluation, EvaluationStatus.qualification)
    entry = _entry_of(evaluation, entry_id)
    if not note.strip():
        raise InvalidInput(_("请填写查询渠道和结果（如截图编号、查询时间）。"))
    if not evidence:
        raise InvalidInput(_("请上传查询结果截图（PDF）作为证据。"))
    before = entry.credit
    entry.credit, entry.credit_note = result, note.strip()
    entry.credit_evidence_sha256 = storage.put(evidence, ".pdf")
    _record(session, actor, evaluation, "evaluation.credit_checked", before, result,
            {"supplier": entry.supplier_org_id, "note": entry.credit_note,
             "evidence": entry.credit_evidence_sha256})


def record_qualification(session: Session, actor: User, evaluation: Evaluation, entry_id: int,
                         verdict: Verdict, reason: str, price_deduction: Decimal) -> None:
    """资格审查 of one supplier, with the reason for a failure and any SME price deduction."""
    _require_organiser(actor, evaluation.project)
    _expect(evaluation, EvaluationStatus.qualification)
    entry = _entry_of(evaluation, entry_id)
    if not entry.decrypted:
        raise TransitionNotAllowed(_("未在解密时限内解密的响应不参加评审。"))
    if verdict is Verdict.failed and not reason.strip():
        raise InvalidInput(_("资格审查不通过的，须写明原因。"))
    if not Decimal(0) <= price_deduction <= Decimal(20):
        raise InvalidInput(_("价格扣除比例应在0%至20%之间。"))
    before = entry.qualification
    entry.qualification, entry.price_deduction = verdict, price_deduction
    entry.qualification_reason = reason.strip() if verdict is Verdict.failed else None
    _record(session, actor, evaluation, "evaluation.qualified", before, verdict,
            {"supplier": entry.supplier_org_id, "reason": entry.qualification_reason,
             "deduction": str(price_deduction)})


def finish_qualification(session: Session, actor: User, evaluation: Evaluation) -> None:
    """资格审查结束: every supplier checked; a listed credit record must have failed."""
    _require_organiser(actor, evaluation.project)
    _expect(evaluation, EvaluationStatus.qualification)
    for entry in evaluation.entries:
        if entry.decrypted and (entry.credit is None or entry.qualification is None):
            raise TransitionNotAllowed(_("%(name)s尚未完成信用查询和资格审查。",
                                         name=entry.supplier_name))
        if entry.credit is CreditResult.listed and entry.qualification is not Verdict.failed:
            raise TransitionNotAllowed(_("%(name)s被列入失信名单，资格审查应为不通过。",
                                         name=entry.supplier_name))
    _move(session, actor, evaluation, EvaluationStatus.scoring, "evaluation.qualification_done")


def qualified(evaluation: Evaluation) -> list[EvaluationEntry]:
    return [e for e in evaluation.entries if e.qualification is Verdict.passed]


def record_substantive(session: Session, actor: User, evaluation: Evaluation, entry_id: int,
                       verdict: Verdict, reason: str) -> None:
    """符合性审查, recorded by the panel leader for the panel."""
    _leader(evaluation, actor)
    _expect(evaluation, EvaluationStatus.scoring)
    entry = _entry_of(evaluation, entry_id)
    if entry.qualification is not Verdict.passed:
        raise TransitionNotAllowed(_("资格审查未通过的供应商不进入符合性审查。"))
    if verdict is Verdict.passed and entry.unit_price is not None \
            and entry.unit_price > evaluation.max_unit_price:
        raise InvalidInput(_("报价 %(price)s 元超过最高限制单价 %(limit)s 元，应为不通过。",
                             price=entry.unit_price, limit=evaluation.max_unit_price))
    if verdict is Verdict.failed and not reason.strip():
        raise InvalidInput(_("符合性审查不通过的，须写明原因。"))
    before = entry.substantive
    entry.substantive = verdict
    entry.substantive_reason = reason.strip() if verdict is Verdict.failed else None
    _record(session, actor, evaluation, "evaluation.substantive", before, verdict,
            {"supplier": entry.supplier_org_id, "reason": entry.substantive_reason})


def record_score(session: Session, actor: User, evaluation: Evaluation, entry_id: int,
                 score: Decimal) -> None:
    """质量优先法: one expert's score for one response that passed both reviews."""
    _member(evaluation, actor)
    _expect(evaluation, EvaluationStatus.scoring)
    if evaluation.method != shortlisting.QUALITY_FIRST:
        raise TransitionNotAllowed(_("价格优先法不打分。"))
    entry = _entry_of(evaluation, entry_id)
    if entry.substantive is not Verdict.passed:
        raise TransitionNotAllowed(_("只对通过资格审查和符合性审查的响应评分。"))
    if not Decimal(0) <= score <= MAX_SCORE:
        raise InvalidInput(_("得分应在0至100分之间。"))
    score = score.quantize(CENT, rounding=ROUND_HALF_UP)
    mine = next((s for s in entry.scores if s.expert_user_id == actor.id), None)
    before = mine.score if mine else None
    if mine is None:
        entry.scores.append(ExpertScore(expert_user_id=actor.id, score=score))
    else:
        mine.score, mine.scored_at = score, utcnow()
    _record(session, actor, evaluation, "evaluation.scored", before, score,
            {"supplier": entry.supplier_org_id})


def candidates(evaluation: Evaluation) -> list[shortlisting.Response]:
    """Every response that passed qualification, as the shortlisting rules see it."""
    found = []
    for entry in qualified(evaluation):
        price = entry.unit_price or Decimal(0)
        evaluated = (price * (100 - entry.price_deduction) / 100).quantize(
            CENT, rounding=ROUND_HALF_UP)
        reason = None if entry.substantive is Verdict.passed else (
            entry.substantive_reason or NOT_SUBSTANTIVE)
        found.append(shortlisting.Response(
            entry.supplier_org_id, entry.supplier_name, evaluated, entry.submitted_at,
            tuple(s.score for s in sorted(entry.scores, key=lambda s: s.expert_user_id)), reason))
    return found


def ranking(evaluation: Evaluation) -> shortlisting.Shortlist:
    return shortlisting.shortlist(candidates(evaluation), rules_of(evaluation))


def ranking_if_ready(evaluation: Evaluation) -> shortlisting.Shortlist | None:
    """The ranking as it stands once the panel has judged every response (else ``None``)."""
    if evaluation.status is EvaluationStatus.qualification:
        return None
    done, due = judged(evaluation)
    if done < due:
        return None
    try:
        return ranking(evaluation)
    except InvalidInput:  # too few qualify, or scores still missing
        return None


def submit_review(session: Session, actor: User, evaluation: Evaluation) -> None:
    """组长复核: every qualified response judged (and scored by everyone), the ranking stands."""
    _leader(evaluation, actor)
    _expect(evaluation, EvaluationStatus.scoring)
    for entry in qualified(evaluation):
        if entry.substantive is None:
            raise TransitionNotAllowed(_("%(name)s尚未完成符合性审查。", name=entry.supplier_name))
        if evaluation.method == shortlisting.QUALITY_FIRST and entry.substantive is Verdict.passed:
            scored = {s.expert_user_id for s in entry.scores}
            missing = [m.name for m in evaluation.members if m.user_id not in scored]
            if missing:
                raise TransitionNotAllowed(_("%(experts)s尚未对%(name)s评分。",
                                             experts="、".join(missing), name=entry.supplier_name))
    ranking(evaluation)  # refuses a lot with fewer than two qualifying responses
    evaluation.reviewed_at = utcnow()
    _move(session, actor, evaluation, EvaluationStatus.review, "evaluation.reviewed")


def return_to_panel(session: Session, actor: User, evaluation: Evaluation, reason: str) -> None:
    _require_organiser(actor, evaluation.project)
    _expect(evaluation, EvaluationStatus.review)
    if not reason.strip():
        raise InvalidInput(_("退回时须写明理由。"))
    evaluation.returned_because = reason.strip()
    _move(session, actor, evaluation, EvaluationStatus.scoring, "evaluation.returned",
          {"reason": evaluation.returned_because})


def confirm(session: Session, actor: User, evaluation: Evaluation) -> shortlisting.Shortlist:
    """代理确认: store each response's rank and whether it is shortlisted."""
    _require_organiser(actor, evaluation.project)
    _expect(evaluation, EvaluationStatus.review)
    result = ranking(evaluation)
    places = {p.response.supplier_org_id: p for p in result.ranking}
    for entry in evaluation.entries:
        place = places.get(entry.supplier_org_id)
        entry.rank = place.rank if place else None
        entry.shortlisted = bool(place and place.shortlisted)
    evaluation.confirmed_by, evaluation.confirmed_at = actor.id, utcnow()
    _move(session, actor, evaluation, EvaluationStatus.confirmed, "evaluation.confirmed",
          {"shortlisted": [r.supplier_org_id for r in result.shortlisted]})
    return result


def _move(session: Session, actor: User, evaluation: Evaluation, to: EvaluationStatus,
          action: str, detail: dict[str, object] | None = None) -> None:
    before, evaluation.status = evaluation.status, to
    _record(session, actor, evaluation, action, before, to, detail or {})


def _record(session: Session, actor: User, evaluation: Evaluation, action: str, before: object,
            after: object, detail: dict[str, object]) -> None:
    audit.record(session, actor=actor, action=action, subject_type="evaluation",
                 subject_id=evaluation.id, before=before, after=after,
                 detail={"project": evaluation.project_id, **detail})
    session.commit()
