"""Sealing a document: the parties its kind declares seal in order, each a PAdES signature.

For each party: ``start`` (placement chosen) → a job prepares the signature → ``sign_with_pin``
(the request carrying the PIN unlocks the key and signs the digest; nothing else ever sees the
key or the PIN) → a job embeds signature and timestamp → ``confirm`` (提交) or ``withdraw``
(撤章, only before confirming). The first seal certifies the document and reserves a field at
the kind's seal anchor for every later party, so later seals are allowed and any other change
invalidates it. When the last party confirms, the document is sealed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

import seals
from portal import authority, dispatch, durable
from portal.domain import audit, credentials, lifecycle
from portal.domain.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    Credential,
    Decision,
    Document,
    DocumentStatus,
    HolderType,
    Position,
    Revision,
    Seal,
    SealStatus,
    User,
    utcnow,
)
from portal.models.seal import live_seals

IN_PROGRESS = {SealStatus.preparing, SealStatus.awaiting_key, SealStatus.finishing,
               SealStatus.applied}
SEAL_TYPES = {"contract": "合同专用章", "framework_agreement": "合同专用章"}


def confirmed_seals(db: Session, revision: Revision) -> list[Seal]:
    """The seals submitted (提交) on ``revision``, in sealing order."""
    return [s for s in live_seals(db, revision.id) if s.status is SealStatus.confirmed]


def field_name(position: int, role: str) -> str:
    return f"seal-{position + 1}-{role}"


def next_position(db: Session, doc: Document) -> int | None:
    revision = doc.current_revision
    sealers = lifecycle.sealers(doc)
    if doc.status is not DocumentStatus.approved or revision is None:
        return None
    confirmed = confirmed_seals(db, revision)
    return len(confirmed) if len(confirmed) < len(sealers) else None


def in_progress(db: Session, doc: Document) -> Seal | None:
    revision = doc.current_revision
    if revision is None:
        return None
    return next((s for s in live_seals(db, revision.id) if s.status in IN_PROGRESS), None)


def current_pdf(db: Session, revision: Revision) -> str | None:
    """SHA-256 of the latest bytes: the last applied or confirmed seal's, else the rendering."""
    done = [s for s in live_seals(db, revision.id)
            if s.status in (SealStatus.applied, SealStatus.confirmed)]
    return done[-1].output_sha256 if done else revision.pdf_sha256


def may_seal(db: Session, user: User, doc: Document) -> bool:
    position = next_position(db, doc)
    if position is None or in_progress(db, doc) is not None or lifecycle.retired(db, doc):
        return False
    return lifecycle.may_seal_at(user, doc, position)


def _credential_for(db: Session, actor: User, role: str) -> Credential:
    holder = HolderType.person if role == "expert" else HolderType.org
    found = next((c for c in credentials.active_credentials(db, actor)
                  if c.holder_type is holder), None)
    if found is None:
        raise InvalidInput(_("尚未绑定%(what)s CA 证书，请先在“CA 证书”页面绑定。",
                             what=_("个人") if holder is HolderType.person else _("单位")))
    return found


