"""开标记录表 (seed 000 §一 12, §二 6): generated once a lot's decryption window closed, from
the decrypted quotes; each supplier that decrypted confirms it (确认) or raises an objection
(异议) — explicit and audited, as the record's one supplier seal block cannot carry a seal per
supplier row — the agency answers objections into the record, then submits and seals it.
Also the suppliers' to-do items of responses and openings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from portal.domain import audit, lifecycle, participation, responses
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.domain.opening import (
    RECORD,
    close_if_due,
    opened_responses,
    opener_org,
    opening_of,
    require_call,
    require_opener,
    submitted,
)
from portal.domain.responses import Call
from portal.models import (
    BEIJING,
    ConfirmationDecision,
    Document,
    LotOpening,
    OpeningConfirmation,
    OrgKind,
    Position,
    Project,
    ProjectStatus,
    Response,
    ResponseStatus,
    User,
    beijing,
    beijing_now,
    utcnow,
)
from portal.todo import TodoItem
from portal.todo import register as register_todo


def confirmations(session: Session, opening: LotOpening) -> dict[int, OpeningConfirmation]:
    rows = session.scalars(select(OpeningConfirmation).where(
        OpeningConfirmation.opening_id == opening.id))
    return {row.supplier_org_id: row for row in rows}


def _record_data(session: Session, actor: User, opening: LotOpening, call: Call
                 ) -> dict[str, Any]:
    lot = call.lot(opening.lot_number)
    suppliers = []
    for item in opened_responses(session, call.project, opening.lot_number):
        other = "；".join(x for x in (f"{item.brand} {item.model}".strip(), item.delivery) if x)
        suppliers.append({
            "name": item.supplier_name,
            "price": f"{item.unit_price:.2f}" if item.decrypted else "",
            "other_items": other[:300],
            "decryption": "decrypted" if item.decrypted else "not_decrypted"})
    opened_at = beijing(opening.opened_at).strftime("%Y-%m-%dT%H:%M")
    return {"project_name": call.project.name, "project_number": call.project.number,
            "lot_number": opening.lot_number, "lot_name": lot.get("name", ""),
            "opening_time": opened_at, "opening_place": call.opening_place,
            "decryption_minutes": opening.window_minutes,
            "agency_name": opener_org(call.project).name,
            "suppliers": suppliers, "objections": [],
            "staff": [{"name": actor.display_name, "duty": "主持人"}]}


def generate_record(session: Session, actor: User, project: Project,
                    opening: LotOpening) -> Document:
    """开标记录表, generated once the window closed, as a draft of the opener."""
    require_opener(actor, project)
    close_if_due(session, opening)
    if opening.closed_at is None:
        raise TransitionNotAllowed(_("解密时限尚未结束，不能生成开标记录表。"))
    if opening.record_id is not None:
        raise TransitionNotAllowed(_("开标记录表已生成。"))
    call = require_call(session, project)
    # The opener alone is the record's party: it drafts, answers and seals it (the agency of an
    # entrusted project, else the collector running the project itself).
    doc = lifecycle.create_draft(
        session, actor, RECORD,
        _("%(name)s 第%(lot)s包 开标记录表", name=project.name, lot=opening.lot_number),
        start_from=_record_data(session, actor, opening, call), project_id=project.id)
    opening.record_id = doc.id
    audit.record(session, actor=actor, action="opening.record_generated",
                 subject_type="lot_opening", subject_id=opening.id, after=doc.id)
    session.commit()
    return doc


def confirm(session: Session, actor: User, opening: LotOpening, objection: str | None) -> None:
    """确认 the record (no objection) or raise 异议; once per supplier that decrypted."""
    if actor.role is not OrgKind.supplier or Position.clerk not in actor.positions:
        raise Forbidden(_("只有供应商的经办岗可以确认开标记录表。"))
    mine = next((r for r in submitted(session, opening) if r.supplier_org_id == actor.org_id
                 and r.decrypted_at is not None), None)
    if mine is None:
        raise Forbidden(_("只有已解密响应文件的供应商可以确认开标记录表。"))
    if opening.record_id is None:
        raise TransitionNotAllowed(_("开标记录表尚未生成。"))
    if actor.org_id in confirmations(session, opening):
        raise TransitionNotAllowed(_("本单位已确认（或已提出异议）。"))
    text = (objection or "").strip()
    if objection is not None and not text:
        raise InvalidInput(_("请填写异议内容。"))
    if len(text) > 1000:
        raise InvalidInput(_("异议内容不超过 1000 字。"))
    decision = ConfirmationDecision.objection if text else ConfirmationDecision.confirmed
    row = OpeningConfirmation(opening_id=opening.id, supplier_org_id=actor.org_id,
                              user_id=actor.id, decision=decision, objection=text or None)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action=f"opening.{decision.value}",
                 subject_type="lot_opening", subject_id=opening.id, after=decision.value,
                 detail={"confirmation": row.id, "objection": text or None})
    session.commit()


def answer(session: Session, actor: User, project: Project, opening: LotOpening,
           confirmation: OpeningConfirmation, text: str) -> None:
    """The agency answers an objection; the record's draft lists it with the answer."""
    require_opener(actor, project)
    if confirmation.opening_id != opening.id or confirmation.objection is None:
        raise NotFound(_("没有这条异议。"))
    if confirmation.answer:
        raise TransitionNotAllowed(_("该异议已答复。"))
    text = text.strip()
    if not text or len(text) > 1000:
        raise InvalidInput(_("请填写答复（不超过 1000 字）。"))
    doc = session.get(Document, opening.record_id) if opening.record_id else None
    if doc is None:
        raise TransitionNotAllowed(_("开标记录表尚未生成。"))
    lifecycle.require_editable(doc)
    confirmation.answer, confirmation.answered_by_id = text, actor.id
    confirmation.answered_at = utcnow()
    _write_objections(session, doc, opening)
    audit.record(session, actor=actor, action="opening.objection_answered",
                 subject_type="lot_opening", subject_id=opening.id,
                 detail={"confirmation": confirmation.id})
    session.commit()


