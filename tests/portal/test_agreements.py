"""框架协议 from the published shortlist: generated once per 入围供应商 with 甲方 the collector
and 乙方 that supplier, reviewed, sealed by the supplier it names alone, then by the collector in
one action once every supplier has sealed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.demo import DEMO_PIN
from portal.domain import agreements, lifecycle, sealing, shortlisted
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    FrameworkAgreement,
    SealStatus,
    ShortlistedSupplier,
)
from tests.agreement_setup import (
    SUPPLIER_ACCOUNTS,
    approved_agreements,
    published_shortlist,
    supplier_seals,
)
from tests.helpers import OPINION, user, work

pytestmark = pytest.mark.db


def test_publishing_the_shortlist_synchronises_its_suppliers_once(app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    rows = shortlisted.of_project(db, project)
    assert [(r.name, f"{r.unit_price:.2f}", r.rank) for r in rows] == [
        (user(db, "gys_service").org.name, "5600.00", 1),
        (user(db, "gys_mfr").org.name, "5890.00", 2)]
    first = rows[0]
    assert first.uscc == user(db, "gys_service").org.uscc  # locked as the evaluation recorded
    assert first.address == user(db, "gys_service").org.address and first.contact
    assert first.shortlist_id is not None
    # again (e.g. from a command): nothing added, nothing changed
    first.address = "呼和浩特市新城区新华大街1号"
    db.commit()
    assert shortlisted.synchronise(db, None, project) == []
    db.commit()
    assert db.scalar(select(func.count()).select_from(ShortlistedSupplier)) == 2
    assert shortlisted.of_project(db, project)[0].address == "呼和浩特市新城区新华大街1号"


def test_generating_makes_one_agreement_per_supplier_naming_it_and_never_twice(
        app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    made = agreements.generate(db, user(db, "zj_clerk"), project)
    assert len(made) == 2
    again = agreements.generate(db, user(db, "zj_clerk"), project)
    assert [a.id for a in again] == [a.id for a in made]
    assert db.scalar(select(func.count()).select_from(FrameworkAgreement)) == 2
    assert db.scalar(select(func.count()).select_from(Document).where(
        Document.kind == "framework_agreement")) == 2
    for agreement in made:
        doc = db.get(Document, agreement.document_id)
        row = agreement.shortlisted
        data = lifecycle.draft_formdata(doc)
        assert data["supplier-name"] == row.name and data["supplier-uscc"] == row.uscc
        assert data["collector-name"] == project.collector.name
        assert data["products-0-agreement_price"] == f"{row.unit_price:.2f}"
        assert data["max_unit_price"] == "6500.00" and data["lot_number"] == "01"
        assert doc.party_org_id("supplier") == row.supplier_org_id
        assert lifecycle.check_draft(doc) == {}  # complete: the clerk only checks and submits
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "agreement.generated")) == 2


def test_only_the_organiser_generates_and_only_after_the_shortlist_is_published(
        app, db, demo_keys) -> None:
    from tests.agreement_setup import confirmed_lot

    project = confirmed_lot(app, db)
    with pytest.raises(TransitionNotAllowed, match="入围结果公告发布后"):
        agreements.generate(db, user(db, "zj_clerk"), project)
    for name in ("zj_reviewer", "gys_mfr", "dl_clerk"):
        with pytest.raises(Forbidden):
            agreements.generate(db, user(db, name), project)


def test_the_review_needs_an_opinion(app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    agreements.generate(db, user(db, "zj_clerk"), project)
    agreements.submit_all(db, user(db, "zj_clerk"), project)
    doc = agreements.of_project(db, project)[0].document
    with pytest.raises(lifecycle.OpinionsMissing):
        lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, {})
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    assert doc.status is DocumentStatus.approved


def test_an_agreement_can_be_sealed_only_by_the_organisation_it_names(app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    approved_agreements(app, db, project)
    service_org = user(db, "gys_service").org_id
    theirs = next(g.document for g in agreements.of_project(db, project)
                  if g.agreement.shortlisted.supplier_org_id == service_org)
    for other in ("gys_mfr", "gys_reseller", "zj_clerk"):
        assert not sealing.may_seal(db, user(db, other), theirs)
        with pytest.raises(Forbidden):
            sealing.start(db, user(db, other), theirs, None, 0, None, None)
    assert sealing.may_seal(db, user(db, "gys_service"), theirs)
    supplier_seals(app, db, project, "gys_service")
    assert agreements.rows(db, project)[0].supplier_sealed


def test_collector_sealing_is_refused_until_every_supplier_has_sealed(app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    approved_agreements(app, db, project)
    supplier_seals(app, db, project, "gys_service")
    clerk = user(db, "zj_clerk")
    mfr = user(db, "gys_mfr").org.name
    with pytest.raises(TransitionNotAllowed, match=f"尚未签订.*{mfr}"):
        agreements.start_collector_sealing(db, clerk, project)
    assert agreements.batch(db, project) == []
    with pytest.raises(Forbidden):
        agreements.start_collector_sealing(db, user(db, "gys_mfr"), project)


def test_one_click_seals_every_agreement_with_one_pin(app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    approved_agreements(app, db, project)
    for username in SUPPLIER_ACCOUNTS:
        supplier_seals(app, db, project, username)
    clerk = user(db, "zj_clerk")
    started = agreements.start_collector_sealing(db, clerk, project)
    assert len(started) == 2
    # twice: nothing more is started (idempotent)
    assert agreements.start_collector_sealing(db, clerk, project) == []
    work(app)
    db.expire_all()
    assert {s.status for s in agreements.batch(db, project)} == {SealStatus.awaiting_key}
    with pytest.raises(InvalidInput, match="密码"):
        agreements.sign_all(db, clerk, project, "wrong-pin")
    db.rollback()
    assert agreements.sign_all(db, clerk, project, DEMO_PIN) == 2
    work(app)
    db.expire_all()
    assert agreements.confirm_all(db, clerk, project) == 2
    db.expire_all()
    for generated in agreements.of_project(db, project):
        assert generated.document.status is DocumentStatus.sealed
        assert agreements.is_sealed(db, generated.agreement)
    assert all(r.supplier_sealed and r.collector_sealed for r in agreements.rows(db, project))


def test_the_command_synchronises_what_is_missing(app, db, demo_keys, database_url, redis_url,
                                                 var_dir, monkeypatch) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    project = published_shortlist(app, db)
    db.delete(shortlisted.of_project(db, project)[1])
    db.commit()
    for key, value in {"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                       "KUANGCAI_VAR_DIR": str(var_dir)}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["shortlisted", project.number])
    assert result.exit_code == 0, result.output
    assert "新增入围供应商 1 家，共 2 家" in result.output
    assert CliRunner().invoke(main, ["shortlisted", "NO-SUCH"]).exit_code == 1
    db.expire_all()
    assert len(shortlisted.of_project(db, project)) == 2


def test_generating_at_the_same_moment_as_another_request_keeps_one(
        app, db, demo_keys, monkeypatch) -> None:
    project = published_shortlist(app, db)
    (first, _second) = agreements.generate(db, user(db, "zj_clerk"), project)
    real = agreements.of_shortlisted
    calls = []

    def not_yet_seen(session, row):  # the other request's agreement was not committed yet
        calls.append(row.id)
        return None if len(calls) == 1 else real(session, row)

    monkeypatch.setattr(agreements, "of_shortlisted", not_yet_seen)
    again = agreements.generate_for(db, user(db, "zj_clerk"), first.shortlisted)
    assert again.id == first.id
    assert db.scalar(select(func.count()).select_from(Document).where(
        Document.kind == "framework_agreement")) == 2  # the extra draft was discarded


def test_a_shortlisted_supplier_keeps_the_stocked_product_its_response_chose(
        app, db, demo_keys) -> None:
    """The catalogue then shows that product's brand and model; a product that is not the
    supplier's own, or no longer stocked, is not carried (the response's text stays)."""
    from portal.domain import lifecycle, projects
    from portal.models import EvaluationEntry
    from tests.agreement_setup import confirmed_lot
    from tests.delegation_setup import stocked_product
    from tests.helpers import approve_and_seal

    project = confirmed_lot(app, db)
    maker, service = user(db, "gys_mfr").org, user(db, "gys_service").org
    own = stocked_product(db, maker, "世恒TD150")
    others = stocked_product(db, maker, "世恒TD151")
    entries = {e.supplier_org_id: e for e in db.scalars(select(EvaluationEntry))}
    entries[maker.id].product_id = own.id
    entries[service.id].product_id = others.id  # another supplier's product: not carried
    db.commit()
    doc = projects.draft_document(
        db, user(db, "zj_clerk"), project, "shortlist_announcement", "入围结果公告",
        start_from={"project_contact": {"name": "王丽", "phone": "0471-6945678"}})
    approve_and_seal(app, db, doc)
    lifecycle.publish(db, user(db, "zj_clerk"), doc, None)
    rows = {r.supplier_org_id: r for r in shortlisted.of_project(db, project)}
    assert rows[maker.id].product_id == own.id
    assert rows[service.id].product_id is None and rows[service.id].product
