"""Sealing a contract in the portal: supplier then purchaser, real jobs on a real worker,
PAdES signatures that poppler's pdfsig accepts, and every refusal leaving nothing changed."""

from __future__ import annotations

import logging

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from redis import Redis
from sqlalchemy import select

import documents
import seals
from portal import authority, storage
from portal.demo import DEMO_PIN
from portal.domain import lifecycle, sealing
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import AuditEvent, DocumentStatus, Organisation, Seal, SealStatus, User
from tests import helpers
from tests.helpers import nss_database, pdfsig_blocks, run_pdfsig, seal_as, work

pytestmark = pytest.mark.db


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def org(db, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))




@pytest.fixture
def approved_contract(app, demo_keys, db):
    """采购合同 drafted by the supplier, confirmed by the purchaser's reviewer, rendered."""
    return helpers.approved_contract(app, db)


def test_two_parties_seal_in_order_and_pdfsig_accepts_both(app, db, approved_contract,
                                                           tmp_path) -> None:
    doc = approved_contract
    first = seal_as(app, db, doc, "gys_mfr", page=0, x=300.0, y=200.0)
    assert doc.status is DocumentStatus.approved  # applied, not yet submitted
    sealing.confirm(db, user(db, "gys_mfr"), first)
    assert doc.status is DocumentStatus.approved
    second = seal_as(app, db, doc, "cg_clerk")
    sealing.confirm(db, user(db, "cg_clerk"), second)
    assert doc.status is DocumentStatus.sealed

    final = storage.read(sealing.current_pdf(db, doc.current_revision), ".pdf")
    with app.app_context():
        root = authority.authority().root_certificate.public_bytes(Encoding.PEM)
        report = seals.verify_pdf(final, authority.trust_roots(), authority.crls())
    assert report.ok and [s.org_name for s in report.signatures] == [
        "北方信创计算机有限公司", "呼和浩特市第一中学"]
    assert report.signatures[0].certifies
    database = nss_database(tmp_path, root)
    blocks = pdfsig_blocks(run_pdfsig(database, final, tmp_path))
    assert set(blocks) == {"seal-1-supplier", "seal-2-purchaser"}
    for block in blocks.values():
        assert "Signature is Valid" in block and "Certificate is Trusted" in block
    assert "Total document signed" in blocks["seal-2-purchaser"]

    at = final.index(b"/Contents") - 200  # one byte of signed content changed
    tampered = final[:at] + bytes([final[at] ^ 0x01]) + final[at + 1:]
    blocks = pdfsig_blocks(run_pdfsig(database, tampered, tmp_path))
    assert any("Digest Mismatch" in block for block in blocks.values())
    with app.app_context():
        assert not seals.verify_pdf(tampered, authority.trust_roots(), authority.crls()).ok


def test_each_seal_records_the_approval_it_rests_on_and_who_unlocked_the_key(
        app, db, approved_contract) -> None:
    seal = seal_as(app, db, approved_contract, "gys_mfr")
    assert seal.decision.reviewer.username == "cg_reviewer"
    assert seal.sealer.username == "gys_mfr"
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "seal")
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["seal.started", "seal.key_used", "seal.applied"]


def test_out_of_turn_and_wrong_org_are_refused_and_change_nothing(db, approved_contract) -> None:
    with pytest.raises(Forbidden, match="尚未轮到本单位盖章"):
        sealing.start(db, user(db, "cg_clerk"), approved_contract, None, 0, None, None)
    with pytest.raises(Forbidden):
        sealing.start(db, user(db, "gys_reseller"), approved_contract, None, 0, None, None)
    with pytest.raises(Forbidden):
        sealing.start(db, user(db, "zj_clerk"), approved_contract, None, 0, None, None)
    assert db.scalars(select(Seal)).all() == []