def _write_objections(session: Session, doc: Document, opening: LotOpening) -> None:
    import documents

    rows = [{"supplier": c.supplier.name, "objection": c.objection, "answer": c.answer}
            for c in confirmations(session, opening).values() if c.objection and c.answer]
    kept = [pair for pair in doc.draft_data if not pair[0].startswith("objections-")]
    added = documents.to_formdata({"objections": rows})
    doc.draft_data = kept + [[k, v] for k, v in added.items(multi=True)]


def _record_rule(doc: Document, data: Any) -> dict[str, list[str]]:
    """The agency submits the record once every supplier that decrypted has confirmed or
    objected and every objection is answered."""
    from portal import db

    session = db.session()
    opening = session.scalar(select(LotOpening).where(LotOpening.record_id == doc.id))
    if opening is None:
        return {}
    done = confirmations(session, opening)
    waiting = [r.supplier.name for r in submitted(session, opening)
               if r.decrypted_at is not None and r.supplier_org_id not in done]
    errors = []
    if waiting:
        errors.append(_("尚待供应商确认：%(names)s。", names="、".join(waiting)))
    if any(c.objection and not c.answer for c in done.values()):
        errors.append(_("尚有异议未答复，请在开标大厅答复。"))
    return {"suppliers": errors} if errors else {}


lifecycle.register_rule(RECORD, _record_rule)


@register_todo
def supplier_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """待提交响应文件 / 待解密 / 待确认开标记录表, for a supplier's clerk."""
    if user.role is not OrgKind.supplier or Position.clerk not in user.positions:
        return
    now = beijing_now()
    for joined in participation.joined(session, user):
        call = responses.call_of(session, joined.project)
        if call is None:
            continue
        mine = responses.of_supplier(session, user.org_id, call)
        if call.is_open(now) and not any(
                r.status is ResponseStatus.submitted for r in mine.values()):
            yield TodoItem(_("待提交响应文件"), joined.project.name,
                           url_for("responses.index", project_id=joined.project.id),
                           joined.registered_at,
                           _("截止 %(d)s", d=call.deadline.strftime("%Y-%m-%d %H:%M")))
        for lot_number, response in mine.items():
            found = opening_of(session, call, lot_number)
            if found is None or response.status is not ResponseStatus.submitted:
                continue
            link = url_for("opening.hall", project_id=joined.project.id, lot=lot_number)
            title = _("%(name)s 第%(lot)s包", name=joined.project.name, lot=lot_number)
            if found.closed_at is None and response.decrypted_at is None:
                yield TodoItem(_("待解密"), title, link, found.opened_at)
            elif (found.record_id is not None and response.decrypted_at is not None
                  and user.org_id not in confirmations(session, found)):
                yield TodoItem(_("待确认开标记录表"), title, link,
                               found.closed_at or found.opened_at)


@register_todo
def opener_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """待开标 / 待生成开标记录表 / 待答复异议, for the clerk of whoever runs the opening."""
    if Position.clerk not in user.positions or user.role not in (OrgKind.agency,
                                                                  OrgKind.collector):
        return
    now = beijing_now()
    for project in session.scalars(select(Project).where(
            Project.status == ProjectStatus.active, or_(
            Project.agency_org_id == user.org_id, and_(
                Project.collector_org_id == user.org_id, Project.agency_org_id.is_(None))))):
        call = responses.call_of(session, project)
        if call is None or call.is_open(now):
            continue
        for lot in call.lots:
            found = opening_of(session, call, lot.get("number", ""))
            link = url_for("opening.hall", project_id=project.id, lot=lot.get("number", ""))
            title = _("%(name)s 第%(lot)s包", name=project.name, lot=lot.get("number", ""))
            if found is None:
                if _has_responses(session, call, lot.get("number", "")):
                    yield TodoItem(_("待开标"), title, link, call.deadline - BEIJING)
            elif found.record_id is None and found.window_ends_at <= utcnow():
                yield TodoItem(_("待生成开标记录表"), title, link, found.window_ends_at)
            elif any(c.objection and not c.answer
                     for c in confirmations(session, found).values()):
                yield TodoItem(_("待答复异议"), title, link, found.closed_at or found.opened_at)


def _has_responses(session: Session, call: Call, lot_number: str) -> bool:
    """A lot someone responded to (calls seeded or run before responses existed are not
    waiting for an opening)."""
    return session.scalar(select(Response.id).where(
        Response.solicitation_id == call.solicitation.id, Response.lot_number == lot_number,
        Response.status == ResponseStatus.submitted).limit(1)) is not None
