"""厂家授权 / 委托代理商: the supplier delegates with a checked letter, the collector confirms or
rejects, one confirmed reseller per agreement, delivery regions, and the reseller's price never
above the shortlisted price."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain import delegations
from portal.domain import shortlisted_admin as admin
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import AuditEvent, DelegationStatus, Region
from tests.delegation_setup import agreement_project, org, user
from tests.evaluation_setup import _blank_pdf
from tests.helpers import csrf_token

pytestmark = pytest.mark.db
RESELLER = "内蒙古蒙讯科技有限公司"


@pytest.fixture
def shortlisted(demo, db):
    return agreement_project(db, "NMGZC-T14-0201")


def _delegated(db, s):
    return delegations.delegate(db, user(db, "gys_mfr"), s, org(db, RESELLER), "委托书.pdf",
                                _blank_pdf())


def _region(db, code: str) -> Region:
    return db.scalar(select(Region).where(Region.code == code))


def test_delegate_confirm_regions_and_price(demo, db, shortlisted) -> None:
    s = shortlisted.suppliers[0]  # 北方信创 at 5,890.00
    d = _delegated(db, s)
    assert d.status is DelegationStatus.pending and not delegations.counting(d)
    with pytest.raises(TransitionNotAllowed):  # not yet confirmed
        delegations.set_price(db, user(db, "gys_reseller"), d, Decimal("5000.00"))
    delegations.confirm(db, user(db, "zj_clerk"), d)
    assert delegations.counting(d) and delegations.confirmed_for(db, s) == d
    delegations.set_regions(db, user(db, "gys_mfr"), d, [_region(db, "150200").id])
    assert [r.region.code for r in d.regions] == ["150200"]
    with pytest.raises(InvalidInput) as above:
        delegations.set_price(db, user(db, "gys_reseller"), d, Decimal("5890.01"))
    assert "5890.01" in above.value.message and "5890.00" in above.value.message
    assert d.price is None
    delegations.set_price(db, user(db, "gys_reseller"), d, Decimal("5890.00"))  # equal is fine
    assert d.price == Decimal("5890.00") and d.listed_at is not None
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "reseller_delegation", AuditEvent.subject_id == str(d.id))
        .order_by(AuditEvent.seq)).all()
    assert actions == ["delegation.requested", "delegation.confirmed", "delegation.regions",
                       "delegation.priced"]


def test_one_confirmed_reseller_per_agreement(demo, db, shortlisted) -> None:
    s = shortlisted.suppliers[0]
    first = _delegated(db, s)
    delegations.confirm(db, user(db, "zj_clerk"), first)
    second = _delegated(db, s)
    delegations.confirm(db, user(db, "zj_clerk"), second)
    assert first.status is DelegationStatus.withdrawn
    assert delegations.confirmed_for(db, s) == second
    third, fourth = _delegated(db, s), _delegated(db, s)  # a new request replaces a pending one
    assert third.status is DelegationStatus.withdrawn and fourth.status is DelegationStatus.pending


def test_only_the_parties_may_act(demo, db, shortlisted) -> None:
    s = shortlisted.suppliers[0]
    for name in ("gys_reseller", "zj_clerk", "gys_service"):
        with pytest.raises(Forbidden):
            delegations.delegate(db, user(db, name), s, org(db, RESELLER), "a.pdf", _blank_pdf())
    d = _delegated(db, s)
    for name in ("zj_reviewer", "dl_clerk", "gys_mfr", "zg_clerk"):
        with pytest.raises(Forbidden):
            delegations.confirm(db, user(db, name), d)
    with pytest.raises(InvalidInput):  # a reason is required
        delegations.reject(db, user(db, "zj_clerk"), d, " ")
    delegations.reject(db, user(db, "zj_clerk"), d, "委托协议未盖章")
    assert d.status is DelegationStatus.rejected and d.reason == "委托协议未盖章"
    with pytest.raises(InvalidInput):  # a manufacturer is no reseller
        delegations.delegate(db, user(db, "gys_mfr"), s, org(db, "北方信创计算机有限公司"),
                             "a.pdf", _blank_pdf())


def test_a_suspended_suppliers_delegation_stops_counting(demo, db, shortlisted) -> None:
    s = shortlisted.suppliers[0]
    d = _delegated(db, s)
    delegations.confirm(db, user(db, "zj_clerk"), d)
    admin.change_status(db, user(db, "zj_clerk"), s, "suspend", "质量投诉")
    assert not delegations.counting(d)
    with pytest.raises(TransitionNotAllowed):
        delegations.set_price(db, user(db, "gys_reseller"), d, Decimal("5000.00"))
    with pytest.raises(TransitionNotAllowed):
        _delegated(db, s)


def test_the_delegation_pages(demo, db, signed_in, shortlisted) -> None:
    s = shortlisted.suppliers[0]
    mfr = signed_in("gys_mfr")
    page = mfr.get("/delegations").get_data(as_text=True)
    assert s.project.name in page and RESELLER in page
    token = csrf_token(page)
    # not a PDF: refused with the reason, 400
    bad = mfr.post(f"/delegations/shortlisted/{s.id}", data={
        "csrf_token": token, "reseller": str(org(db, RESELLER).id),
        "letter": (io.BytesIO(b"hello"), "letter.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 400 and "不是 PDF" in bad.get_data(as_text=True)
    # another supplier's agreement is not found
    other = signed_in("gys_service")
    assert other.post(f"/delegations/shortlisted/{s.id}",
                      data={"csrf_token": csrf_token(other.get("/delegations").get_data(
                          as_text=True))}).status_code == 404
    done = mfr.post(f"/delegations/shortlisted/{s.id}", data={
        "csrf_token": token, "reseller": str(org(db, RESELLER).id),
        "letter": (io.BytesIO(_blank_pdf()), "letter.pdf")}, content_type="multipart/form-data")
    assert done.status_code == 302
    d = delegations.of_shortlisted(db, s)[0]
    collector = signed_in("zj_clerk")
    ctoken = csrf_token(collector.get("/delegations").get_data(as_text=True))
    assert signed_in("dl_clerk").get("/delegations").status_code == 403
    assert collector.get(f"/delegations/{d.id}/letter.pdf").data.startswith(b"%PDF")
    assert signed_in("zg_clerk").get(f"/delegations/{d.id}/letter.pdf").status_code == 404
    assert collector.post(f"/delegations/{d.id}/confirm",
                          data={"csrf_token": ctoken}).status_code == 302
    reseller = signed_in("gys_reseller")
    rtoken = csrf_token(reseller.get("/delegations").get_data(as_text=True))
    above = reseller.post(f"/delegations/{d.id}/price",
                          data={"csrf_token": rtoken, "price": "6000"})
    text = above.get_data(as_text=True)
    assert above.status_code == 400 and "6000.00" in text and "5890.00" in text
    assert 'value="6000"' in text  # what was typed stays
    assert reseller.post(f"/delegations/{d.id}/price",
                         data={"csrf_token": rtoken, "price": "5800.50"}).status_code == 302
    db.expire_all()
    assert d.price == Decimal("5800.50")