def test_wrong_pin_is_refused_and_the_seal_still_waits_for_the_key(app, db,
                                                                   approved_contract) -> None:
    sealer = user(db, "gys_mfr")
    seal = sealing.start(db, sealer, approved_contract, None, 0, None, None)
    work(app)
    db.expire_all()
    with pytest.raises(InvalidInput, match="证书密码错误"):
        sealing.sign_with_pin(db, sealer, seal, "000000")
    db.expire_all()
    assert seal.status is SealStatus.awaiting_key and seal.signature is None
    sealing.sign_with_pin(db, sealer, seal, DEMO_PIN)  # the right PIN still works


def test_withdraw_before_submitting_and_never_after(app, db, approved_contract) -> None:
    doc = approved_contract
    before = sealing.current_pdf(db, doc.current_revision)
    seal = seal_as(app, db, doc, "gys_mfr")
    assert sealing.current_pdf(db, doc.current_revision) == seal.output_sha256 != before
    sealing.withdraw(db, user(db, "gys_mfr"), seal)
    assert seal.status is SealStatus.withdrawn
    assert sealing.current_pdf(db, doc.current_revision) == before
    again = seal_as(app, db, doc, "gys_mfr")
    sealing.confirm(db, user(db, "gys_mfr"), again)
    with pytest.raises(TransitionNotAllowed, match="不能撤章"):
        sealing.withdraw(db, user(db, "gys_mfr"), again)


def test_a_revoked_certificate_cannot_seal(app, db, approved_contract) -> None:
    sealer = user(db, "gys_mfr")
    seal = sealing.start(db, sealer, approved_contract, None, 0, None, None)
    work(app)
    db.expire_all()
    with app.app_context():
        authority.authority().revoke(int(seal.credential.serial_hex, 16))
        authority.authority().save(app.config["VAR_DIR"] / "ca")
    try:
        with pytest.raises(InvalidInput, match="吊销"):
            sealing.sign_with_pin(db, sealer, seal, DEMO_PIN)
        assert seal.status is SealStatus.awaiting_key
    finally:
        with app.app_context():
            authority.authority()._revoked.clear()  # the CA is shared by the session's tests
            authority.authority().save(app.config["VAR_DIR"] / "ca")


def test_sealing_needs_an_approved_rendered_revision(app, db, demo_keys) -> None:
    supplier = user(db, "gys_mfr")
    purchaser = db.scalar(select(Organisation).where(Organisation.name == "呼和浩特市第一中学"))
    doc = lifecycle.create_draft(db, supplier, "contract", "未审核合同",
                                 parties={"purchaser": purchaser},
                                 start_from=documents.get_kind("contract").sample())
    with pytest.raises(TransitionNotAllowed, match="审核通过"):
        sealing.start(db, supplier, doc, None, 0, None, None)


