"""响应文件 (seed 000 §二 5): a supplier's response per lot — drafted, sealed, encrypted,
submitted with a timestamped receipt, withdrawn (撤回) and resubmitted until the deadline.

Custody, and its trade-off: while the clerk types, the draft answers and attached PDFs sit in
the database in plain text (the platform can read them, as it serves the form). At 提交 the
server renders the response as a PDF, seals it with the supplier's organisation certificate
(PIN), bundles it with the attachments, and encrypts the bundle to that certificate's public
key (:mod:`seals.envelope`); only the ciphertext is kept (a file under its SHA-256; the
database keeps the hash and the receipt) and the draft rows are wiped (SQLite overwrites
deleted rows — ``secure_delete`` — and its log is
checkpointed; PostgreSQL reclaims them at VACUUM). From then on nobody —
the platform included — can read the response without the supplier's PIN, which is asked
for again at the opening (:mod:`portal.domain.opening`) or to 撤回 (the answers come back
into the draft).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import seals
from documents.fonts import font_dir_from
from documents.pdf_render import html_to_pdf
from portal import authority, storage
from portal.domain import audit, credentials, participation, products
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    Document,
    OrgKind,
    Position,
    Project,
    ProjectStatus,
    Response,
    ResponseAttachment,
    ResponseStatus,
    User,
    utcnow,
)
from seals.envelope import EnvelopeError, certificate_sha256, seal_envelope
from seals.keystore import open_envelope
from seals.receipt import issue_token

ENVELOPE = ".kcenv"
FIELDS = ("product_id", "brand", "model", "parameters", "delivery_period", "delivery_place",
          "unit_price")
#: The answers the chosen stocked product gives (产品技术参数的响应: 选择入库产品进行响应).
FROM_PRODUCT = ("brand", "model", "parameters")
SLOTS = {"cover": "封面", "qualification": "资格证明材料", "business": "商务响应"}
REQUIRED_SLOTS = ("cover", "qualification")


@dataclass(frozen=True)
class Call:
    """The round's sealed solicitation: its lots, submission deadline and opening."""

    project: Project
    solicitation: Document
    lots: list[dict[str, Any]]
    deadline: datetime  # Beijing time, naive, as the solicitation states it
    opening_time: datetime
    opening_place: str

    def lot(self, number: str) -> dict[str, Any]:
        found = next((lot for lot in self.lots if lot.get("number") == number), None)
        if found is None:
            raise NotFound(_("征集文件中没有包号 %(n)s。", n=number))
        return found

    def is_open(self, now: datetime) -> bool:
        return now < self.deadline


def call_of(session: Session, project: Project) -> Call | None:
    if participation.opening_of(session, project) is None:
        return None
    revision = participation.sealed_solicitation(session, project)
    if revision is None:
        return None
    data = revision.data
    return Call(project, revision.document, list(data.get("lots") or []),
                datetime.fromisoformat(data["submission_deadline"]),
                datetime.fromisoformat(data["opening_time"]), data.get("opening_place", ""))


def _require_call(session: Session, project: Project) -> Call:
    call = call_of(session, project)
    if call is None or project.status is not ProjectStatus.active:
        raise TransitionNotAllowed(_("本轮征集文件尚未发布（或项目已终止），不能编制响应文件。"))
    return call


def may_respond(session: Session, user: User, project: Project) -> bool:
    return (user.role is OrgKind.supplier and Position.clerk in user.positions
            and participation.of_org(session, user.org_id, project) is not None)


def _require_clerk(session: Session, actor: User, project: Project) -> None:
    if actor.role is not OrgKind.supplier or Position.clerk not in actor.positions:
        raise Forbidden(_("只有供应商的经办岗可以编制和提交响应文件。"))
    if participation.of_org(session, actor.org_id, project) is None:
        raise Forbidden(_("请先参与项目（确认参与）后再编制响应文件。"))


def _before_deadline(call: Call, now: datetime, what: str) -> None:
    if not call.is_open(now):
        raise TransitionNotAllowed(_(
            "响应文件提交截止时间（%(deadline)s）已过，不能再%(what)s。",
            deadline=call.deadline.strftime("%Y-%m-%d %H:%M"), what=what))


def of_supplier(session: Session, org_id: int, call: Call) -> dict[str, Response]:
    rows = session.scalars(select(Response).where(
        Response.solicitation_id == call.solicitation.id, Response.supplier_org_id == org_id))
    return {row.lot_number: row for row in rows}


def find(session: Session, org_id: int, call: Call, lot_number: str) -> Response | None:
    return of_supplier(session, org_id, call).get(lot_number)


def draft_for(session: Session, actor: User, project: Project, lot_number: str) -> Response:
    """The supplier's response to the lot, started empty on first use."""
    _require_clerk(session, actor, project)
    call = _require_call(session, project)
    call.lot(lot_number)
    found = find(session, actor.org_id, call, lot_number)
    if found is not None:
        return found
    response = Response(project_id=project.id, solicitation_id=call.solicitation.id,
                        supplier_org_id=actor.org_id, lot_number=lot_number, answers={})
    session.add(response)
    try:
        session.flush()
    except IntegrityError:  # a colleague started it at the same moment
        session.rollback()
        again = find(session, actor.org_id, call, lot_number)
        if again is None:
            raise
        return again
    audit.record(session, actor=actor, action="response.started", subject_type="response",
                 subject_id=response.id, detail={"project": project.id, "lot": lot_number})
    session.commit()
    return response


