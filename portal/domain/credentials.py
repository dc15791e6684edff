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
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import seals
from portal import authority
from portal.domain import audit
from portal.domain.errors import Forbidden, InvalidInput
from portal.models import (
    Credential,
    CredentialStatus,
    HolderType,
    Organisation,
    Position,
    User,
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
        p12_encrypted=p12, bound_by_id=actor.id,
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