def start(db: Session, actor: User, doc: Document, version: int | None, page: int,
          x: float | None, y: float | None) -> Seal:
    lifecycle.check_version(doc, version)
    revision = doc.current_revision
    if doc.status is not DocumentStatus.approved or revision is None:
        raise TransitionNotAllowed(_("只有审核通过的文书才能盖章。"))
    why = lifecycle.retired(db, doc)
    if why:
        raise TransitionNotAllowed(why)
    if revision.pdf_sha256 is None:
        raise TransitionNotAllowed(_("PDF 尚未生成完成，请稍后再盖章。"))
    if in_progress(db, doc) is not None:
        raise TransitionNotAllowed(_("上一个签章尚未完成（提交或撤章）后才能继续盖章。"))
    position = next_position(db, doc)
    if position is None:
        raise TransitionNotAllowed(_("该文书的签章均已完成。"))
    sealers = lifecycle.sealers(doc)
    role, nth = lifecycle.sealer_at(doc, position)
    if role == lifecycle.PERSONAL_ROLE and not lifecycle.may_seal_at(actor, doc, position):
        if actor.id in lifecycle.personal_sealers(doc):
            raise Forbidden(_("尚未轮到您签章：评审专家按评审小组名单顺序依次签章。"))
        raise Forbidden(_("只有评审小组的专家本人可以在此签章。"))
    if role != lifecycle.PERSONAL_ROLE and not lifecycle.may_seal_at(actor, doc, position):
        later = [r for r in sealers[position + 1:] if doc.party_org_id(r) == actor.org_id]
        if later and Position.clerk in actor.positions:
            raise Forbidden(_("尚未轮到本单位盖章：须先由%(role)s盖章。",
                              role=_(lifecycle.ROLE_NAMES[role])))
        raise Forbidden(_("只有%(role)s的经办岗可以在此盖章。",
                          role=_(lifecycle.ROLE_NAMES[role])))
    credential = _credential_for(db, actor, role)
    _require_named_party(doc, role, actor, credential)
    if (position > 0 and reserves_fields(revision)) or x is None or y is None:
        page, x, y = _anchor(revision, role, nth)  # reserved by the first seal, or the default
    approval = next((d for d in reversed(revision.decisions)
                     if d.decision is Decision.approved), None)
    seal = Seal(revision_id=revision.id, position=position, role=role, org_id=actor.org_id,
                sealer_id=actor.id, credential_id=credential.id,
                decision_id=approval.id if approval else None,
                field_name=field_name(position, role), page=page, x=x, y=y,
                input_sha256=current_pdf(db, revision))
    durable.request_seal_step(seal)
    db.add(seal)
    db.flush()
    _audit(db, actor, seal, "seal.started", None)
    db.commit()
    dispatch.after_commit("seal", seal.id, SealStatus.preparing)
    return seal


def expected_party(doc: Document, role: str) -> tuple[str, str] | None:
    """(name, uscc) of the party the document names for ``role``: its block in the current
    revision, the uscc falling back to the registered one of the organisation acting in the
    role where the block has none (an announcement's contact block). None for a personal
    seal or a kind with no block for the role."""
    named = lifecycle.named_party(doc, role)
    if named is None or role == "expert":
        return None
    name, uscc = named
    if uscc is None:
        party = next((p for p in doc.parties if p.role == role), None)
        if party is None:
            return None
        uscc = party.org.uscc
    return name, uscc


def seal_reason(seal: Seal) -> str:
    """The ``/Reason`` written into the seal: the party it is made for (see seals.party)."""
    doc = seal.revision.document
    expected = expected_party(doc, seal.role)
    if seal.role == lifecycle.PERSONAL_ROLE:
        return f"评审专家 {seal.sealer.display_name} 签章"
    if expected is None:
        return f"{seal.org.name} 盖章"
    name, uscc = expected
    return seals.party_reason(seals.NamedParty(lifecycle.ROLE_NAMES[seal.role], name, uscc))


def _require_named_party(doc: Document, role: str, actor: User, credential: Credential) -> None:
    """The organisation sealing, and the certificate it seals with, are the party the
    document names for the role: the same 统一社会信用代码 (and a unit key, not a person's)."""
    expected = expected_party(doc, role)
    if expected is None:
        return
    name, uscc = expected
    role_name = _(lifecycle.ROLE_NAMES[role])
    if actor.org.uscc != uscc:
        raise Forbidden(_("文书所列%(role)s为“%(name)s”（统一社会信用代码 %(uscc)s），"
                          "本单位不是该当事人，不能盖章。", role=role_name, name=name, uscc=uscc))
    certified = credential.subject_code if credential.holder_type is HolderType.org else None
    if certified != uscc:
        raise InvalidInput(_("证书的统一社会信用代码（%(cert)s）与文书所列%(role)s“%(name)s”的"
                             "统一社会信用代码（%(uscc)s）不一致，不能盖章。请使用该单位的单位证书。",
                             cert=certified or "—", role=role_name, name=name, uscc=uscc))


def _anchor_key(revision: Revision, role: str, nth: int = 1) -> str | None:
    """The anchor the ``nth`` sealer in ``role`` seals at: its own, else that of a role sharing
    its party block (a purchaser sealing a 委托代理协议 as 委托方 seals where a collector
    would). The experts of a panel seal at ``expert-1``, ``expert-2``, … in the panel's order."""
    anchors = revision.anchors or {}
    kind = lifecycle.kind_of(revision.document)
    block = kind.block_of(role)
    sharing = [r for r, b in kind.party_blocks if b == block and block is not None]
    for candidate in (role, *sharing):
        for key in ((candidate, f"{candidate}-1") if nth == 1 else (f"{candidate}-{nth}",)):
            if key in anchors:
                return key
    return None