def _require_draft(response: Response) -> None:
    if response.status is not ResponseStatus.draft:
        raise TransitionNotAllowed(_("响应文件已提交；如需修改，请先撤回。"))


def price_errors(call: Call, lot_number: str, unit_price: str) -> list[str]:
    lot = call.lot(lot_number)
    try:
        price = Decimal(unit_price)
    except (InvalidOperation, TypeError):
        return [_("请输入有效的单价（元）。")]
    if not price.is_finite() or price <= 0 or price.as_tuple().exponent < -2:  # type: ignore[operator]
        return [_("单价应大于 0，最多两位小数。")]
    ceiling = Decimal(str(lot.get("max_unit_price") or "0"))
    if price > ceiling:
        return [_("单价 %(price)s 元超过本包最高限制单价 %(max)s 元，不能提交。",
                  price=f"{price:.2f}", max=f"{ceiling:.2f}")]
    return []


def save_answers(session: Session, actor: User, response: Response, answers: dict[str, str],
                 now: datetime) -> None:
    """Keep the answers in the draft: the chosen stocked product (``product_id``: its brand,
    model and parameters are copied from it), delivery and the unit price."""
    call = _require_call(session, response.project)
    _require_clerk(session, actor, response.project)
    _require_draft(response)
    _before_deadline(call, now, _("编制响应文件"))
    product = products.require_stocked(session, actor.org, answers.get("product_id"),
                                       str(call.lot(response.lot_number).get("category", "")))
    errors = price_errors(call, response.lot_number, answers.get("unit_price", ""))
    if errors:
        raise InvalidInput(errors[0])
    answers = {**answers, "product_id": str(product.id), "brand": product.brand,
               "model": product.model, "parameters": product.parameters}
    response.answers = {key: str(answers.get(key, "")).strip() for key in FIELDS}
    response.answers["unit_price"] = f"{Decimal(response.answers['unit_price']):.2f}"
    session.commit()


def attach(session: Session, actor: User, response: Response, slot: str, filename: str,
           content: bytes, now: datetime) -> None:
    """Attach a checked PDF to the draft, replacing the slot's earlier file."""
    call = _require_call(session, response.project)
    _require_clerk(session, actor, response.project)
    _require_draft(response)
    _before_deadline(call, now, _("上传响应文件附件"))
    if slot not in SLOTS:
        raise InvalidInput(_("请选择附件类别。"))
    response.attachments = [a for a in response.attachments if a.slot != slot]
    response.attachments.append(ResponseAttachment(slot=slot, filename=filename[:200],
                                                   content=content))
    audit.record(session, actor=actor, action="response.attached", subject_type="response",
                 subject_id=response.id,
                 detail={"slot": slot, "sha256": hashlib.sha256(content).hexdigest()})
    session.commit()


def missing(response: Response) -> list[str]:
    """What the draft still lacks before it can be submitted."""
    answers = response.answers or {}
    gaps = [_("请选择响应产品并填写报价（交货期、交货地点、单价）。")] if not all(
        answers.get(key) for key in FIELDS) else []
    have = {a.slot for a in response.attachments}
    gaps += [_("请上传%(what)s（PDF）。", what=SLOTS[slot]) for slot in REQUIRED_SLOTS
             if slot not in have]
    return gaps


def _unlock(session: Session, actor: User, detail: dict[str, object],
            pin: str) -> tuple[seals.UnlockedKey, Any]:
    credential = credentials.org_key(session, actor.org_id)
    if credential is None:
        raise InvalidInput(_("尚未绑定单位 CA 证书，请先在“CA 证书”页面绑定。"))
    session.refresh(credential, with_for_update=True)
    credentials.check_pin_unlocked(session, actor, credential, detail)
    try:
        key = seals.unlock(credential.p12_encrypted, pin)
    except seals.WrongPin:
        raise InvalidInput(credentials.record_wrong_pin(session, actor, credential, detail)) \
            from None
    except seals.SealsError as refusal:
        raise InvalidInput(str(refusal)) from None
    credentials.record_right_pin(credential, pin)
    return key, credential


def self_test(session: Session, actor: User, response: Response, pin: str) -> None:
    """模拟解密: encrypt the draft's answers to the certificate and open them with the PIN."""
    _require_clerk(session, actor, response.project)
    _require_draft(response)
    key, credential = _unlock(session, actor, {"response": response.id, "step": "self_test"}, pin)
    probe = json.dumps(response.answers or {}, ensure_ascii=False).encode()
    try:
        opened = open_envelope(seal_envelope(probe, key.certificate), key)
    except EnvelopeError as refusal:
        raise InvalidInput(str(refusal)) from None
    if opened != probe:
        raise InvalidInput(_("模拟解密失败：解密结果与原文不一致。"))
    audit.record(session, actor=actor, action="response.self_tested", subject_type="response",
                 subject_id=response.id, detail={"credential": credential.serial_hex})
    session.commit()


