"""开标大厅 (seed 000 §一 12, §二 6; seed 003): a lot opened at the submission deadline, each
supplier decrypting its own response with its PIN inside the window (≥ 30 minutes), the
window closing once — undecrypted responses recorded as 未在解密时限内解密 and excluded — and
the 开标记录表 generated from the decrypted quotes (:mod:`portal.domain.opening_record`).

The interface the evaluation uses: :class:`OpenedResponse` and :func:`opened_responses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import durable, storage
from portal.domain import audit, responses
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.domain.responses import Call
from portal.models import (
    LotOpening,
    Organisation,
    OrgKind,
    Participation,
    Position,
    Project,
    Response,
    ResponseStatus,
    User,
    utcnow,
)
from seals.envelope import EnvelopeError
from seals.keystore import open_envelope

MIN_WINDOW_MINUTES = 30
MAX_WINDOW_MINUTES = 600
RECORD = "opening_record"


@dataclass(frozen=True)
class OpenedResponse:
    response_id: int
    supplier_org_id: int
    supplier_name: str
    supplier_uscc: str
    lot_number: str
    brand: str
    model: str
    parameters: str
    unit_price: Decimal
    delivery: str
    submitted_at: datetime
    decrypted: bool
    product_id: int | None = None  # the stocked product chosen


def opener_org(project: Project) -> Organisation:
    """The agency of an entrusted project, else the collector running it itself."""
    return project.agency or project.collector


def may_open(user: User, project: Project) -> bool:
    return user.org_id == opener_org(project).id and Position.clerk in user.positions


def require_opener(actor: User, project: Project) -> None:
    if not may_open(actor, project):
        raise Forbidden(_("只有本项目代理机构（或自行组织的征集人）的经办岗可以主持开标。"))


def may_attend(session: Session, user: User, project: Project) -> bool:
    """Who sees the hall: the opener, the collector, and suppliers that joined."""
    if user.org_id in (project.collector_org_id, opener_org(project).id):
        return True
    return user.role is OrgKind.supplier and session.scalar(select(Participation.id).where(
        Participation.project_id == project.id,
        Participation.supplier_org_id == user.org_id)) is not None


def require_call(session: Session, project: Project) -> Call:
    call = responses.call_of(session, project)
    if call is None:
        raise NotFound(_("本轮征集文件尚未发布。"))
    return call


def opening_of(session: Session, call: Call, lot_number: str) -> LotOpening | None:
    return session.scalar(select(LotOpening).where(
        LotOpening.solicitation_id == call.solicitation.id, LotOpening.lot_number == lot_number))


def submitted(session: Session, opening: LotOpening) -> list[Response]:
    return list(session.scalars(select(Response).where(
        Response.solicitation_id == opening.solicitation_id,
        Response.lot_number == opening.lot_number,
        Response.status == ResponseStatus.submitted).order_by(Response.submitted_at)))


def open_lot(session: Session, actor: User, project: Project, lot_number: str, minutes: int,
             now: datetime) -> LotOpening:
    """开标: at or after the submission deadline, with a decryption window of ≥ 30 minutes."""
    require_opener(actor, project)
    call = require_call(session, project)
    call.lot(lot_number)
    if now < call.deadline:
        raise TransitionNotAllowed(_("响应文件提交截止时间（%(d)s）未到，不能开标。",
                                     d=call.deadline.strftime("%Y-%m-%d %H:%M")))
    if minutes < MIN_WINDOW_MINUTES or minutes > MAX_WINDOW_MINUTES:
        raise InvalidInput(_("解密时限应为 %(min)s 至 %(max)s 分钟（填写的是 %(n)s 分钟）。",
                             min=MIN_WINDOW_MINUTES, max=MAX_WINDOW_MINUTES, n=minutes))
    if opening_of(session, call, lot_number) is not None:
        raise TransitionNotAllowed(_("该包已开标。"))
    started = utcnow()
    opening = LotOpening(project_id=project.id, solicitation_id=call.solicitation.id,
                         lot_number=lot_number, opened_by_id=actor.id, opened_at=started,
                         window_minutes=minutes,
                         window_ends_at=started + timedelta(minutes=minutes))
    session.add(opening)
    try:
        session.flush()
    except IntegrityError:  # a colleague opened it at the same moment
        session.rollback()
        raise TransitionNotAllowed(_("该包已开标。")) from None
    audit.record(session, actor=actor, action="opening.opened", subject_type="lot_opening",
                 subject_id=opening.id, after=minutes,
                 detail={"project": project.id, "lot": lot_number})
    session.commit()
    return opening


def close_if_due(session: Session, opening: LotOpening, now: datetime | None = None) -> bool:
    """At the window's end: exclude what was not decrypted. Exactly once, whoever asks first
    (a page request or the scheduler): the conditional update claims the close."""
    moment = now or utcnow()
    if opening.closed_at is not None or moment < opening.window_ends_at:
        return False
    claimed = durable.updated(session, update(LotOpening).where(
        LotOpening.id == opening.id, LotOpening.closed_at.is_(None)).values(closed_at=moment))
    if not claimed:  # closed by another request or the scheduler meanwhile
        session.refresh(opening)
        return False
    excluded = [r for r in submitted(session, opening) if r.decrypted_at is None]
    for response in excluded:
        response.excluded_at = moment
    audit.record(session, actor=None, action="opening.closed", subject_type="lot_opening",
                 subject_id=opening.id,
                 detail={"excluded": [r.id for r in excluded],
                         "decrypted": [r.id for r in submitted(session, opening)
                                       if r.decrypted_at is not None]})
    session.commit()
    session.refresh(opening)
    return True


def close_due(session: Session, now: datetime | None = None) -> int:
    """The scheduler's sweep: close every opening whose window has ended."""
    moment = now or utcnow()
    due = session.scalars(select(LotOpening).where(
        LotOpening.closed_at.is_(None), LotOpening.window_ends_at <= moment)).all()
    return sum(close_if_due(session, opening, moment) for opening in due)