def test_no_pin_or_key_material_reaches_redis_logs_or_the_database(
        app, db, approved_contract, redis_url, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    seal_as(app, db, approved_contract, "gys_mfr")
    pin = DEMO_PIN.encode()
    with Redis.from_url(redis_url) as redis:
        for key in redis.keys("*"):
            kind = redis.type(key)
            values = [redis.get(key)] if kind == b"string" else \
                list(redis.hgetall(key).values()) if kind == b"hash" else \
                redis.lrange(key, 0, -1) if kind == b"list" else []
            for value in values:
                assert pin not in (value or b""), key
                assert b"PRIVATE KEY" not in (value or b"")
    assert DEMO_PIN not in caplog.text
    credential = approved_contract and db.scalars(select(Seal)).first().credential
    with pytest.raises(seals.WrongPin):
        seals.unlock(credential.p12_encrypted, "")  # the stored key is encrypted
    for event in db.scalars(select(AuditEvent)):
        assert DEMO_PIN not in str(event.detail)
    stored = db.scalars(select(Seal)).first()
    assert stored.prepared is None and DEMO_PIN.encode() not in (stored.signature or b"")


def test_stamping_pages_over_http_show_each_state(app, db, approved_contract, signed_in) -> None:
    from tests.helpers import csrf_token

    client = signed_in("gys_mfr")
    doc_id = approved_contract.id
    page = client.get(f"/documents/{doc_id}/seal")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-clickable="true"' in html
    image = client.get(f"/documents/{doc_id}/pages/0.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get(f"/documents/{doc_id}/pages/99.png").status_code == 404
    started = client.post(f"/documents/{doc_id}/seal", data={
        "csrf_token": csrf_token(html), "version": str(approved_contract.version),
        "page": "2", "fx": "0.7", "fy": "0.4"})
    assert started.status_code == 302
    seal = db.scalars(select(Seal)).one()
    assert seal.page == 2 and 300 < seal.x < 420  # 0.7 of 595 pt, less half the seal
    status = client.get(f"/seals/{seal.id}/status", headers={"HX-Request": "true"})
    assert status.status_code == 200 and "排队中" in status.get_data(as_text=True)
    work(app)
    status = client.get(f"/seals/{seal.id}/status", headers={"HX-Request": "true"})
    assert "证书密码（PIN）" in status.get_data(as_text=True)
    full = client.get(f"/documents/{doc_id}/seal").get_data(as_text=True)
    wrong = client.post(f"/seals/{seal.id}/key", data={"csrf_token": csrf_token(full),
                                                       "pin": "999999"})
    assert wrong.status_code == 400 and "证书密码错误" in wrong.get_data(as_text=True)
    right = client.post(f"/seals/{seal.id}/key", data={"csrf_token": csrf_token(full),
                                                       "pin": DEMO_PIN})
    assert right.status_code == 302
    work(app)
    status = client.get(f"/seals/{seal.id}/status", headers={"HX-Request": "true"})
    assert "供应商已盖章" in status.get_data(as_text=True)
    # the purchaser cannot act on the supplier's seal
    other = signed_in("cg_clerk")
    token = csrf_token(other.get(f"/documents/{doc_id}").get_data(as_text=True))
    assert other.post(f"/seals/{seal.id}/withdraw", data={"csrf_token": token}).status_code == 403
    assert client.post(f"/seals/{seal.id}/confirm",
                       data={"csrf_token": csrf_token(full)}).status_code == 302
    db.expire_all()
    assert seal.status is SealStatus.confirmed


@pytest.fixture
def agreed_offline_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string=(
        "<html lang='zh-CN'><body style='font-family: \"Noto Serif CJK SC\"'>"
        "<h1>打印机采购合同</h1><p>甲乙双方线下协商一致，签订本合同。</p>"
        "<p style='margin-top: 600px'>甲方（盖章）　　　　乙方（盖章）</p></body></html>"
    )).write_pdf()


@pytest.fixture
def online_contract_draft(db, demo_keys):
    """合同在线签订 drafted by the purchaser with 北方信创 as supplier; no PDF uploaded yet."""
    return lifecycle.create_draft(db, user(db, "cg_clerk"), "online_contract",
                                  "打印机采购合同（线下签订）",
                                  parties={"supplier": org(db, "北方信创计算机有限公司")},
                                  start_from=documents.get_kind("online_contract").sample())


def test_uploaded_contract_is_sealed_by_the_purchaser_then_the_supplier(
        app, db, online_contract_draft, agreed_offline_pdf, tmp_path) -> None:
    purchaser = user(db, "cg_clerk")
    doc = online_contract_draft
    with pytest.raises(lifecycle.SubmissionInvalid) as missing:
        lifecycle.submit(db, purchaser, doc, None)
    assert "upload" in missing.value.errors
    lifecycle.attach_upload(db, purchaser, doc, None, agreed_offline_pdf)
    revision = lifecycle.submit(db, purchaser, doc, None)
    assert doc.status is DocumentStatus.approved  # no review step for an agreed contract
    assert revision.pdf_sha256 == storage.put(agreed_offline_pdf, ".pdf")
    assert not sealing.reserves_fields(revision)

    first = seal_as(app, db, doc, "cg_clerk", page=0, x=90.0, y=120.0)
    sealing.confirm(db, purchaser, first)
    with pytest.raises(InvalidInput, match="选择盖章位置"):
        sealing.start(db, user(db, "gys_mfr"), doc, None, 0, None, None)
    second = seal_as(app, db, doc, "gys_mfr", page=0, x=330.0, y=120.0)
    sealing.confirm(db, user(db, "gys_mfr"), second)
    assert doc.status is DocumentStatus.sealed

    final = storage.read(sealing.current_pdf(db, revision), ".pdf")
    with app.app_context():
        report = seals.verify_pdf(final, authority.trust_roots(), authority.crls())
        root = authority.authority().root_certificate.public_bytes(Encoding.PEM)
    assert report.ok and not any(s.certifies for s in report.signatures)
    assert [s.org_name for s in report.signatures] == [
        "呼和浩特市第一中学", "北方信创计算机有限公司"]
    blocks = pdfsig_blocks(run_pdfsig(nss_database(tmp_path, root), final, tmp_path))
    assert all("Signature is Valid" in block for block in blocks.values()) and len(blocks) == 2


def test_an_upload_that_is_not_a_pdf_is_refused_and_the_draft_keeps_its_file(
        db, online_contract_draft, signed_in, agreed_offline_pdf) -> None:
    from io import BytesIO

    from tests.helpers import csrf_token

    doc = online_contract_draft
    client = signed_in("cg_clerk")
    page = client.get(f"/documents/{doc.id}/check").get_data(as_text=True)
    assert "请上传合同 PDF 文件" in page

    def upload(content: bytes, version: str):
        return client.post(f"/documents/{doc.id}/upload", data={
            "csrf_token": csrf_token(page), "version": version,
            "pdf": (BytesIO(content), "contract.pdf")}, content_type="multipart/form-data")

    assert upload(agreed_offline_pdf, str(doc.version)).status_code == 302
    db.expire_all()
    kept = doc.uploaded_pdf_sha256
    refused = upload(b"MZ\x90\x00 an executable", str(doc.version))
    assert refused.status_code == 400 and "不是 PDF" in refused.get_data(as_text=True)
    db.expire_all()
    assert doc.uploaded_pdf_sha256 == kept


def test_a_sealed_revision_cannot_be_reopened_for_editing(app, db, approved_contract) -> None:
    seal_as(app, db, approved_contract, "gys_mfr")
    with pytest.raises(TransitionNotAllowed, match="不能重新编辑"):
        lifecycle.reopen(db, user(db, "gys_mfr"), approved_contract, None)
    assert approved_contract.status is DocumentStatus.approved


def test_the_applied_seal_shows_on_the_pages_and_the_next_signer_sees_the_reserved_place(
        app, db, approved_contract, signed_in) -> None:
    import re

    supplier = signed_in("gys_mfr")
    doc_id = approved_contract.id
    before = supplier.get(f"/documents/{doc_id}/seal").get_data(as_text=True)
    first_image = re.search(r'src="(/documents/\d+/pages/0\.png\?v=\w+)"', before).group(1)
    seal = seal_as(app, db, approved_contract, "gys_mfr")  # applied, not yet submitted
    status = supplier.get(f"/seals/{seal.id}/status", headers={"HX-Request": "true"})
    assert status.headers.get("HX-Refresh") == "true"  # the page reloads to show the seal
    after = supplier.get(f"/documents/{doc_id}/seal").get_data(as_text=True)
    assert first_image not in after  # new bytes, new image address (no stale cache)
    sealing.confirm(db, user(db, "gys_mfr"), seal)
    purchaser = signed_in("cg_clerk").get(f"/documents/{doc_id}/seal").get_data(as_text=True)
    place = re.search(r'data-reserved-fx="([\d.]+)" data-reserved-fy="([\d.]+)"', purchaser)
    assert place and 0 < float(place.group(1)) < 1 and 0 < float(place.group(2)) < 1
    assert "预留位置：第" in purchaser
