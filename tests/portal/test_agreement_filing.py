"""框架协议备案: where the region requires it, no call-off may use an agreement until the
regulator has received its filing; returned filings may be filed again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.domain import agreement_filing as filing
from portal.domain import agreements, shortlisted
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import AuditEvent, FilingStatus, Region, ShortlistedStatus
from tests.agreement_setup import approved_agreements, fully_sealed, published_shortlist
from tests.helpers import user

pytestmark = pytest.mark.db


def require_filing(db: Any, code: str = "150000", required: bool = True) -> None:
    region = db.scalar(select(Region).where(Region.code == code))
    filing.set_required(db, user(db, "cz_reviewer"), region, required)


def test_the_demo_requires_filing_in_henan_only(app, db, demo_keys) -> None:
    chosen = {region.code: required for region, required in filing.settings(db)}
    assert chosen["410000"] is True and chosen["150000"] is False


def test_call_offs_are_refused_against_an_unfiled_agreement_where_filing_is_required(
        app, db, demo_keys) -> None:
    project = fully_sealed(app, db)
    first = shortlisted.of_project(db, project)[0]
    filing.require_usable(db, first)  # not required here yet: a sealed agreement is usable
    require_filing(db)
    with pytest.raises(filing.AgreementNotUsable, match="尚未备案"):
        filing.require_usable(db, first)
    assert filing.submit_all(db, user(db, "zj_clerk"), project) == 2
    with pytest.raises(filing.AgreementNotUsable, match="尚未备案"):  # submitted is not filed
        filing.require_usable(db, first)
    agreement = agreements.of_shortlisted(db, first)
    filing.receive(db, user(db, "cz_reviewer"), agreement)
    assert agreement.filing_status is FilingStatus.received
    filing.require_usable(db, first)
    events = [e.action for e in db.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "framework_agreement"))]
    assert events.count("agreement.filing_submitted") == 2
    assert "agreement.filing_received" in events


def test_an_agreement_not_sealed_by_both_or_a_supplier_not_active_is_not_usable(
        app, db, demo_keys) -> None:
    project = published_shortlist(app, db)
    first = shortlisted.of_project(db, project)[0]
    with pytest.raises(filing.AgreementNotUsable, match="尚未由双方签订"):
        filing.require_usable(db, first)
    approved_agreements(app, db, project)
    with pytest.raises(filing.AgreementNotUsable, match="尚未由双方签订"):
        filing.require_usable(db, first)
    first.status = ShortlistedStatus.suspended
    db.commit()
    with pytest.raises(filing.AgreementNotUsable, match="已暂停"):
        filing.require_usable(db, first)


def test_a_returned_filing_carries_its_reason_and_may_be_filed_again(app, db, demo_keys) -> None:
    project = fully_sealed(app, db)
    require_filing(db)
    clerk, regulator = user(db, "zj_clerk"), user(db, "cz_reviewer")
    filing.submit_all(db, clerk, project)
    agreement = agreements.of_project(db, project)[0].agreement
    with pytest.raises(InvalidInput, match="退回原因"):
        filing.return_filing(db, regulator, agreement, "  ")
    filing.return_filing(db, regulator, agreement, "协议期限与征集文件不一致")
    assert agreement.filing_status is FilingStatus.returned
    assert agreement.filing_note == "协议期限与征集文件不一致"
    with pytest.raises(TransitionNotAllowed):
        filing.receive(db, regulator, agreement)
    assert filing.submit_all(db, clerk, project) == 1  # only the returned one
    assert agreement.filing_status is FilingStatus.submitted
    with pytest.raises(TransitionNotAllowed, match="没有待报送"):
        filing.submit_all(db, clerk, project)


def test_only_the_collector_files_and_only_the_regions_regulator_decides(
        app, db, demo_keys) -> None:
    project = fully_sealed(app, db)
    require_filing(db)
    agreement = agreements.of_project(db, project)[0].agreement
    for name in ("zj_reviewer", "gys_mfr", "hn_clerk"):
        with pytest.raises(Forbidden):
            filing.submit(db, user(db, name), agreement)
    db.rollback()
    filing.submit_all(db, user(db, "zj_clerk"), project)
    for name in ("zj_clerk", "zj_reviewer", "gys_mfr"):
        with pytest.raises(Forbidden):
            filing.receive(db, user(db, name), agreement)
    assert filing.regulator_of(db, project).name == "内蒙古自治区财政厅"


def test_filing_is_refused_where_the_region_does_not_require_it(app, db, demo_keys) -> None:
    project = fully_sealed(app, db)
    with pytest.raises(TransitionNotAllowed, match="不要求框架协议备案"):
        filing.submit_all(db, user(db, "zj_clerk"), project)


def test_the_administrators_switch_is_audited_and_provincial(app, db, demo_keys) -> None:
    require_filing(db)
    require_filing(db, required=False)
    changes = [(e.before, e.after) for e in db.scalars(select(AuditEvent).where(
        AuditEvent.action == "region.agreement_filing_set", AuditEvent.subject_id == "150000")
        .order_by(AuditEvent.seq))]
    assert changes == [("false", "true"), ("true", "false")]
    city = db.scalar(select(Region).where(Region.parent_id.is_not(None)))
    with pytest.raises(InvalidInput):
        filing.set_required(db, user(db, "cz_reviewer"), city, True)


def test_the_page_shows_the_signing_and_filing_deadlines(app, db, demo_keys, signed_in) -> None:
    from datetime import timedelta

    from portal.models import beijing

    project = published_shortlist(app, db)
    published = shortlisted.published_shortlist(db, project)
    today = beijing(published.updated_at).date()  # the day it was published, Beijing time
    assert agreements.signing_deadline(db, project) == today + timedelta(days=30)
    page = signed_in("zj_clerk").get(f"/projects/{project.id}/agreements")
    assert (today + timedelta(days=30)).isoformat() in page.get_data(as_text=True)
    fully_sealed(app, db, project)
    require_filing(db)
    agreement = agreements.of_project(db, project)[0].agreement
    deadline = filing.filing_deadline(db, agreement)
    assert deadline is not None and deadline >= today + timedelta(days=7)
    calendar = filing.workdays.calendar(db)
    assert calendar.working_days(today + timedelta(days=1), deadline) == 7
    shown = signed_in("zj_clerk").get(f"/projects/{project.id}/agreements")
    assert f"备案期限：{deadline.isoformat()}" in shown.get_data(as_text=True)
