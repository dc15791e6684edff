"""What a confirmed 评审 feeds: the 评审报告 of its lot and the project's 入围结果公告.

Both start from the evaluation's own record (never retyped): each lot's shortlisted suppliers,
their quoted (agreement) prices and products, the threshold the method publishes, the panel.
A clerk drafting either in the project gets it prefilled; 我的待办 asks for the announcement
once every lot of the current round is confirmed.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import evaluation as ev
from portal.domain import lifecycle, notices, participation, projects, sealing
from portal.domain.shortlisting import PRICE_FIRST
from portal.models import (
    Document,
    DocumentStatus,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Organisation,
    PanelMember,
    Participation,
    Position,
    Project,
    User,
    Verdict,
    beijing_now,
)
from portal.todo import TodoItem
from portal.todo import register as register_todo

SHORTLIST = "shortlist_announcement"
REPORT = "evaluation_report"


def confirmed(session: Session, project: Project) -> list[Evaluation]:
    """The current round's confirmed evaluations, by lot."""
    return list(session.scalars(select(Evaluation).where(
        Evaluation.project_id == project.id, Evaluation.round == project.round,
        Evaluation.status == EvaluationStatus.confirmed).order_by(Evaluation.lot_number)))


def _panel(evaluation: Evaluation) -> list[dict[str, str]]:
    return [{"name": m.name, "affiliation": m.employer, "role": "leader" if m.leader else "member"}
            for m in evaluation.members]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _address(session: Session, entry: EvaluationEntry) -> str:
    org = session.get(Organisation, entry.supplier_org_id)
    return org.address if org is not None else ""


