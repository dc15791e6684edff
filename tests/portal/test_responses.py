"""响应文件 and 开标: stored responses are ciphertext only the supplier's key opens, deadlines
refuse late work, receipts prove the stored bytes, withdrawal and resubmission, the opening
window (≥ 30 minutes, closed once, late decryptions excluded), the opening record's
confirmations, and who may see what."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from cryptography.hazmat.primitives.serialization import Encoding
from pypdf import PdfWriter
from sqlalchemy import func, select

from portal import authority, storage
from portal.demo import DEMO_PIN
from portal.domain import (
    credentials,
    lifecycle,
    opening,
    opening_record,
    participation,
    receipts,
    responses,
    sealing,
)
from portal.domain.errors import DomainError, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    Organisation,
    Project,
    Response,
    ResponseAttachment,
    ResponseStatus,
    beijing_now,
)
from seals import unlock
from seals.envelope import EnvelopeError
from seals.keystore import open_envelope
from tests.helpers import (
    csrf_token,
    nss_database,
    pdfsig_blocks,
    run_pdfsig,
    seal_as,
    work,
)
from tests.portal.test_participation import published_call, user
from tests.product_setup import answers_for

pytestmark = pytest.mark.db

BRAND, MODEL = "曙光天阔", "TK-9527专用型"
ANSWERS = {"brand": BRAND, "model": MODEL, "parameters": "国产八核处理器，16GB内存",
           "delivery_period": "合同签订后7日内", "delivery_place": "呼和浩特市",
           "unit_price": "5873.45"}


def pdf(text: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def call(app, db, demo_keys) -> Project:
    """The sample call, entrusted to 中咨 (who opens), joined by two suppliers."""
    project = published_call(app, db, -timedelta(days=1), timedelta(days=9))
    project.agency_org_id = db.scalar(select(Organisation.id).where(
        Organisation.name == "内蒙古中咨招标代理有限公司"))
    db.commit()
    for name in ("gys_mfr", "gys_reseller"):
        participation.join(db, user(db, name), project, "王工", "0471-6601234",
                           "wang@example.cn", beijing_now())
    return project


def deadline(db: Any, project: Project) -> datetime:
    """The submission deadline as an aware UTC instant (the solicitation states Beijing time)."""
    found = responses.call_of(db, project)
    assert found is not None
    return (found.deadline - timedelta(hours=8)).replace(tzinfo=UTC)


def drafted(db: Any, project: Project, username: str = "gys_mfr", lot: str = "01",
            **answers: str) -> Response:
    clerk = user(db, username)
    chosen = answers_for(db, username, project, ANSWERS, lot, **answers)
    response = responses.draft_for(db, clerk, project, lot)
    responses.save_answers(db, clerk, response, chosen, beijing_now())
    for slot in ("cover", "qualification"):
        responses.attach(db, clerk, response, slot, f"{slot}.pdf", pdf(f"{BRAND}-{slot}"),
                         beijing_now())
    return response


def submitted(db: Any, project: Project, username: str = "gys_mfr", **answers: str) -> Response:
    response = drafted(db, project, username, **answers)
    responses.submit(db, user(db, username), response, DEMO_PIN, beijing_now())
    return response


def org_key(db: Any, username: str) -> Any:
    credential = credentials.org_key(db, user(db, username).org_id)
    return unlock(credential.p12_encrypted, DEMO_PIN)


def database_bytes(app: Any) -> bytes:
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_a_submitted_response_is_ciphertext_that_only_the_suppliers_key_opens(
        app, db, call, tmp_path) -> None:
    response = submitted(db, call)
    db.expire_all()
    assert response.status is ResponseStatus.submitted
    assert response.answers is None
    assert db.scalar(select(func.count()).select_from(ResponseAttachment)) == 0
    stored = storage.read(response.envelope_sha256, responses.ENVELOPE)
    for secret in (BRAND, MODEL, "5873.45"):
        forms = (secret.encode(), json.dumps(secret)[1:-1].encode())  # as typed, as JSON
        assert not any(form in stored for form in forms)
        # the brand and model are the stocked product's (产品管理): only the quote is secret
        if app.config["DATABASE_URL"].startswith("sqlite") and secret == "5873.45":
            assert not any(form in database_bytes(app) for form in forms), secret
    manifest, files = responses.unbundle(open_envelope(stored, org_key(db, "gys_mfr")))
    assert manifest["answers"]["unit_price"] == "5873.45"
    with app.app_context():
        root = authority.authority().root_certificate.public_bytes(Encoding.PEM)
    blocks = pdfsig_blocks(run_pdfsig(nss_database(tmp_path, root), files["response.pdf"],
                                      tmp_path))
    assert set(blocks) == {"supplier"}  # the response PDF inside, sealed by the supplier
    assert "Signature is Valid" in blocks["supplier"]
    assert "Certificate is Trusted" in blocks["supplier"]
    assert set(files) == {"response.pdf", "attachments/cover.pdf",
                          "attachments/qualification.pdf"}
    with pytest.raises(EnvelopeError):
        open_envelope(stored, org_key(db, "gys_reseller"))


def test_a_price_above_the_lots_maximum_is_refused_with_the_figures(db, call) -> None:
    clerk = user(db, "gys_mfr")
    response = responses.draft_for(db, clerk, call, "01")
    chosen = answers_for(db, "gys_mfr", call, ANSWERS)
    with pytest.raises(InvalidInput, match=r"6500\.01.*6500\.00"):
        responses.save_answers(db, clerk, response, {**chosen, "unit_price": "6500.01"},
                               beijing_now())
    responses.save_answers(db, clerk, response, {**chosen, "unit_price": "6500"},
                           beijing_now())
    assert response.answers["unit_price"] == "6500.00"


def test_nothing_is_submitted_while_the_draft_lacks_an_answer_or_an_attachment(db, call) -> None:
    clerk = user(db, "gys_mfr")
    response = responses.draft_for(db, clerk, call, "01")
    responses.save_answers(db, clerk, response, answers_for(db, "gys_mfr", call, ANSWERS),
                           beijing_now())
    with pytest.raises(InvalidInput, match="封面"):
        responses.submit(db, clerk, response, DEMO_PIN, beijing_now())


def test_upload_and_submit_after_the_deadline_are_refused(db, call) -> None:
    response = drafted(db, call)
    clerk = user(db, "gys_mfr")
    with time_machine.travel(deadline(db, call) + timedelta(seconds=1), tick=False):
        with pytest.raises(TransitionNotAllowed, match="截止时间"):
            responses.submit(db, clerk, response, DEMO_PIN, beijing_now())
        with pytest.raises(TransitionNotAllowed, match="截止时间"):
            responses.attach(db, clerk, response, "business", "b.pdf", pdf(), beijing_now())
        with pytest.raises(TransitionNotAllowed, match="截止时间"):
            responses.save_answers(db, clerk, response, dict(response.answers), beijing_now())
    with time_machine.travel(deadline(db, call) - timedelta(minutes=1), tick=False):
        responses.submit(db, clerk, response, DEMO_PIN, beijing_now())
    with time_machine.travel(deadline(db, call) + timedelta(minutes=1), tick=False):
        with pytest.raises(TransitionNotAllowed, match="截止时间"):
            responses.withdraw(db, clerk, response, DEMO_PIN, beijing_now())


def test_a_wrong_pin_submits_nothing_and_is_counted(db, call) -> None:
    response = drafted(db, call)
    with pytest.raises(InvalidInput, match="证书密码错误"):
        responses.submit(db, user(db, "gys_mfr"), response, "000000", beijing_now())
    db.expire_all()
    assert response.status is ResponseStatus.draft and response.answers
    assert credentials.org_key(db, user(db, "gys_mfr").org_id).pin_failures == 1


def test_withdraw_restores_the_draft_and_a_resubmission_gets_a_new_receipt(db, call) -> None:
    response = submitted(db, call)
    first, first_receipt = response.envelope_sha256, receipts.receipt_of(response)
    clerk = user(db, "gys_mfr")
    responses.withdraw(db, clerk, response, DEMO_PIN, beijing_now())
    db.expire_all()
    assert response.status is ResponseStatus.draft and response.envelope_sha256 is None
    assert response.answers["brand"] == BRAND
    assert {a.slot for a in response.attachments} == {"cover", "qualification"}
    with pytest.raises(TransitionNotAllowed):
        receipts.receipt_of(response)
    assert not receipts.check_receipt(db, first_receipt).current  # still proves the past
    responses.save_answers(db, clerk, response, {**response.answers, "unit_price": "5700"},
                           beijing_now())
    responses.submit(db, clerk, response, DEMO_PIN, beijing_now())
    assert response.envelope_sha256 not in (None, first)
    assert response.submissions == 2
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "response")).all()
    assert actions.count("response.submitted") == 2 and "response.withdrawn" in actions


def test_the_self_test_opens_with_the_right_pin_only(db, call) -> None:
    response = drafted(db, call)
    clerk = user(db, "gys_mfr")
    responses.self_test(db, clerk, response, DEMO_PIN)
    with pytest.raises(InvalidInput, match="证书密码错误"):
        responses.self_test(db, clerk, response, "999999")


def test_a_receipt_verifies_against_the_stored_ciphertext_and_fails_after_one_changed_byte(
        db, call) -> None:
    response = submitted(db, call)
    receipt = receipts.receipt_of(response)
    assert receipt["ciphertext_sha256"] == response.envelope_sha256
    result = receipts.check_receipt(db, receipt)
    assert result.check.sha256 == response.envelope_sha256 and result.current
    path = storage.path_of(response.envelope_sha256, responses.ENVELOPE)
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.raises(InvalidInput, match="摘要"):
        receipts.check_receipt(db, receipt)


def test_a_receipt_for_another_hash_is_refused(db, call) -> None:
    receipt = receipts.receipt_of(submitted(db, call))
    with pytest.raises(InvalidInput):
        receipts.check_receipt(db, {**receipt, "ciphertext_sha256": "0" * 64})
    with pytest.raises(InvalidInput, match="不存在"):
        receipts.check_receipt(db, {**receipt, "response_id": 2**63})


def open_lot(db: Any, project: Project, minutes: int = 30) -> Any:
    return opening.open_lot(db, user(db, "dl_clerk"), project, "01", minutes, beijing_now())


def test_the_window_is_at_least_30_minutes_and_opens_after_the_deadline_only(db, call) -> None:
    with pytest.raises(TransitionNotAllowed, match="未到"):
        open_lot(db, call)
    with time_machine.travel(deadline(db, call) + timedelta(minutes=1), tick=False):
        with pytest.raises(InvalidInput, match="30"):
            open_lot(db, call, 29)
        with pytest.raises(DomainError):
            opening.open_lot(db, user(db, "zj_clerk"), call, "01", 30, beijing_now())
        found = open_lot(db, call, 30)
        assert found.window_ends_at - found.opened_at == timedelta(minutes=30)
        with pytest.raises(TransitionNotAllowed, match="已开标"):
            open_lot(db, call, 30)


def test_a_supplier_who_decrypts_too_late_is_excluded_and_the_close_happens_once(
        db, call) -> None:
    submitted(db, call, "gys_mfr")
    submitted(db, call, "gys_reseller", unit_price="6100.00", brand="联想")
    ends = deadline(db, call) + timedelta(minutes=1)
    with time_machine.travel(ends, tick=False):
        found = open_lot(db, call)
        assert opening.opened_responses(db, call, "01") == []
        with pytest.raises(InvalidInput, match="证书密码错误"):
            opening.decrypt(db, user(db, "gys_mfr"), found, "111111")
        opening.decrypt(db, user(db, "gys_mfr"), found, DEMO_PIN)
        with pytest.raises(NotFound):  # joined, but no response of its own in this lot
            opening.decrypt(db, user(db, "gys_service"), found, DEMO_PIN)
    with time_machine.travel(ends + timedelta(minutes=30), tick=False):
        with pytest.raises(TransitionNotAllowed, match="解密时限已过"):
            opening.decrypt(db, user(db, "gys_reseller"), found, DEMO_PIN)
        assert not opening.close_if_due(db, found)  # the refused decryption closed it
        assert opening.close_due(db) == 0
        opened = {o.supplier_name: o for o in opening.opened_responses(db, call, "01")}
    mfr, reseller = user(db, "gys_mfr").org.name, user(db, "gys_reseller").org.name
    assert opened[mfr].decrypted and opened[mfr].unit_price == Decimal("5873.45")
    assert opened[mfr].brand == BRAND and "7日" in opened[mfr].delivery
    assert not opened[reseller].decrypted and opened[reseller].unit_price == 0
    closes = db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "opening.closed"))
    assert closes == 1
    excluded = db.scalar(select(Response).where(
        Response.supplier_org_id == user(db, "gys_reseller").org_id))
    assert excluded.excluded_at is not None and excluded.opened is None


def test_the_scheduler_closes_a_window_nobody_looks_at(db, call) -> None:
    submitted(db, call)
    start = deadline(db, call) + timedelta(minutes=5)
    with time_machine.travel(start, tick=False):
        found = open_lot(db, call, 45)
    with time_machine.travel(start + timedelta(minutes=44), tick=False):
        assert opening.close_due(db) == 0
    with time_machine.travel(start + timedelta(minutes=45), tick=False):
        assert opening.close_due(db) == 1
        assert opening.close_due(db) == 0
    db.refresh(found)
    assert found.closed_at is not None


def test_the_opening_record_waits_for_confirmations_and_answers_then_the_agency_seals(
        app, db, call) -> None:
    submitted(db, call, "gys_mfr")
    submitted(db, call, "gys_reseller", unit_price="6100.00")
    ends = deadline(db, call) + timedelta(minutes=1)
    with time_machine.travel(ends, tick=False):
        found = open_lot(db, call)
        for name in ("gys_mfr", "gys_reseller"):
            opening.decrypt(db, user(db, name), found, DEMO_PIN)
        with pytest.raises(TransitionNotAllowed, match="尚未结束"):
            opening_record.generate_record(db, user(db, "dl_clerk"), call, found)
    with time_machine.travel(ends + timedelta(minutes=31), tick=False):
        agency = user(db, "dl_clerk")
        doc = opening_record.generate_record(db, agency, call, found)
        data = dict(doc.draft_data)
        assert data["suppliers-0-price"] == "5873.45" and data["decryption_minutes"] == "30"
        assert lifecycle.check_draft(doc)["suppliers"][0].startswith("尚待供应商确认")
        opening_record.confirm(db, user(db, "gys_mfr"), found, None)
        opening_record.confirm(db, user(db, "gys_reseller"), found, "报价宣读有误")
        with pytest.raises(TransitionNotAllowed):
            opening_record.confirm(db, user(db, "gys_reseller"), found, None)
        assert "异议未答复" in lifecycle.check_draft(doc)["suppliers"][0]
        row = opening_record.confirmations(db, found)[user(db, "gys_reseller").org_id]
        opening_record.answer(db, agency, call, found, row, "经核对，报价宣读无误。")
        db.refresh(doc)
        assert ["objections-0-answer", "经核对，报价宣读无误。"] in doc.draft_data
        assert lifecycle.check_draft(doc) == {}
        assert lifecycle.sealers(doc) == ("agency",)
        lifecycle.submit(db, agency, doc, None)
        assert doc.status is DocumentStatus.approved  # no reviewer for the record
        work(app)
        db.expire_all()
        sealing.confirm(db, agency, seal_as(app, db, doc, "dl_clerk"))
        db.refresh(doc)
        assert doc.status is DocumentStatus.sealed


def test_other_organisations_cannot_see_or_touch_a_response(db, call, signed_in) -> None:
    response = submitted(db, call)
    base = f"/responses/{call.id}/01"
    mine = signed_in("gys_mfr")
    assert mine.get(base).status_code == 200
    assert mine.get(f"{base}/receipt.json").status_code == 200
    other = signed_in("gys_reseller")  # joined the project, has no response in lot 01
    assert other.get(f"{base}/receipt.json").status_code == 404
    assert other.get(f"{base}/check").status_code == 404
    page = other.get(base).get_data(as_text=True)
    assert response.envelope_sha256 not in page
    token = csrf_token(page)
    assert other.post(f"{base}/withdraw", data={"csrf_token": token,
                                                 "pin": DEMO_PIN}).status_code == 404
    outsider = signed_in("gys_service")  # did not join
    assert outsider.get(base).status_code == 404
    assert outsider.get(f"/opening/{call.id}/01").status_code == 404
    assert signed_in("cg_clerk").get(f"/opening/{call.id}/01").status_code == 404
    collector = signed_in("zj_clerk")
    token = csrf_token(collector.get("/").get_data(as_text=True))
    assert collector.post(f"/opening/{call.id}/01/decrypt",
                          data={"csrf_token": token, "pin": DEMO_PIN}).status_code == 403
    assert db.scalar(select(Document).where(Document.kind == "opening_record")) is None


def test_the_web_form_refuses_a_price_above_the_maximum_keeping_the_answers(
        db, call, signed_in) -> None:
    client = signed_in("gys_mfr")
    chosen = answers_for(db, "gys_mfr", call, ANSWERS)
    page = client.get(f"/responses/{call.id}/01").get_data(as_text=True)
    reply = client.post(f"/responses/{call.id}/01", data={
        **chosen, "unit_price": "7000", "csrf_token": csrf_token(page)})
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert "超过本包最高限制单价 6500.00 元" in text and BRAND in text


def test_the_web_window_refusal_is_a_400_with_the_reason(db, call, signed_in) -> None:
    submitted(db, call)
    with time_machine.travel(deadline(db, call) + timedelta(minutes=1), tick=True):
        client = signed_in("dl_clerk")
        page = client.get(f"/opening/{call.id}/01").get_data(as_text=True)
        reply = client.post(f"/opening/{call.id}/01/open",
                            data={"minutes": "20", "csrf_token": csrf_token(page)})
        assert reply.status_code == 400
        assert "解密时限应为 30 至 600 分钟" in reply.get_data(as_text=True)


def test_kuangcai_receipt_check_passes_then_fails_after_one_changed_byte(
        db, call, tmp_path, database_url, redis_url, var_dir, monkeypatch) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    response = submitted(db, call)
    file = tmp_path / "receipt.json"
    file.write_text(json.dumps(receipts.receipt_of(response)), encoding="utf-8")
    for name, value in {"KUANGCAI_ENV": "test", "DATABASE_URL": database_url,
                        "REDIS_URL": redis_url, "KUANGCAI_VAR_DIR": str(var_dir)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["receipt", "check", str(file)])
    assert result.exit_code == 0, result.output
    assert response.envelope_sha256 in result.output
    path = storage.path_of(response.envelope_sha256, responses.ENVELOPE)
    damaged = bytearray(path.read_bytes())
    damaged[-1] ^= 0x80
    path.write_bytes(bytes(damaged))
    result = CliRunner().invoke(main, ["receipt", "check", str(file)])
    assert result.exit_code == 1 and "核验不通过" in result.output


def test_the_dispatcher_sweep_closes_due_windows(app, db, call) -> None:
    from portal import dispatch

    submitted(db, call)
    start = deadline(db, call) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        found = open_lot(db, call)
    with app.app_context():
        later = (start + timedelta(minutes=31)).replace(tzinfo=None)
        assert dispatch.sweep(now=later)["openings_closed"] == 1
        assert dispatch.sweep(now=later)["openings_closed"] == 0
    db.refresh(found)
    assert found.closed_at is not None


def test_suppliers_see_what_waits_for_them_on_their_todo(app, db, call) -> None:
    from portal.todo import todo_for

    clerk = user(db, "gys_mfr")

    def steps() -> set[str]:
        with app.test_request_context():
            return set(todo_for(db, clerk))

    assert "待提交响应文件" in steps()
    submitted(db, call)
    assert "待提交响应文件" not in steps()
    agency = user(db, "dl_clerk")
    with time_machine.travel(deadline(db, call) + timedelta(minutes=1), tick=False):
        with app.test_request_context():
            assert "待开标" in todo_for(db, agency)
        found = open_lot(db, call)
        assert "待解密" in steps()
        opening.decrypt(db, clerk, found, DEMO_PIN)
        assert "待解密" not in steps()
    with time_machine.travel(deadline(db, call) + timedelta(minutes=32), tick=False):
        with app.test_request_context():
            assert "待生成开标记录表" in todo_for(db, agency)
        opening_record.generate_record(db, user(db, "dl_clerk"), call, found)
        assert "待确认开标记录表" in steps()
        opening_record.confirm(db, clerk, found, None)
        assert "待确认开标记录表" not in steps()


def test_attachments_are_checked_like_other_uploads(db, call, signed_in) -> None:
    client = signed_in("gys_mfr")
    base = f"/responses/{call.id}/01"
    token = csrf_token(client.get(base).get_data(as_text=True))

    def upload(content: bytes, name: str) -> Any:
        return client.post(f"{base}/attachments", data={
            "csrf_token": token, "slot": "cover", "file": (io.BytesIO(content), name)},
            content_type="multipart/form-data")

    refused = upload(b"<html>not a pdf</html>", "cover.pdf")
    assert refused.status_code == 400
    assert "文件不是 PDF" in refused.get_data(as_text=True)
    assert upload(pdf("封面"), "cover.pdf").status_code == 302
    response = responses.find(db, user(db, "gys_mfr").org_id, responses.call_of(db, call), "01")
    assert [a.slot for a in response.attachments] == ["cover"]


def test_a_collector_running_its_own_project_generates_and_seals_the_record(app, db,
                                                                             demo_keys) -> None:
    """No agency: the collector opens the lot, generates the 开标记录表 and seals it itself."""
    project = published_call(app, db, -timedelta(days=1), timedelta(days=9))
    assert project.agency_org_id is None
    participation.join(db, user(db, "gys_mfr"), project, "王工", "0471-6601234",
                       "wang@example.cn", beijing_now())
    submitted(db, project, "gys_mfr")
    ends = deadline(db, project) + timedelta(minutes=1)
    collector = user(db, "zj_clerk")
    with time_machine.travel(ends, tick=False):
        found = opening.open_lot(db, collector, project, "01", 30, beijing_now())
        opening.decrypt(db, user(db, "gys_mfr"), found, DEMO_PIN)
    with time_machine.travel(ends + timedelta(minutes=31), tick=False):
        doc = opening_record.generate_record(db, collector, project, found)
        opening_record.confirm(db, user(db, "gys_mfr"), found, None)
        assert lifecycle.sealers(doc) == ("collector",)
        lifecycle.submit(db, collector, doc, None)
        work(app)
        db.expire_all()
        sealing.confirm(db, collector, seal_as(app, db, doc, "zj_clerk"))
        db.refresh(doc)
        assert doc.status is DocumentStatus.sealed