def reserved_place(revision: Revision, position: int) -> tuple[int, float, float]:
    """Lower-left corner of the place reserved for the seal at ``position`` (page, x, y)."""
    return _anchor(revision, *lifecycle.sealer_at(revision.document, position))


def _anchor(revision: Revision, role: str, nth: int = 1) -> tuple[int, float, float]:
    """Lower-left corner of a seal centred on the kind's anchor for ``role``."""
    anchors = revision.anchors or {}
    key = _anchor_key(revision, role, nth)
    point = anchors.get(key) if key else None
    if point is None:
        raise InvalidInput(_("请先点击页面图像选择盖章位置。"))
    half = seals.placement.OFFICIAL_SEAL_MM * seals.placement.MM / 2
    return int(point[0]), float(point[1]) - half, float(point[2]) - half


def reserves_fields(revision: Revision) -> bool:
    """Whether the first seal certifies and reserves the later parties' places: only when the
    rendering carries an anchor for each of them. An uploaded PDF has none, so every party
    places its own seal and no seal certifies (pyHanko would count a new field added after
    certification as a forbidden change)."""
    doc = revision.document
    return all(_anchor_key(revision, *lifecycle.sealer_at(doc, position)) is not None
               for position in range(1, len(lifecycle.sealers(doc))))


def reserved_slots(db: Session, seal: Seal) -> tuple[seals.FieldSlot, ...]:
    """Fields for every later party, created with the first (certifying) seal."""
    if seal.position != 0 or not reserves_fields(seal.revision):
        return ()
    revision = seal.revision
    sealers = lifecycle.sealers(revision.document)
    slots = []
    for position, role in enumerate(sealers[1:], start=1):
        page, x, y = _anchor(revision, *lifecycle.sealer_at(revision.document, position))
        slots.append(seals.FieldSlot(field_name(position, role), page, x, y))
    return tuple(slots)


def _require_sealer_org(actor: User, seal: Seal) -> None:
    if seal.role == lifecycle.PERSONAL_ROLE:  # a personal seal: the person alone
        if actor.id != seal.sealer_id:
            raise Forbidden(_("只有签章的专家本人可以办理此项。"))
    elif actor.org_id != seal.org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有盖章单位的经办岗可以办理此项。"))


def sign_with_pin(db: Session, actor: User, seal: Seal, pin: str) -> None:
    """The only step that touches the private key: the PIN opens it here, in this request."""
    _require_sealer_org(actor, seal)
    if seal.status is not SealStatus.awaiting_key or seal.prepared is None:
        raise TransitionNotAllowed(_("当前不需要输入证书密码。"))
    credential = seal.credential
    db.refresh(credential, with_for_update=True)  # one PIN attempt at a time per credential
    attempt: dict[str, object] = {"seal": seal.id}
    credentials.check_pin_unlocked(db, actor, credential, attempt)
    try:
        key = seals.unlock(credential.p12_encrypted, pin)
    except seals.WrongPin:
        raise InvalidInput(credentials.record_wrong_pin(db, actor, credential, attempt)) from None
    except seals.SealsError as refusal:
        raise InvalidInput(str(refusal)) from None
    credentials.record_right_pin(credential, pin)
    try:
        seals.check_certificate(key.certificate, chain=key.chain or authority.chain(),
                                trust_roots=authority.trust_roots(), crls=authority.crls())
        prepared = seals.PreparedSeal.from_dict(seal.prepared)
        signature = seals.sign_digest(key, prepared)
    except seals.SealsError as refusal:
        raise InvalidInput(str(refusal)) from None
    seal.signature, seal.status, seal.sealer_id = signature, SealStatus.finishing, actor.id
    durable.request_seal_step(seal)
    _audit(db, actor, seal, "seal.key_used", SealStatus.awaiting_key.value,
           {"credential": credential.serial_hex})
    db.commit()
    dispatch.after_commit("seal", seal.id, SealStatus.finishing)


