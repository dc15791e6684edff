"""开放式框架协议: a supplier applies to join during the term with a stocked product at a price
not above the payment standard; the agency admits it (a shortlisted supplier) or refuses it
with a reason."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from portal.domain import open_applications as oa
from portal.domain import shortlisted_admin as admin
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import ApplicationStatus, ShortlistSource, beijing_now
from tests.delegation_setup import (
    agreement_project,
    org,
    second_manufacturer,
    stocked_product,
    user,
)
from tests.evaluation_setup import _blank_pdf
from tests.helpers import csrf_token

pytestmark = pytest.mark.db


@pytest.fixture
def open_agreement(demo, db):
    """An open agreement whose lot 01 has only the second manufacturer (6,050.00); 北方信创
    has a stocked 台式计算机 of its own to apply with."""
    setup = agreement_project(db, "NMGZC-T14-0301", agreement_type="open")
    db.delete(setup.suppliers[0])
    db.commit()
    product = stocked_product(db, org(db, "北方信创计算机有限公司"), "世恒TD200")
    db.commit()
    return setup.project, product


def _apply(db, project, product, price="6000.00", now=None, **extra):
    return oa.apply(db, user(db, "gys_mfr"), project, **{
        "lot_number": "01", "product_id": product.id, "unit_price": Decimal(price),
        "statement": "具备独立承担民事责任的能力", "filename": "资格.pdf",
        "qualification": _blank_pdf(), "now": now or beijing_now(), **extra})


def test_apply_and_admit_makes_an_active_shortlisted_supplier(demo, db, open_agreement) -> None:
    project, product = open_agreement
    start, end = oa.term(db, project)
    assert start <= beijing_now() <= end
    application = _apply(db, project, product)
    assert application.status is ApplicationStatus.submitted
    with pytest.raises(Forbidden):  # the agency's reviewer reviews, not its clerk
        oa.admit(db, user(db, "dl_clerk"), application)
    with pytest.raises(Forbidden):
        oa.admit(db, user(db, "zj_reviewer"), application)  # the collector has an agency
    s = oa.admit(db, user(db, "dl_reviewer"), application)
    assert application.status is ApplicationStatus.admitted and application.shortlisted_id == s.id
    assert s.source is ShortlistSource.open_application and admin.is_active(s)
    assert (s.name, s.uscc, s.unit_price) == ("北方信创计算机有限公司", s.supplier.uscc,
                                              Decimal("6000.00"))
    assert s in admin.active_suppliers(db, project, "01")
    assert [e.action for e in admin.history(db, s)] == ["shortlisted.admitted"]
    with pytest.raises(TransitionNotAllowed):
        oa.admit(db, user(db, "dl_reviewer"), application)
    with pytest.raises(InvalidInput):  # already in the lot
        _apply(db, project, product, "5000.00")


def test_price_above_the_payment_standard_is_refused_with_the_figures(demo, db,
                                                                     open_agreement) -> None:
    project, product = open_agreement
    # the highest active shortlisted price (6,050.00) caps the lot's 6,500.00
    with pytest.raises(InvalidInput) as refused:
        _apply(db, project, product, "6050.01")
    assert "6050.01" in refused.value.message and "6050.00" in refused.value.message
    # with nobody shortlisted any more, the payment standard is the lot's maximum unit price
    admin.change_status(db, user(db, "zj_clerk"),
                        admin.of_project(db, project)[0], "suspend", "暂停")
    with pytest.raises(InvalidInput) as refused:
        _apply(db, project, product, "6500.01")
    assert "6500.00" in refused.value.message
    assert _apply(db, project, product, "6500.00").status is ApplicationStatus.submitted


def test_only_a_stocked_product_of_the_lots_category_and_only_during_the_term(
        demo, db, open_agreement) -> None:
    project, product = open_agreement
    maker = org(db, "北方信创计算机有限公司")
    unstocked = stocked_product(db, maker, "世恒TD300", stocked=False)
    other_category = stocked_product(db, maker, "擎云L420", category="便携式计算机")
    foreign = stocked_product(db, second_manufacturer(db), "TD999")
    db.commit()
    for wrong in (unstocked, other_category, foreign):
        with pytest.raises(InvalidInput):
            _apply(db, project, wrong)
    start, end = oa.term(db, project)
    for outside in (start - timedelta(minutes=1), end + timedelta(minutes=1)):
        with pytest.raises(TransitionNotAllowed):
            _apply(db, project, product, now=outside)
    with pytest.raises(Forbidden):
        oa.apply(db, user(db, "zj_clerk"), project, lot_number="01", product_id=product.id,
                 unit_price=Decimal("1.00"), statement="x", filename="a.pdf",
                 qualification=_blank_pdf(), now=beijing_now())


def test_a_closed_agreement_takes_no_applications(demo, db) -> None:
    setup = agreement_project(db, "NMGZC-T14-0302")
    product = setup.suppliers[0].product_id
    with pytest.raises(TransitionNotAllowed):
        oa.apply(db, user(db, "gys_mfr"), setup.project, lot_number="01", product_id=product,
                 unit_price=Decimal("1.00"), statement="x", filename="a.pdf",
                 qualification=_blank_pdf(), now=beijing_now())


def test_rejection_needs_a_reason(demo, db, open_agreement) -> None:
    project, product = open_agreement
    application = _apply(db, project, product)
    with pytest.raises(InvalidInput):
        oa.reject(db, user(db, "dl_reviewer"), application, "")
    oa.reject(db, user(db, "dl_reviewer"), application, "资格证明材料不全")
    assert application.status is ApplicationStatus.rejected
    assert application.reason == "资格证明材料不全"
    assert application.shortlisted_id is None


def test_the_application_pages(demo, db, signed_in, open_agreement) -> None:
    project, product = open_agreement
    mfr = signed_in("gys_mfr")
    listed = mfr.get("/open-applications").get_data(as_text=True)
    assert project.name in listed
    page = mfr.get(f"/open-applications/projects/{project.id}").get_data(as_text=True)
    assert "6,050.00" in page and product.model in page
    form = {"csrf_token": csrf_token(page), "lot": "01", "product": str(product.id),
            "unit_price": "7000", "statement": "具备资格条件"}
    url, multipart = f"/open-applications/projects/{project.id}", "multipart/form-data"
    above = mfr.post(url, content_type=multipart,
                     data={**form, "qualification": (io.BytesIO(_blank_pdf()), "q.pdf")})
    text = above.get_data(as_text=True)
    assert above.status_code == 400 and "7000.00" in text and "6050.00" in text
    assert "具备资格条件" in text  # kept
    ok = mfr.post(url, content_type=multipart,
                  data={**form, "unit_price": "6000",
                        "qualification": (io.BytesIO(_blank_pdf()), "q.pdf")})
    assert ok.status_code == 302
    application = oa.of_supplier(db, org(db, "北方信创计算机有限公司").id)[0]
    assert signed_in("zg_reviewer").get(
        f"/open-applications/{application.id}/qualification.pdf").status_code == 404
    reviewer = signed_in("dl_reviewer")
    review = reviewer.get("/open-applications").get_data(as_text=True)
    assert "北方信创计算机有限公司" in review
    token = csrf_token(reviewer.get("/").get_data(as_text=True))
    empty = reviewer.post(f"/open-applications/{application.id}/reject",
                          data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 400 and "须填写原因" in empty.get_data(as_text=True)
    assert signed_in("gys_mfr").post(f"/open-applications/{application.id}/admit",
                                     data={"csrf_token": token}).status_code in (400, 403)
    assert reviewer.post(f"/open-applications/{application.id}/admit",
                         data={"csrf_token": token}).status_code == 302
    db.expire_all()
    assert application.status is ApplicationStatus.admitted
