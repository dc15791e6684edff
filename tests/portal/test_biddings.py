"""二次竞价: created with a maximum price not above the agreement prices and a start not in the
past; every seller delivering to the purchaser invited with its cap; quotes refused above the
cap, outside the time, or while the last one stands; hidden from everyone else until the close;
closed exactly once however many workers see it; ranked low to high, ties by the earlier
quote; the confirmed winner becomes an order and a published 成交结果公告."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.domain import accounts, biddings
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    Announcement,
    AuditEvent,
    BiddingStatus,
    Document,
    DocumentStatus,
    OrderStatus,
    Position,
    beijing,
    utcnow,
)
from tests.delegation_setup import org, user
from tests.order_setup import in_force

pytestmark = pytest.mark.db
MAX = "6000.00"


@pytest.fixture
def world(demo, db):
    from portal.views.auth import hasher

    found = in_force(db)
    accounts.create_user(db, actor=None, hasher=hasher(), username="gys_greatwall",
                         display_name="赵晨", password="Demo-2027-Pass!",
                         org=org(db, "内蒙古长城信创整机有限公司"),
                         positions=frozenset({Position.clerk}))
    db.commit()
    return found


def _request(start, minutes=30, **changes):
    values = {"requirement": "教学用台式计算机，i5/16G/512G，三年上门保修。", "quantity": "10",
              "unit": "台", "max_unit_price": MAX, "delivery_place": "呼和浩特市新城区东风路12号",
              "start": beijing(start), "duration_minutes": minutes, **changes}
    return biddings.Request(**values)


def _create(db, world, start, **changes):
    return biddings.create(db, user(db, "cg_clerk"), world.setup.project, "01", world.plan, 1,
                           _request(start, **changes), utcnow())


def _published(db, world, starts_in=timedelta(minutes=5)):
    now = utcnow()
    bidding = _create(db, world, now + starts_in)
    biddings.publish(db, user(db, "cg_clerk"), bidding, now)
    return bidding


def test_created_only_with_a_start_ahead_a_cap_within_the_agreements_and_a_matching_plan_line(
        db, world) -> None:
    now = utcnow()
    with pytest.raises(InvalidInput, match="开始时间不能早于当前时间"):
        _create(db, world, now - timedelta(minutes=1))
    with pytest.raises(InvalidInput, match="6,100.00 元高于框架协议价格（最高 6,050.00 元）"):
        _create(db, world, now + timedelta(minutes=5), max_unit_price="6100")
    with pytest.raises(InvalidInput, match="竞价时长"):
        _create(db, world, now + timedelta(minutes=5), duration_minutes=0)
    with pytest.raises(InvalidInput, match="品目是复印纸"):
        biddings.create(db, user(db, "cg_clerk"), world.setup.project, "01", world.plan, 2,
                        _request(now + timedelta(minutes=5)), now)
    with pytest.raises(Forbidden):
        biddings.create(db, user(db, "cg_reviewer"), world.setup.project, "01", world.plan, 1,
                        _request(now + timedelta(minutes=5)), now)
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")  # nothing reserved

    bidding = _create(db, world, now + timedelta(minutes=5))
    assert plans.lines(db, world.plan)[0].spent == Decimal("60000.00")  # 10 × 6,000.00
    caps = {s.seller.name: (s.cap_price, s.own_price) for s in bidding.sellers}
    assert caps == {"北方信创计算机有限公司": (Decimal("5890.00"), Decimal("5890.00")),
                    "内蒙古长城信创整机有限公司": (Decimal("6000.00"), Decimal("6050.00")),
                    "内蒙古蒙讯科技有限公司": (Decimal("5800.00"), Decimal("5800.00"))}
    assert bidding.status is BiddingStatus.pending
    biddings.publish(db, user(db, "cg_clerk"), bidding, now)
    notice = db.get(Document, bidding.announcement_id)
    assert notice.status is DocumentStatus.published
    assert db.scalar(select(Announcement.board_category).where(
        Announcement.document_id == notice.id)) == "bidding"


def test_quotes_are_checked_hidden_cancelled_requoted_and_refused_after_the_close(
        db, world) -> None:
    bidding = _published(db, world)
    maker, reseller = user(db, "gys_mfr"), user(db, "gys_reseller")
    start, end = bidding.start_at, bidding.end_at
    with pytest.raises(TransitionNotAllowed, match="请先参与"):
        biddings.quote(db, maker, bidding, "5800", None, start)
    for seller in (maker, reseller, user(db, "gys_greatwall")):
        biddings.join(db, seller, bidding)
    with pytest.raises(TransitionNotAllowed, match="竞价将于"):
        biddings.quote(db, maker, bidding, "5800", None, start - timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="高于贵单位框架协议价格 5,890.00 元"):
        biddings.quote(db, maker, bidding, "5895", None, start)
    with pytest.raises(InvalidInput, match="高于贵单位框架协议价格 5,800.00 元"):
        biddings.quote(db, reseller, bidding, "5850", None, start)
    with pytest.raises(Forbidden):
        biddings.quote(db, user(db, "gys_service"), bidding, "5000", None, start)

    biddings.quote(db, maker, bidding, "5790", None, start + timedelta(minutes=1))
    with pytest.raises(TransitionNotAllowed, match="先取消报价"):
        biddings.quote(db, maker, bidding, "5780", None, start + timedelta(minutes=2))
    biddings.cancel(db, maker, bidding, start + timedelta(minutes=2))
    biddings.quote(db, maker, bidding, "5750", None, start + timedelta(minutes=3))
    biddings.quote(db, reseller, bidding, "5750", None, start + timedelta(minutes=4))
    # before the close: each seller sees its own quotes only, the purchaser none
    assert [q.unit_price for q in biddings.visible_quotes(db, reseller, bidding)] == [
        Decimal("5750.00")]
    assert len(biddings.visible_quotes(db, maker, bidding)) == 2  # its cancelled one too
    assert biddings.visible_quotes(db, user(db, "cg_clerk"), bidding) == []

    with pytest.raises(TransitionNotAllowed, match="结束，取消报价未被接受"):
        biddings.cancel(db, reseller, bidding, end)
    with pytest.raises(TransitionNotAllowed, match="结束，报价未被接受"):
        biddings.quote(db, user(db, "gys_greatwall"), bidding, "5000", None, end)
    assert biddings.close_due(db, end) == 1
    ranked = biddings.ranking(db, bidding)  # the same price: the earlier quote first
    assert [(q.seller.seller.name, q.unit_price) for q in ranked] == [
        ("北方信创计算机有限公司", Decimal("5750.00")),
        ("内蒙古蒙讯科技有限公司", Decimal("5750.00"))]
    assert bidding.winner_quote_id == ranked[0].id
    assert len(biddings.visible_quotes(db, user(db, "cg_clerk"), bidding)) == 2


def test_the_close_is_recorded_once_whatever_number_of_workers_see_it(app, make_app, db,
                                                                    world) -> None:
    from portal import db as portal_db

    bidding = _published(db, world)
    biddings.join(db, user(db, "gys_mfr"), bidding)
    biddings.quote(db, user(db, "gys_mfr"), bidding, "5800", None, bidding.start_at)
    end, closed, barrier = bidding.end_at, [], threading.Barrier(3)
    # made here: building apps in threads at once trips CPython 3.11's compiler (the AST
    # recursion-depth check is not thread-safe)
    apps = [make_app() for _ in range(3)]

    def worker(worker_app) -> None:
        with worker_app.app_context():
            barrier.wait()
            closed.append(biddings.close_due(portal_db.session(), end + timedelta(seconds=1)))

    threads = [threading.Thread(target=worker, args=(a,)) for a in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(closed) == [0, 0, 1]
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "bidding.closed")) == 1
    db.expire_all()
    assert bidding.status is BiddingStatus.closed


def test_the_confirmed_winner_becomes_an_order_and_a_published_deal(db, world) -> None:
    bidding = _published(db, world)
    buyer, reseller = user(db, "cg_clerk"), user(db, "gys_reseller")
    biddings.join(db, reseller, bidding)
    biddings.quote(db, reseller, bidding, "5600", None, bidding.start_at + timedelta(minutes=1))
    with pytest.raises(TransitionNotAllowed):
        biddings.confirm(db, buyer, bidding, bidding.end_at - timedelta(seconds=1))
    with pytest.raises(TransitionNotAllowed, match="已结束"):  # too late to end it
        biddings.end(db, buyer, bidding, "需求变化", bidding.end_at)
    order = biddings.confirm(db, buyer, bidding, bidding.end_at)  # closes what is due first
    assert bidding.status is BiddingStatus.confirmed and bidding.order_id == order.id
    assert order.status is OrderStatus.accepted
    assert order.seller.name == "内蒙古蒙讯科技有限公司"
    (line,) = order.lines
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("10.00"), Decimal("5600.00"), Decimal("56000.00"))
    assert line.delegation_id is not None  # through the reseller
    assert plans.lines(db, world.plan)[0].spent == Decimal("56000.00")  # the order's, once
    deal = db.get(Document, bidding.deal_id)
    assert deal.status is DocumentStatus.published
    assert deal.current_revision.data["deal_amount"] == "56000.00"


def test_without_a_valid_quote_it_fails_and_an_ended_one_gives_the_plan_back(db, world) -> None:
    bidding = _published(db, world)
    assert biddings.close_due(db, bidding.end_at) == 1
    assert bidding.status is BiddingStatus.failed
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")
    other = _published(db, world)
    with pytest.raises(InvalidInput, match="原因"):
        biddings.end(db, user(db, "cg_clerk"), other, " ", utcnow())
    biddings.end(db, user(db, "cg_clerk"), other, "预算调整", utcnow())
    assert other.status is BiddingStatus.ended
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")
    with pytest.raises(TransitionNotAllowed):
        biddings.join(db, user(db, "gys_mfr"), other)


def test_a_workers_closer_closes_it_at_its_end_with_nobody_looking(app, db, world) -> None:
    import time

    from portal import dispatch

    bidding = _published(db, world)
    bidding.end_at = utcnow() + timedelta(seconds=0.5)  # the clock, not a minute of waiting
    db.commit()
    stop = threading.Event()
    closer = threading.Thread(target=dispatch.run_closer, args=(app, 0.05, stop))
    closer.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.expire_all()
            if bidding.status is not BiddingStatus.open:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        closer.join(10)
    assert bidding.status is BiddingStatus.failed  # closed, and nobody had quoted
    assert bidding.closed_at is not None and bidding.closed_at >= bidding.end_at


def test_over_http_quotes_stay_hidden_from_other_suppliers_until_the_close(
        db, world, signed_in) -> None:
    import time_machine

    from tests.helpers import csrf_token

    bidding = _published(db, world, starts_in=timedelta(minutes=2))
    maker, reseller = signed_in("gys_mfr"), signed_in("gys_reseller")
    with time_machine.travel(bidding.start_at.replace(tzinfo=UTC)
                             + timedelta(minutes=1), tick=False):
        page = maker.get(f"/biddings/{bidding.id}").get_data(as_text=True)
        assert "参与</button>" in page
        assert maker.post(f"/biddings/{bidding.id}/join", data={
            "csrf_token": csrf_token(page)}).status_code == 302
        page = maker.get(f"/biddings/{bidding.id}").get_data(as_text=True)
        high = maker.post(f"/biddings/{bidding.id}/quote", data={
            "csrf_token": csrf_token(page), "unit_price": "5900"})
        assert high.status_code == 400 and "高于贵单位框架协议价格 5,890.00 元" in \
            high.get_data(as_text=True)
        assert maker.post(f"/biddings/{bidding.id}/quote", data={
            "csrf_token": csrf_token(page), "unit_price": "5777.77"}).status_code == 302
        polled = maker.get(f"/biddings/{bidding.id}/state", headers={"HX-Request": "true"})
        assert polled.status_code == 200 and "5,777.77" in polled.get_data(as_text=True)
        for other in (reseller, signed_in("cg_clerk")):  # another supplier, the purchaser
            for path in (f"/biddings/{bidding.id}", f"/biddings/{bidding.id}/state"):
                seen = other.get(path, headers={"HX-Request": "true"})
                assert seen.status_code == 200 and "5,777.77" not in seen.get_data(as_text=True)
        assert signed_in("gys_service").get(f"/biddings/{bidding.id}").status_code == 404
    biddings.close_due(db, bidding.end_at)
    with time_machine.travel(bidding.end_at.replace(tzinfo=UTC)
                             + timedelta(seconds=5), tick=False):
        page = signed_in("cg_clerk").get(f"/biddings/{bidding.id}").get_data(as_text=True)
        assert "5,777.77" in page and "拟成交" in page and "确认成交结果" in page
        assert "5,777.77" not in reseller.get(f"/biddings/{bidding.id}").get_data(as_text=True)


def test_the_announcement_cannot_be_edited_into_another_bidding(db, world) -> None:
    from portal.domain import lifecycle

    now = utcnow()
    bidding = _create(db, world, now + timedelta(minutes=5))
    doc = db.get(Document, bidding.announcement_id)
    data = lifecycle.draft_formdata(doc)
    data["start_time"] = f"{beijing(now + timedelta(days=1)):%Y-%m-%dT%H:%M}"
    data["items-0-max_unit_price"] = "6500.00"
    for step in lifecycle.kind_of(doc).steps:
        lifecycle.save_step(db, user(db, "cg_clerk"), doc, None, step.slug, data)
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        biddings.publish(db, user(db, "cg_clerk"), bidding, now)
    assert set(refused.value.errors) >= {"start_time", "items-0-max_unit_price"}
    db.rollback()
    assert bidding.status is BiddingStatus.pending and doc.status is DocumentStatus.draft


def test_a_seller_whose_agreement_names_no_product_quotes_one_of_its_stocked_ones(
        db, world) -> None:
    bidding = _published(db, world)
    maker = user(db, "gys_mfr")
    biddings.join(db, maker, bidding)
    seller = biddings.seller_of(bidding, maker)
    assert seller is not None
    named = seller.shortlisted.product_id
    seller.shortlisted.product_id = None  # shortlisted before responses named a product
    db.commit()
    offered = biddings.product_choices(db, seller)
    assert [p.id for p in offered] == [named]  # its stocked products of the lot's 品目
    assert {p.category for p in offered} == {seller.shortlisted.lot_name}
    quote = biddings.quote(db, maker, bidding, "5790", str(named), bidding.start_at)
    assert quote.product_id == named