def confirm(db: Session, actor: User, seal: Seal) -> None:
    """提交: the seal stands; 撤章 is no longer possible. The last one seals the document."""
    _require_sealer_org(actor, seal)
    if seal.status is not SealStatus.applied:
        raise TransitionNotAllowed(_("只有已盖章、尚未提交的签章可以提交。"))
    doc = seal.revision.document
    last = seal.position + 1 == len(lifecycle.sealers(doc))
    seal.status, seal.confirmed_at = SealStatus.confirmed, utcnow()
    before = doc.status.value
    lifecycle.move(doc, "seal", DocumentStatus.sealed if last else DocumentStatus.approved)
    _audit(db, actor, seal, "seal.confirmed", SealStatus.applied.value,
           {"document_status": f"{before}->{doc.status.value}"})
    db.commit()


def abandon_after(seal: Seal) -> datetime | None:
    """When a seal stuck in a job step may be abandoned (放弃) by its owner; None if not in
    a job step."""
    if seal.status not in durable.SEAL_STEPS:
        return None
    seconds = current_app.config["SEAL_ABANDON_SECONDS"]
    return (seal.step_requested_at or seal.created_at) + timedelta(seconds=seconds)


def may_abandon(seal: Seal, now: datetime | None = None) -> bool:
    after = abandon_after(seal)
    return after is not None and (now or utcnow()) >= after


def withdraw(db: Session, actor: User, seal: Seal, now: datetime | None = None) -> None:
    """撤章 before the seal is submitted (the document goes back to the bytes before it), or
    放弃 a seal whose preparing or finishing has not ended within the timeout."""
    _require_sealer_org(actor, seal)
    if seal.status in durable.SEAL_STEPS and not may_abandon(seal, now):
        raise TransitionNotAllowed(_("签章正在处理中，请稍候；%(minutes)s 分钟后仍未完成可以放弃。",
                                     minutes=max(1, current_app.config["SEAL_ABANDON_SECONDS"]
                                                 // 60)))
    if seal.status is SealStatus.confirmed:
        raise TransitionNotAllowed(_("签章已提交，不能撤章。"))
    if seal.status is SealStatus.withdrawn:
        raise TransitionNotAllowed(_("该签章已撤销。"))
    before = seal.status
    # conditional: a job that moves the seal on at the same moment makes this a conflict
    moved = durable.updated(db, update(Seal).where(Seal.id == seal.id, Seal.status == before)
                            .values(status=SealStatus.withdrawn, job_worker=None))
    if not moved:
        db.rollback()
        raise Conflict(_("签章状态刚刚发生变化，请刷新页面后再操作。"))
    db.refresh(seal)
    _audit(db, actor, seal, "seal.withdrawn", before.value)
    db.commit()


def shown_seal(db: Session, doc: Document) -> Seal | None:
    """The seal the stamping page shows: the one under way, else the current revision's
    latest seal if it failed (its reason and 重新盖章 / 放弃 stay in view)."""
    found = in_progress(db, doc)
    revision = doc.current_revision
    if found is not None or revision is None:
        return found
    latest = db.scalars(select(Seal).where(Seal.revision_id == revision.id)
                        .order_by(Seal.id.desc()).limit(1)).first()
    return latest if latest is not None and latest.status is SealStatus.failed else None


def retry(db: Session, actor: User, seal: Seal) -> None:
    """重新盖章 after the last automatic retry failed: run the failed step again (the signed
    digest is kept, so no PIN is needed to finish)."""
    _require_sealer_org(actor, seal)
    doc = seal.revision.document
    if seal.status is not SealStatus.failed:
        raise TransitionNotAllowed(_("只有失败的签章可以重新盖章。"))
    if (doc.current_revision is not seal.revision or in_progress(db, doc) is not None
            or next_position(db, doc) != seal.position
            or current_pdf(db, seal.revision) != seal.input_sha256):
        raise TransitionNotAllowed(_("文书已有新的签章或版本，请放弃该签章后重新盖章。"))
    step = SealStatus.finishing if seal.signature and seal.prepared else SealStatus.preparing
    if step is SealStatus.preparing:
        seal.prepared = seal.signature = None
    seal.status = step
    durable.request_seal_step(seal)
    _audit(db, actor, seal, "seal.retried", SealStatus.failed.value)
    db.commit()
    dispatch.after_commit("seal", seal.id, step)


def _audit(db: Session, actor: User | None, seal: Seal, action: str, before: object,
           detail: dict[str, object] | None = None) -> None:
    audit.record(db, actor=actor, action=action, subject_type="seal", subject_id=seal.id,
                 before=before, after=seal.status.value,
                 detail={"revision": seal.revision_id, "role": seal.role, **(detail or {})})
