"""CA 自助绑定 (seed 001 §三): binding an organisation key or a personal key to an account.

The states the seed names, checked in this order once the PIN has opened the file:
expired / not yet valid / revoked / untrusted → refused; uscc (or ID number) mismatch →
refused; 数据重复 (the code belongs to several accounts) → refused; 已绑定其他角色 (the key is
bound to an account of another role or organisation) → refused; 已绑定 (this very key is
already bound here) → refused; 续期 (same holder, new certificate number) → the new one
replaces the old; 未绑定 → bound. One key binds one account; one account holds one org key.
"""

from __future__ import annotations

import enum
import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import seals
from portal import authority
from portal.domain import audit
from portal.domain.errors import Forbidden, InvalidInput
from portal.models import (
    AuditEvent,
    Credential,
    CredentialStatus,
    HolderType,
    Organisation,
    Position,
    User,
    beijing,
    utcnow,
)


class BindingState(enum.StrEnum):
    unbound = "unbound"  # 未绑定
    renewal = "renewal"  # 续期
    bound = "bound"  # 已绑定
    duplicate = "duplicate"  # 数据重复
    other_role = "other_role"  # 已绑定其他角色


STATE_LABELS = {
    BindingState.unbound: _l("未绑定"),
    BindingState.renewal: _l("续期"),
    BindingState.bound: _l("已绑定"),
    BindingState.duplicate: _l("数据重复"),
    BindingState.other_role: _l("已绑定其他角色"),
}


class BindingRefused(InvalidInput):
    def __init__(self, message: str, state: BindingState | None = None) -> None:
        super().__init__(message)
        self.state = state


@dataclass(frozen=True)
class Binding:
    state: BindingState
    credential: Credential


def fingerprint(certificate: x509.Certificate) -> str:
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def _open(p12: bytes, pin: str) -> seals.UnlockedKey:
    try:
        key = seals.unlock(p12, pin)
        seals.check_certificate(key.certificate, chain=key.chain or authority.chain(),
                                trust_roots=authority.trust_roots(), crls=authority.crls())
    except seals.SealsError as refusal:
        raise BindingRefused(str(refusal)) from None
    return key


def bind(db: Session, actor: User, holder: HolderType, p12: bytes, pin: str,
         id_number: str | None = None) -> Binding:
    """Bind the key in ``p12`` to the actor's organisation (org key) or to the actor (personal
    key, after they typed their ID number); refuse with the seed's reasons."""
    if holder is HolderType.org and Position.clerk not in actor.positions:
        raise Forbidden(_("只有本单位经办岗可以绑定单位 CA 证书。"))
    key = _open(p12, pin)
    identity = seals.identity_of(key.certificate)
    if holder is HolderType.org:
        code, expected = identity.uscc, actor.org.uscc
        if code != expected:
            raise BindingRefused(_("证书中的统一社会信用代码（%(c)s）与本单位（%(e)s）不一致。",
                                   c=code or "无", e=expected))
        owners = db.scalar(select(func.count()).select_from(Organisation)
                           .where(Organisation.uscc == code))
        if owners and owners > 1:
            raise BindingRefused(_("数据重复：该统一社会信用代码对应多个账号，请联系管理员。"),
                                 BindingState.duplicate)
    else:
        typed = (id_number or "").strip().upper()
        try:
            typed = seals.validate_id_number(typed)
        except seals.InvalidCode as exc:
            raise BindingRefused(str(exc)) from None
        code = identity.id_number
        if code != typed or (actor.id_number and actor.id_number != typed):
            raise BindingRefused(_("证书中的身份证号码与填写的（或账号登记的）身份证号码不一致。"))
    print_ = fingerprint(key.certificate)
    existing = db.scalar(select(Credential).where(Credential.key_fingerprint == print_))
    if existing is not None:
        same_account = existing.org_id == actor.org_id and (
            holder is HolderType.org or existing.user_id == actor.id)
        if not same_account:
            raise BindingRefused(_("已绑定其他角色：该证书已绑定到其他单位或账号，不能重复绑定。"),
                                 BindingState.other_role)
        raise BindingRefused(_("已绑定：该证书已绑定到本账号，无需重复绑定。"), BindingState.bound)
    current = _active(db, actor, holder)
    state = BindingState.unbound
    # A unit key for a uscc the organisation no longer has (its registration was corrected)
    # gives way to one for the registered uscc, as a renewal does.
    stale = (current is not None and holder is HolderType.org
             and current.subject_code != actor.org.uscc)
    if current is not None:
        if current.subject_code != code and not stale:
            raise BindingRefused(_("已绑定其他证书持有人的证书，不能绑定。"), BindingState.bound)
        current.status, state = CredentialStatus.replaced, BindingState.renewal
    certificate = key.certificate
    credential = Credential(
        holder_type=holder, org_id=actor.org_id,
        user_id=actor.id if holder is HolderType.person else None,
        subject_name=identity.org_name or identity.common_name, subject_code=code or "",
        serial_hex=identity.serial_hex, key_fingerprint=print_,
        not_before=identity.not_before.replace(tzinfo=None),
        not_after=identity.not_after.replace(tzinfo=None),
        certificate_der=certificate.public_bytes(serialization.Encoding.DER),
        p12_encrypted=_rewrapped(p12, pin), bound_by_id=actor.id,
    )
    if holder is HolderType.person and not actor.id_number:
        actor.id_number = code
    db.add(credential)
    db.flush()
    audit.record(db, actor=actor, action="credential.bound", subject_type="credential",
                 subject_id=credential.id, before=current.id if current else None,
                 after=state.value,
                 detail={"holder": holder.value, "serial": credential.serial_hex})
    db.commit()
    return Binding(state, credential)


