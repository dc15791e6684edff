"""非入围合同授予: the purchaser applies with a controlled price below every agreement price of
the lot and evidence; the collector's clerk approves or rejects with a reason; an approved
application becomes a 二次竞价 whose maximum is the controlled price and which invites the
non-shortlisted supplier, who can win it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal.domain import awards, biddings
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import AwardStatus, BiddingStatus, Document, beijing, beijing_now, utcnow
from tests.delegation_setup import org, user
from tests.evaluation_setup import _blank_pdf
from tests.order_setup import in_force

pytestmark = pytest.mark.db
SERVICE = "呼和浩特市洁安物业服务有限公司"  # registered, not shortlisted in the lot


@pytest.fixture
def world(demo, db):
    return in_force(db)


def _apply(db, world, price="5500", supplier=SERVICE):
    return awards.apply(db, user(db, "cg_clerk"), f"{world.setup.suppliers[0].id}-0",
                        org(db, supplier).id, "10", price, "同型号产品市场价更低，附三家报价单。",
                        "报价单.pdf", _blank_pdf(), beijing_now().date())


def test_applied_below_every_agreement_price_and_decided_by_the_collector(db, world) -> None:
    with pytest.raises(InvalidInput, match="须低于本包最低的协议价格 5,800.00 元"):
        _apply(db, world, price="5800")  # 蒙讯's listed price is the lowest offered here
    with pytest.raises(InvalidInput, match="未入围本包"):
        _apply(db, world, supplier="北方信创计算机有限公司")
    award = _apply(db, world)
    assert award.status is AwardStatus.submitted and award.agreement_price == Decimal("5800.00")
    with pytest.raises(Forbidden):
        awards.decide(db, user(db, "cg_clerk"), award, True, "")
    with pytest.raises(InvalidInput, match="原因"):
        awards.decide(db, user(db, "zj_clerk"), award, False, " ")
    awards.decide(db, user(db, "zj_clerk"), award, True, "证明材料充分")
    assert award.status is AwardStatus.approved
    with pytest.raises(TransitionNotAllowed):
        awards.decide(db, user(db, "zj_clerk"), award, False, "再议")


def test_an_approved_award_becomes_a_bidding_the_outside_supplier_can_win(db, world) -> None:
    award = _apply(db, world)
    now = utcnow()
    request = biddings.Request(requirement="同型号台式计算机", quantity="10", unit="台",
                               max_unit_price="5500", delivery_place="东风路12号",
                               start=beijing(now + timedelta(minutes=5)), duration_minutes=30)
    buyer = user(db, "cg_clerk")
    with pytest.raises(TransitionNotAllowed, match="审核通过后"):
        biddings.create(db, buyer, world.setup.project, "01", world.plan, 1, request, now,
                        award=award)
    awards.decide(db, user(db, "zj_clerk"), award, True, "")
    from dataclasses import replace
    with pytest.raises(InvalidInput, match="高于非入围合同授予的控制单价 5,500.00 元"):
        biddings.create(db, buyer, world.setup.project, "01", world.plan, 1,
                        replace(request, max_unit_price="5600"), now, award=award)
    bidding = biddings.create(db, buyer, world.setup.project, "01", world.plan, 1, request, now,
                              award=award)
    outsider = next(s for s in bidding.sellers if s.shortlisted_id is None)
    assert outsider.seller.name == SERVICE and outsider.cap_price == Decimal("5500.00")
    with pytest.raises(TransitionNotAllowed, match="已生成"):
        biddings.create(db, buyer, world.setup.project, "01", world.plan, 1, request, now,
                        award=award)
    biddings.publish(db, buyer, bidding, now)
    provider, maker = user(db, "gys_service"), user(db, "gys_mfr")
    for seller in (provider, maker):
        biddings.join(db, seller, bidding)
    biddings.quote(db, maker, bidding, "5480", None, bidding.start_at)
    biddings.quote(db, provider, bidding, "5390", None, bidding.start_at + timedelta(seconds=5))
    order = biddings.confirm(db, buyer, bidding, bidding.end_at)
    assert bidding.status is BiddingStatus.confirmed and order.seller.name == SERVICE
    assert order.lines[0].shortlisted_id == award.shortlisted_id  # the lot it is bought under
    assert order.total == Decimal("53900.00")
    deal = db.get(Document, bidding.deal_id)
    assert deal.current_revision.data["deal_method"] == "non_shortlisted_award"


def test_applied_and_approved_through_the_pages(db, world, signed_in) -> None:
    import io

    from tests.helpers import csrf_token

    key = f"{world.setup.suppliers[0].id}-0"
    buyer = signed_in("cg_clerk")
    assert f'href="/awards/new/{key}"' in buyer.get(f"/catalogue/{key}").get_data(as_text=True)
    form = buyer.get(f"/awards/new/{key}").get_data(as_text=True)
    assert SERVICE in form and "北方信创计算机有限公司</option>" not in form
    fields = {"csrf_token": csrf_token(form), "supplier": str(org(db, SERVICE).id),
              "quantity": "10", "controlled_price": "5500", "reason": "市场价更低"}
    not_pdf = buyer.post(f"/awards/new/{key}", data={
        **fields, "evidence": (io.BytesIO(b"hello"), "e.pdf")},
        content_type="multipart/form-data")
    assert not_pdf.status_code == 400 and "市场价更低" in not_pdf.get_data(as_text=True)
    done = buyer.post(f"/awards/new/{key}", data={
        **fields, "evidence": (io.BytesIO(_blank_pdf()), "报价单.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    (award,) = awards.of_org(db, user(db, "cg_clerk").org_id)
    collector = signed_in("zj_clerk")
    page = collector.get(f"/awards/{award.id}").get_data(as_text=True)
    assert collector.get(f"/awards/{award.id}/evidence.pdf").data.startswith(b"%PDF")
    assert collector.post(f"/awards/{award.id}/decide", data={
        "csrf_token": csrf_token(page), "decision": "approve", "note": ""}).status_code == 302
    page = buyer.get(f"/awards/{award.id}").get_data(as_text=True)
    assert "生成二次竞价项目" in page
    new = buyer.get(f"/biddings/new/{key}?award={award.id}").get_data(as_text=True)
    assert 'value="5500.00"' in new and SERVICE in new
    assert signed_in("gys_mfr").get(f"/awards/{award.id}").status_code == 403
