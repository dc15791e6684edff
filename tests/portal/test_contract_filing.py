"""合同备案: the purchaser files an order's contract once both parties have sealed it; the filing
carries the contract's data, its main document is the sealed PDF (checked by pdfsig), it may pay
from another plan line of the same 品目 (the spending moves with it); the regulator receives or
returns it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

from portal import authority, storage
from portal.domain import contract_filing, sealing
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import FilingStatus, Notice
from tests.delegation_setup import user
from tests.helpers import csrf_token, nss_database, pdfsig_blocks, run_pdfsig, seal_as, work
from tests.order_setup import approved_plan, checked_out, confirmed_contract, in_force

pytestmark = pytest.mark.db


@pytest.fixture
def world(demo_keys, db):
    return in_force(db)


def test_filing_is_refused_before_both_seals_and_carries_the_sealed_contract(
        app, db, world, tmp_path) -> None:
    order, buyer = checked_out(db, world), user(db, "cg_clerk")
    doc = confirmed_contract(app, db, order)
    with pytest.raises(TransitionNotAllowed, match="双方盖章"):
        contract_filing.file(db, buyer, order, world.plan, 1)  # confirmed, not sealed
    sealing.confirm(db, user(db, "gys_reseller"), seal_as(app, db, doc, "gys_reseller"))
    work(app)
    db.expire_all()
    with pytest.raises(TransitionNotAllowed, match="双方盖章"):
        contract_filing.file(db, buyer, order, world.plan, 1)  # the seller's seal alone
    sealing.confirm(db, buyer, seal_as(app, db, doc, "cg_clerk"))
    work(app)
    db.expire_all()
    for other in ("gys_reseller", "cg_reviewer"):
        with pytest.raises(Forbidden):
            contract_filing.file(db, user(db, other), order, world.plan, 1)

    filing = contract_filing.file(db, buyer, order, world.plan, 1)
    assert filing.status is FilingStatus.submitted
    assert (filing.contract_number, filing.amount) == (f"HT-{order.number}", Decimal("34800.00"))
    assert (filing.supplier_name, filing.supplier_uscc) == (order.seller.name, order.seller.uscc)
    assert filing.pdf_sha256 == sealing.current_pdf(db, doc.current_revision)
    assert filing.regulator_org_id == user(db, "cz_reviewer").org_id
    notices = list(db.scalars(select(Notice.subject).where(
        Notice.org_id == filing.regulator_org_id)))
    assert f"合同备案：{filing.contract_name}" in notices
    with pytest.raises(TransitionNotAllowed, match="重复"):
        contract_filing.file(db, buyer, order, world.plan, 1)

    pdf = storage.read(filing.pdf_sha256, ".pdf")
    with app.app_context():
        root = authority.authority().root_certificate.public_bytes(Encoding.PEM)
    blocks = pdfsig_blocks(run_pdfsig(nss_database(tmp_path, root), pdf, tmp_path))
    assert len(blocks) == 2
    for block in blocks.values():
        assert "Signature is Valid" in block and "Certificate is Trusted" in block


def _sealed_order(app, db, world):
    from tests.order_setup import sealed_contract

    order = checked_out(db, world)
    sealed_contract(app, db, order)
    return order


def test_returned_then_filed_again_from_another_plan_line_and_received(app, db, world) -> None:
    order, buyer, regulator = _sealed_order(app, db, world), user(db, "cg_clerk"), user(
        db, "cz_reviewer")
    filing = contract_filing.file(db, buyer, order, world.plan, 1)
    with pytest.raises(Forbidden):
        contract_filing.receive(db, user(db, "cg_reviewer"), filing)
    with pytest.raises(InvalidInput, match="退回原因"):
        contract_filing.return_filing(db, regulator, filing, "  ")
    contract_filing.return_filing(db, regulator, filing, "请改用本年度第二批采购计划")
    assert filing.status is FilingStatus.returned and filing.note == "请改用本年度第二批采购计划"
    with pytest.raises(TransitionNotAllowed):
        contract_filing.receive(db, regulator, filing)  # nothing to decide until filed again

    second = approved_plan(db)
    contract_filing.file(db, buyer, order, second, 1)
    db.expire_all()
    assert (order.plan_id, order.plan_line) == (second.id, 1) == (filing.plan_id, filing.plan_line)
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")  # released
    assert plans.lines(db, second)[0].spent == Decimal("34800.00")  # spent once, here
    contract_filing.receive(db, regulator, filing)
    assert filing.status is FilingStatus.received and filing.note is None
    with pytest.raises(TransitionNotAllowed, match="重复"):
        contract_filing.file(db, buyer, order, world.plan, 1)


def test_a_plan_line_of_another_category_is_refused_and_nothing_moves(app, db, world) -> None:
    order, buyer = _sealed_order(app, db, world), user(db, "cg_clerk")
    with pytest.raises(InvalidInput, match="复印纸"):
        contract_filing.file(db, buyer, order, world.plan, 2)  # line 2 is 复印纸
    db.expire_all()
    assert contract_filing.of_order(db, order) is None
    assert (order.plan_id, order.plan_line) == (world.plan.id, 1)
    assert [line.spent for line in plans.lines(db, world.plan)] == [
        Decimal("34800.00"), Decimal("0.00")]


def test_filed_and_received_over_http(app, db, world, signed_in) -> None:
    order = _sealed_order(app, db, world)
    buyer = signed_in("cg_clerk")
    page = buyer.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "报送备案" in page and f'value="{world.plan.id}:1"' in page
    assert f'value="{world.plan.id}:2"' not in page  # 复印纸 is not offered
    assert buyer.post(f"/orders/{order.id}/filing", data={
        "plan_line": f"{world.plan.id}:1"}).status_code == 400  # no CSRF token
    response = buyer.post(f"/orders/{order.id}/filing", data={
        "csrf_token": csrf_token(page), "plan_line": f"{world.plan.id}:1"})
    assert response.status_code == 302
    filing = contract_filing.of_order(db, order)
    assert filing is not None and response.headers["Location"].endswith(f"/filings/{filing.id}")

    seller = signed_in("gys_reseller")  # the seller reads it; it cannot decide it
    seen = seller.get(f"/filings/{filing.id}")
    assert seen.status_code == 200 and "备案</button>" not in seen.get_data(as_text=True)
    assert seller.post(f"/filings/{filing.id}/receive", data={
        "csrf_token": csrf_token(seen.get_data(as_text=True))}).status_code == 403
    outsider = signed_in("bt_clerk")
    assert outsider.get(f"/filings/{filing.id}").status_code == 403

    regulator = signed_in("cz_reviewer")
    listing = regulator.get("/filings").get_data(as_text=True)
    assert filing.contract_name in listing and "待备案" in listing
    page = regulator.get(f"/filings/{filing.id}").get_data(as_text=True)
    pdf = regulator.get(f"/filings/{filing.id}/contract.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["ETag"] == f'"{filing.pdf_sha256}"'
    refused = regulator.post(f"/filings/{filing.id}/return", data={
        "csrf_token": csrf_token(page), "reason": ""})
    assert refused.status_code == 400 and "退回原因" in refused.get_data(as_text=True)
    assert regulator.post(f"/filings/{filing.id}/receive", data={
        "csrf_token": csrf_token(page)}).status_code == 302
    db.expire_all()
    assert filing.status is FilingStatus.received
    assert "已备案" in buyer.get(f"/orders/{order.id}").get_data(as_text=True)