def _active(db: Session, actor: User, holder: HolderType) -> Credential | None:
    query = select(Credential).where(Credential.status == CredentialStatus.active,
                                     Credential.holder_type == holder,
                                     Credential.org_id == actor.org_id)
    if holder is HolderType.person:
        query = query.where(Credential.user_id == actor.id)
    return db.scalar(query)


def active_credentials(db: Session, actor: User) -> list[Credential]:
    found = [_active(db, actor, HolderType.org), _active(db, actor, HolderType.person)]
    return [c for c in found if c is not None]


def org_key(db: Session, org_id: int) -> Credential | None:
    return db.scalar(select(Credential).where(
        Credential.status == CredentialStatus.active, Credential.holder_type == HolderType.org,
        Credential.org_id == org_id))


def _rewrapped(p12: bytes, pin: str) -> bytes:
    """The file as stored: re-encrypted under the same PIN at our key-derivation cost, so a
    copy taken from the database resists offline guessing whatever the issuer chose."""
    try:
        return seals.rewrap_p12(p12, pin, int(current_app.config["PKCS12_KDF_ROUNDS"]))
    except seals.SealsError as refusal:
        raise BindingRefused(str(refusal)) from None


# PIN attempts (证书密码): a lock after too many wrong ones, every failure in the audit trail.

PIN_ACTIONS = ("credential.pin_failed", "credential.pin_locked", "credential.pin_refused")


class PinLocked(InvalidInput):
    pass


def _lock_message(until: object, minutes: int) -> str:
    return _("证书已锁定：证书密码连续输错次数过多，请 %(minutes)s 分钟后再试（%(until)s 解锁）。",
             minutes=minutes, until=until)


def minutes_left(credential: Credential) -> int:
    """Whole minutes (rounded up) until the credential's PIN lock ends; 0 when not locked."""
    until = credential.pin_locked_until
    if until is None:
        return 0
    seconds = (until - utcnow()).total_seconds()
    return math.ceil(seconds / 60) if seconds > 0 else 0


def check_pin_unlocked(db: Session, actor: User, credential: Credential,
                       detail: dict[str, object]) -> None:
    """Refuse, and audit the attempt, while the credential is locked."""
    left = minutes_left(credential)
    if not left:
        return
    audit.record(db, actor=actor, action="credential.pin_refused", subject_type="credential",
                 subject_id=credential.id, detail={**detail, "minutes_left": left})
    db.commit()
    raise PinLocked(_lock_message(_beijing(credential), left))


def record_wrong_pin(db: Session, actor: User, credential: Credential,
                     detail: dict[str, object]) -> str:
    """Count a wrong PIN (audited, committed); lock after the configured number in a row.
    Returns what to tell the user."""
    config = current_app.config
    credential.pin_failures += 1
    audit.record(db, actor=actor, action="credential.pin_failed", subject_type="credential",
                 subject_id=credential.id,
                 detail={**detail, "failures": credential.pin_failures})
    remaining = int(config["PIN_MAX_FAILURES"]) - credential.pin_failures
    if remaining > 0:
        db.commit()
        return _("证书密码错误，还可尝试 %(n)s 次，之后证书将被锁定。", n=remaining)
    minutes = min(int(config["PIN_LOCK_MINUTES"]) * 2 ** credential.pin_lockouts,
                  int(config["PIN_LOCK_MAX_MINUTES"]))
    credential.pin_lockouts += 1
    credential.pin_failures = 0
    credential.pin_locked_until = utcnow() + timedelta(minutes=minutes)
    audit.record(db, actor=actor, action="credential.pin_locked", subject_type="credential",
                 subject_id=credential.id,
                 detail={**detail, "minutes": minutes, "lockouts": credential.pin_lockouts})
    db.commit()
    return _lock_message(_beijing(credential), minutes)


def record_right_pin(credential: Credential, pin: str) -> None:
    """The right PIN clears the count and the lock history, and brings a file bound before
    the current key-derivation cost up to it (the caller commits)."""
    credential.pin_failures, credential.pin_lockouts = 0, 0
    credential.pin_locked_until = None
    if seals.kdf_rounds_of(credential.p12_encrypted) < int(
            current_app.config["PKCS12_KDF_ROUNDS"]):
        credential.p12_encrypted = _rewrapped(credential.p12_encrypted, pin)


def _beijing(credential: Credential) -> str:
    until = credential.pin_locked_until
    return beijing(until).strftime("%Y-%m-%d %H:%M") if until else ""


@dataclass(frozen=True)
class PinAttempt:
    event: AuditEvent
    by: str  # the display name of who typed the PIN


def pin_attempts(db: Session, credential: Credential, limit: int = 20) -> list[PinAttempt]:
    """The credential's latest refused PIN attempts and locks, newest first, for its owner."""
    rows = db.execute(
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_user_id)
        .where(AuditEvent.subject_type == "credential",
               AuditEvent.subject_id == str(credential.id),
               AuditEvent.action.in_(PIN_ACTIONS))
        .order_by(AuditEvent.seq.desc()).limit(limit))
    return [PinAttempt(event, name or "-") for event, name in rows]