def shortlist_lot(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """One lot of the 入围结果公告: its shortlisted suppliers in rank order and the threshold."""
    chosen = sorted((e for e in evaluation.entries if e.shortlisted), key=lambda e: e.rank or 0)
    lot: dict[str, Any] = {"number": evaluation.lot_number, "name": evaluation.lot_name,
                           "suppliers": [{
                               "name": e.supplier_name, "address": _address(session, e),
                               "agreement_price": _money(e.unit_price), "product": e.product,
                           } for e in chosen]}
    if evaluation.method == PRICE_FIRST:
        lot["highest_price"] = _money(max((e.unit_price for e in chosen if e.unit_price),
                                          default=None))
    else:
        result = ev.ranking(evaluation)
        lot["lowest_score"] = str(result.lowest_score) if result.lowest_score else None
    return lot


def _shortlist_prefill(session: Session, project: Project) -> dict[str, Any]:
    done = confirmed(session, project)
    if not done:
        return {}
    solicitation = participation.sealed_solicitation(session, project)
    fee = solicitation.data.get("agency_fee") if solicitation else None
    return {"evaluation_method": done[0].method, "agency_fee": fee,
            "lots": [shortlist_lot(session, e) for e in done],
            "panel": [{"name": p["name"], "role": p["role"]} for p in _panel(done[0])],
            "announcement_date": beijing_now().date().isoformat()}


def report_data(session: Session, evaluation: Evaluation) -> dict[str, Any]:
    """The 评审报告 of one lot, every supplier with its verdicts, price, score and rank."""
    project = evaluation.project
    solicitation = participation.sealed_solicitation(session, project)
    rules = solicitation.data if solicitation else {}
    call = projects.current_call(session, project)
    published = call.current_revision if call is not None else None
    scores = {p.response.supplier_org_id: p.response.score for p in ev.ranking(evaluation).ranking}
    rows = []
    for e in sorted(evaluation.entries, key=lambda e: (e.rank is None, e.rank or 0, e.id)):
        failed = e.qualification is not Verdict.passed or e.substantive is Verdict.failed
        rows.append({
            "name": e.supplier_name, "qualification": "failed" if failed else "passed",
            "rejection_reason": (e.qualification_reason or e.substantive_reason or "")
            if failed else "",
            "price": _money(e.unit_price) if e.decrypted else None,
            "score": str(scores[e.supplier_org_id]) if scores.get(e.supplier_org_id) else None,
            "expert_scores": _expert_scores(evaluation, e),
            "rank": e.rank, "shortlisted": bool(e.shortlisted)})
    shortlisted = [e.supplier_name for e in evaluation.entries if e.shortlisted]
    return {
        "project_name": project.name, "project_number": project.number,
        "lot_number": evaluation.lot_number, "lot_name": evaluation.lot_name,
        "announcement_date": published.data.get("publication_date") if published else None,
        "opening_date": str(rules.get("opening_time", ""))[:10] or None,
        "opening_place": rules.get("opening_place"),
        "evaluation_method": evaluation.method,
        "evaluation_standards": rules.get("evaluation_standards"),
        "elimination_rate": str(evaluation.elimination_rate),
        "panel": _panel(evaluation), "suppliers": rows,
        # the document's own words, in Chinese whatever the clerk's language
        "conclusion": f"<p>经评审，推荐{'、'.join(shortlisted)}"
                      f"入围第{evaluation.lot_number}包。</p>",
        "report_date": beijing_now().date().isoformat(),
    }


def _expert_scores(evaluation: Evaluation, entry: EvaluationEntry) -> str:
    """质量优先法: each expert's own score for the response (张华 88.00；…), as the report
    must show every expert's scores, not only the average."""
    given = {s.expert_user_id: s.score for s in entry.scores}
    return "；".join(f"{m.name} {given[m.user_id]:.2f}" for m in evaluation.members
                    if m.user_id in given)


def _report_prefill(session: Session, project: Project) -> dict[str, Any]:
    """The first confirmed lot of this round whose report is not drafted yet (one per lot)."""
    reports = session.scalars(select(Document).where(
        Document.project_id == project.id, Document.kind == REPORT,
        Document.id > projects.round_started_after(session, project)))
    drafted = {value for doc in reports for key, value in doc.draft_data if key == "lot_number"}
    waiting = [e for e in confirmed(session, project) if e.lot_number not in drafted]
    return report_data(session, waiting[0]) if waiting else {}


@register_todo
def results_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """Seed 000 §一 14.1: once every lot is confirmed, the organiser drafts the 入围结果公告."""
    if Position.clerk not in user.positions:
        return
    for project in session.scalars(select(Project).where(
            (Project.agency_org_id == user.org_id) | (
                Project.agency_org_id.is_(None) & (Project.collector_org_id == user.org_id)))):
        done = confirmed(session, project)
        if not done or len(done) < len(_lots(session, project)):
            continue
        drafted = session.scalar(select(Document.id).where(
            Document.project_id == project.id, Document.kind == SHORTLIST,
            Document.id > projects.round_started_after(session, project)))
        if drafted is None:
            yield TodoItem(_("待编制入围结果公告"), project.name,
                           url_for("documents.new", kind=SHORTLIST, project=project.id),
                           max(e.confirmed_at for e in done if e.confirmed_at))


def _lots(session: Session, project: Project) -> list[Any]:
    solicitation = participation.sealed_solicitation(session, project)
    return list(solicitation.data.get("lots", ())) if solicitation else []


def result_for(session: Session, project: Project, org_id: int) -> str:
    """What one supplier that joined is told when the shortlist is published: per lot, that it
    is shortlisted, or why not (its review's reason, or its rank against the cut-off)."""
    lines = []
    for evaluation in confirmed(session, project):
        entry = next((e for e in evaluation.entries if e.supplier_org_id == org_id), None)
        if entry is None:
            continue
        lot = f"第{evaluation.lot_number}包（{evaluation.lot_name}）"
        if entry.shortlisted:
            lines.append(f"{lot}：入围，入围价格 {_money(entry.unit_price)} 元。")
        elif entry.rank is None:
            why = entry.qualification_reason or entry.substantive_reason or "未通过审查"
            lines.append(f"{lot}：未入围，原因：{why}。")
        else:
            lines.append(f"{lot}：未入围，评审排名第{entry.rank}名，未进入入围名单。")
    return "".join(lines) or "贵单位未提交响应文件，本项目无贵单位的评审结果。"


def _notify_results(session: Session, actor: User, doc: Document) -> None:
    """On publication: each supplier that joined learns its own result (stored in Chinese, as
    sent, like every notice)."""
    project = session.get(Project, doc.project_id) if doc.project_id else None
    if project is None:
        return
    orgs = session.scalars(select(Participation.supplier_org_id).where(
        Participation.project_id == project.id)).all()
    for org_id in orgs:
        notices.send(session, [org_id], f"入围结果：{project.name}",
                     f"“{project.name}”（{project.number}）入围结果公告已发布。"
                     + result_for(session, project, org_id), doc)


def _lot_number(doc: Document) -> str | None:
    revision = doc.current_revision
    if revision is not None and doc.status is not DocumentStatus.draft:
        return str(revision.data.get("lot_number") or "") or None
    return next((value for key, value in doc.draft_data if key == "lot_number"), None)


def evaluation_of_report(session: Session, doc: Document) -> Evaluation | None:
    """The confirmed evaluation a 评审报告 reports: its project's lot of the current round."""
    project = session.get(Project, doc.project_id) if doc.project_id else None
    lot = _lot_number(doc)
    if project is None or lot is None:
        return None
    found = ev.of_lot(session, project, lot)
    return found if found is not None and found.status is EvaluationStatus.confirmed else None


def _report_sealers(doc: Document) -> tuple[int, ...]:
    """Each expert of the panel seals the report with a personal certificate, in the panel's
    order (its rows carry the anchors ``expert-1`` …)."""
    from portal import db

    found = evaluation_of_report(db.session(), doc)
    return tuple(m.user_id for m in found.members) if found is not None else ()


def _report_matches_evaluation(doc: Document, data: Any) -> dict[str, list[str]]:
    """A 评审报告 reports a confirmed evaluation, with the panel as it sat, in its order: the
    experts who seal it are those whose names it prints."""
    from portal import db

    found = evaluation_of_report(db.session(), doc)
    if found is None:
        return {"lot_number": [_("本项目本轮该包尚无已确认的评审，不能提交评审报告。")]}
    names = [row.get("name") for row in data.get("panel") or ()]
    if names != [m.name for m in found.members]:
        return {"panel": [_(
            "评审小组名单须与评审记录一致（%(names)s），以便各位专家在本人名下签章。",
            names="、".join(m.name for m in found.members))]}
    return {}


@register_todo
def report_seal_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """An expert's turn to seal the 评审报告 of a lot it evaluated."""
    if Position.expert not in user.positions:
        return
    lots = session.scalars(select(Evaluation).join(Evaluation.members).where(
        PanelMember.user_id == user.id, Evaluation.status == EvaluationStatus.confirmed))
    for lot in lots:
        for doc in session.scalars(select(Document).where(
                Document.project_id == lot.project_id, Document.kind == REPORT,
                Document.status == DocumentStatus.approved)):
            if _lot_number(doc) == lot.lot_number and sealing.may_seal(session, user, doc):
                yield TodoItem(_("待签章"), f"{lot.project.name} · {doc.title}",
                               url_for("documents.show", document_id=doc.id), doc.updated_at)


lifecycle.register_personal_sealers(REPORT, _report_sealers)
lifecycle.register_rule(REPORT, _report_matches_evaluation)
lifecycle.register_on_published(SHORTLIST, _notify_results)
projects.register_prefill(SHORTLIST, _shortlist_prefill)
projects.register_prefill(REPORT, _report_prefill)
