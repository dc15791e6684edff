"""评审签到 (seed 000 §一 13.2): a drawn expert signs in with its own account and confirms its
identity by ID number (matched to the pool) or by its personal certificate (PIN); the panel
then chooses its leader (组长), recorded with who chose and when."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm import Session

import seals
from portal.domain import audit, credentials
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import Credential, CredentialStatus, DrawSeat, HolderType, User, utcnow

METHODS = ("id_number", "certificate")


def _require_seated(actor: User, seat: DrawSeat) -> None:
    if seat.expert.user_id != actor.id:
        raise Forbidden(_("只能为本人签到。"))
    if not seat.on_panel:
        raise TransitionNotAllowed(_("您已回避或尚未被递补，不能签到。"))


def _personal_credential(session: Session, actor: User) -> Credential | None:
    return next((c for c in credentials.active_credentials(session, actor)
                 if c.holder_type is HolderType.person
                 and c.status is CredentialStatus.active), None)


def check_in(session: Session, actor: User, seat: DrawSeat, method: str, id_number: str = "",
             pin: str = "") -> None:
    """签到 by ID number or by personal certificate; a second check-in changes nothing."""
    _require_seated(actor, seat)
    if seat.checked_in_at is not None:
        return
    if method == "id_number":
        if id_number.strip().upper() != seat.expert.id_number:
            audit.record(session, actor=actor, action="draw_seat.check_in_failed",
                         subject_type="draw_seat", subject_id=seat.id,
                         detail={"method": method})
            session.commit()
            raise InvalidInput(_("身份证号码与专家库登记的不一致。"))
    elif method == "certificate":
        _check_certificate(session, actor, seat, pin)
    else:
        raise InvalidInput(_("请选择签到方式。"))
    seat.checked_in_at, seat.check_in_method = utcnow(), method
    audit.record(session, actor=actor, action="draw_seat.checked_in", subject_type="draw_seat",
                 subject_id=seat.id, detail={"draw": seat.draw_id, "method": method})
    session.commit()


def _check_certificate(session: Session, actor: User, seat: DrawSeat, pin: str) -> None:
    credential = _personal_credential(session, actor)
    if credential is None:
        raise InvalidInput(_("您尚未绑定个人证书，请使用身份证号码签到。"))
    if credential.subject_code != seat.expert.id_number:
        raise InvalidInput(_("个人证书中的身份证号码与专家库登记的不一致。"))
    detail: dict[str, object] = {"purpose": "check_in", "seat": seat.id}
    credentials.check_pin_unlocked(session, actor, credential, detail)
    try:
        seals.unlock(credential.p12_encrypted, pin)
    except seals.SealsError:
        raise InvalidInput(credentials.record_wrong_pin(session, actor, credential, detail)
                           ) from None
    credentials.record_right_pin(credential, pin)


def choose_leader(session: Session, actor: User, own: DrawSeat, leader: DrawSeat) -> None:
    """设为组长: a checked-in panel member records the leader the panel chose, once."""
    _require_seated(actor, own)
    draw = own.draw
    if own.checked_in_at is None:
        raise TransitionNotAllowed(_("请先签到，再推选组长。"))
    if leader.draw_id != draw.id or not leader.on_panel or leader.checked_in_at is None:
        raise InvalidInput(_("组长须是本项目已签到的评审专家。"))
    if draw.leader_seat_id is not None:
        raise TransitionNotAllowed(_("组长已推选。"))
    draw.leader_seat_id, draw.leader_chosen_by_id = leader.id, actor.id
    draw.leader_chosen_at = utcnow()
    audit.record(session, actor=actor, action="expert_draw.leader_chosen",
                 subject_type="expert_draw", subject_id=draw.id, after=leader.id,
                 detail={"expert": leader.expert_id})
    session.commit()