def decrypt(session: Session, actor: User, opening: LotOpening, pin: str) -> Response:
    """解密: the supplier's PIN opens its own response, inside the window only."""
    if actor.role is not OrgKind.supplier or Position.clerk not in actor.positions:
        raise Forbidden(_("只有供应商的经办岗可以解密本单位的响应文件。"))
    response = next((r for r in submitted(session, opening)
                     if r.supplier_org_id == actor.org_id), None)
    if response is None:
        raise NotFound(_("本单位未在该包提交响应文件。"))
    if close_if_due(session, opening) or opening.closed_at is not None:
        raise TransitionNotAllowed(_("解密时限已过，未解密的响应文件按未在解密时限内解密处理。"))
    if response.decrypted_at is not None:
        raise TransitionNotAllowed(_("本单位的响应文件已解密。"))
    assert response.envelope_sha256 is not None
    key, _credential = responses._unlock(  # noqa: SLF001 - one PIN path for both modules
        session, actor, {"response": response.id, "step": "decrypt"}, pin)
    try:
        manifest, _files = responses.unbundle(open_envelope(
            storage.read(response.envelope_sha256, responses.ENVELOPE), key))
    except EnvelopeError as refusal:
        raise InvalidInput(str(refusal)) from None
    # Only while the window is still open and nobody closed it meanwhile: the close and this
    # decryption may race; whichever writes first decides, never both.
    moment = utcnow()
    recorded = moment < opening.window_ends_at and durable.updated(session, update(Response).where(
        Response.id == response.id, Response.excluded_at.is_(None),
        Response.decrypted_at.is_(None)).values(opened=dict(manifest["answers"]),
                                                decrypted_at=moment))
    if not recorded:
        session.commit()  # the PIN attempt's bookkeeping stands
        raise TransitionNotAllowed(_("解密时限已过，未解密的响应文件按未在解密时限内解密处理。"))
    audit.record(session, actor=actor, action="response.decrypted", subject_type="response",
                 subject_id=response.id, detail={"opening": opening.id})
    session.commit()
    session.refresh(response)
    return response


@dataclass(frozen=True)
class Progress:
    opening: LotOpening
    rows: list[Response]
    seconds_left: int

    @property
    def decrypted(self) -> int:
        return sum(1 for r in self.rows if r.decrypted_at is not None)


def progress(session: Session, opening: LotOpening) -> Progress:
    close_if_due(session, opening)
    left = 0 if opening.closed_at else max(
        0, int((opening.window_ends_at - utcnow()).total_seconds()))
    return Progress(opening, submitted(session, opening), left)


def opened_responses(session: Session, project: Project, lot_number: str) -> list[OpenedResponse]:
    """The lot's submitted responses once the window closed ([] before): decrypted ones with
    their quotes, excluded ones with ``decrypted=False``, empty answers and a zero price.
    A window that has ended but was not closed yet is closed first (that commits)."""
    call = responses.call_of(session, project)
    opening = opening_of(session, call, lot_number) if call else None
    if opening is None:
        return []
    close_if_due(session, opening)
    if opening.closed_at is None:
        return []
    found = []
    for r in submitted(session, opening):
        answers = r.opened or {}
        found.append(OpenedResponse(
            response_id=r.id, supplier_org_id=r.supplier_org_id, supplier_name=r.supplier.name,
            supplier_uscc=r.supplier.uscc, lot_number=r.lot_number,
            brand=answers.get("brand", ""), model=answers.get("model", ""),
            parameters=answers.get("parameters", ""),
            unit_price=Decimal(answers.get("unit_price") or "0"),
            delivery=_delivery(answers), submitted_at=r.submitted_at or r.created_at,
            decrypted=r.decrypted_at is not None,
            product_id=int(answers["product_id"]) if str(answers.get("product_id", "")).isdigit()
            else None))
    return found


def _delivery(answers: dict[str, Any]) -> str:
    period, place = answers.get("delivery_period", ""), answers.get("delivery_place", "")
    return f"{period}；{place}" if period and place else period or place