def _response_pdf(response: Response, call: Call, actor: User) -> bytes:
    html = render_template("responses/response_pdf.html", response=response, call=call,
                           lot=call.lot(response.lot_number), answers=response.answers,
                           supplier=actor.org, slots=SLOTS)
    pdf, _anchors = html_to_pdf(html, font_dir_from(None))
    return pdf


def _bundle(response: Response, sealed_pdf: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        manifest = {"lot_number": response.lot_number, "answers": response.answers,
                    "attachments": [{"slot": a.slot, "filename": a.filename}
                                    for a in response.attachments]}
        bundle.writestr("answers.json", json.dumps(manifest, ensure_ascii=False))
        bundle.writestr("response.pdf", sealed_pdf)
        for attachment in response.attachments:
            bundle.writestr(f"attachments/{attachment.slot}.pdf", attachment.content)
    return out.getvalue()


def unbundle(plaintext: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest (answers, attachment names) and the files of a decrypted bundle."""
    with zipfile.ZipFile(io.BytesIO(plaintext)) as bundle:
        manifest = json.loads(bundle.read("answers.json"))
        files = {name: bundle.read(name) for name in bundle.namelist() if name != "answers.json"}
    return manifest, files


def submit(session: Session, actor: User, response: Response, pin: str, now: datetime) -> None:
    """提交: render, seal (PIN), encrypt to the supplier's certificate, keep only ciphertext
    and a timestamped receipt; the plaintext draft is wiped in the same transaction."""
    call = _require_call(session, response.project)
    _require_clerk(session, actor, response.project)
    _require_draft(response)
    _before_deadline(call, now, _("提交响应文件"))
    gaps = missing(response)
    if gaps:
        raise InvalidInput(gaps[0])
    key, credential = _unlock(session, actor, {"response": response.id, "step": "submit"}, pin)
    ca = authority.authority()
    spec = seals.SealSpec(field_name="supplier", image_png=seals.official_seal_png(
        actor.org.name, "公章"), page=-1, x=360, y=90, reason=_("供应商响应文件签章"),
        location="框采")
    try:
        sealed = seals.seal_pdf(_response_pdf(response, call, actor), key, spec,
                                ca.timestamper(), trust_roots=authority.trust_roots(),
                                crls=authority.crls())
        envelope = seal_envelope(_bundle(response, sealed), key.certificate)
        open_envelope(envelope, key)  # it opens, or nothing is stored
    except seals.SealsError as refusal:
        raise InvalidInput(str(refusal)) from None
    sha = storage.put(envelope, ENVELOPE)
    response.envelope_sha256, response.recipient_cert_sha256 = sha, certificate_sha256(
        key.certificate)
    response.receipt_token = issue_token(ca.timestamp_authority, sha)
    response.status, response.submitted_at = ResponseStatus.submitted, utcnow()
    response.submitted_by_id, response.submissions = actor.id, response.submissions + 1
    response.answers = None
    response.attachments = []
    audit.record(session, actor=actor, action="response.submitted", subject_type="response",
                 subject_id=response.id, before=ResponseStatus.draft.value,
                 after=ResponseStatus.submitted.value,
                 detail={"envelope_sha256": sha, "credential": credential.serial_hex})
    session.commit()
    _checkpoint(session)


def _checkpoint(session: Session) -> None:
    """SQLite: copy the write-ahead log into the file (whose deleted rows ``secure_delete``
    overwrote) and truncate it, so the draft's old pages do not linger in the log."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        session.commit()


def withdraw(session: Session, actor: User, response: Response, pin: str, now: datetime) -> None:
    """撤回: back to a draft (counts as not submitted); the PIN decrypts the answers and
    attachments back into it so they need not be typed again."""
    call = _require_call(session, response.project)
    _require_clerk(session, actor, response.project)
    if response.status is not ResponseStatus.submitted or response.envelope_sha256 is None:
        raise TransitionNotAllowed(_("响应文件尚未提交，无需撤回。"))
    _before_deadline(call, now, _("撤回响应文件"))
    key, _credential = _unlock(session, actor, {"response": response.id, "step": "withdraw"},
                               pin)
    try:
        manifest, files = unbundle(open_envelope(
            storage.read(response.envelope_sha256, ENVELOPE), key))
    except EnvelopeError as refusal:
        raise InvalidInput(str(refusal)) from None
    before = response.envelope_sha256
    response.answers = manifest["answers"]
    response.attachments = [
        ResponseAttachment(slot=item["slot"], filename=item["filename"],
                           content=files[f"attachments/{item['slot']}.pdf"])
        for item in manifest["attachments"]]
    response.status, response.envelope_sha256 = ResponseStatus.draft, None
    response.receipt_token, response.submitted_at = None, None
    audit.record(session, actor=actor, action="response.withdrawn", subject_type="response",
                 subject_id=response.id, before=ResponseStatus.submitted.value,
                 after=ResponseStatus.draft.value, detail={"envelope_sha256": before})
    session.commit()
