"""采购合同 from an order: the seller drafts it from the accepted order (its lines, total and
parties), the purchaser confirms, the seller seals, then the purchaser; a contract whose figures
differ from its order's is not submitted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain import lifecycle, order_contracts, orders, sealing
from portal.domain.errors import Forbidden, TransitionNotAllowed
from portal.models import DocumentStatus
from tests.delegation_setup import user
from tests.helpers import seal_as, work
from tests.order_setup import checked_out, complete_contract, confirmed_contract, in_force

pytestmark = pytest.mark.db


@pytest.fixture
def accepted_order(demo, db):
    return checked_out(db, in_force(db))


def test_the_contract_is_drafted_from_the_accepted_order_by_its_seller(db, accepted_order) -> None:
    order, seller = accepted_order, user(db, "gys_reseller")
    with pytest.raises(TransitionNotAllowed):
        order_contracts.draft(db, seller, order)  # not accepted yet
    orders.accept(db, seller, order)
    with pytest.raises(Forbidden):
        order_contracts.draft(db, user(db, "cg_clerk"), order)
    doc = order_contracts.draft(db, seller, order)
    assert order_contracts.draft(db, seller, order) is doc  # once
    data = lifecycle.draft_formdata(doc)
    assert (data["items-0-quantity"], data["items-0-unit_price"], data["items-0-amount"]) == (
        "6", "5800.00", "34800.00")
    assert data["total_amount"] == "34800.00" == f"{order.total:.2f}"
    assert data["purchaser-name"] == "呼和浩特市第一中学"
    assert data["supplier-name"] == "内蒙古蒙讯科技有限公司"
    assert data["delivery_place"] == "东风路12号"
    assert order_contracts.state(db, order) == "供应商起草中"


def test_a_contract_whose_figures_differ_from_the_order_is_not_submitted(
        db, accepted_order) -> None:
    order, seller = accepted_order, user(db, "gys_reseller")
    orders.accept(db, seller, order)
    doc = order_contracts.draft(db, seller, order)
    complete_contract(db, doc, **{"items-0-quantity": "7"})  # 7 × 5,800.00: amounts recomputed
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, seller, doc, None)
    assert refused.value.errors["items-0-quantity"] == ["须与订单一致：6.00"]
    assert refused.value.errors["total_amount"] == ["合同总价须与订单金额一致：34,800.00 元"]
    assert doc.status is DocumentStatus.draft


def test_confirmed_then_sealed_by_the_seller_then_the_purchaser(app, db, demo_keys,
                                                                accepted_order) -> None:
    order, seller = accepted_order, user(db, "gys_reseller")
    orders.accept(db, seller, order)
    doc = order_contracts.draft(db, seller, order)
    complete_contract(db, doc)
    lifecycle.submit(db, seller, doc, None)
    assert order_contracts.state(db, order) == "待采购人确认"
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    work(app)
    db.expire_all()
    assert order_contracts.state(db, order) == "采购人已确认"
    sealing.confirm(db, seller, seal_as(app, db, doc, "gys_reseller"))
    work(app)
    db.expire_all()
    assert order_contracts.state(db, order) == "供应商已盖章"
    sealing.confirm(db, user(db, "cg_clerk"), seal_as(app, db, doc, "cg_clerk"))
    work(app)
    db.expire_all()
    assert doc.status is DocumentStatus.sealed
    assert order_contracts.state(db, order) == "采购单位已盖章"


def test_the_contract_announcement_follows_both_seals_within_two_working_days(
        app, db, demo_keys, accepted_order) -> None:
    from portal.domain import workdays
    from portal.models import beijing

    order, seller, buyer = accepted_order, user(db, "gys_reseller"), user(db, "cg_clerk")
    doc = confirmed_contract(app, db, order)
    with pytest.raises(TransitionNotAllowed):  # not before both seals
        order_contracts.draft_announcement(db, buyer, order)
    assert order_contracts.announcement_deadline(db, order) is None
    sealing.confirm(db, seller, seal_as(app, db, doc, "gys_reseller"))
    work(app)
    with pytest.raises(TransitionNotAllowed):  # the seller's seal alone is not enough
        order_contracts.draft_announcement(db, buyer, order)
    sealing.confirm(db, buyer, seal_as(app, db, doc, "cg_clerk"))
    work(app)
    db.expire_all()
    with pytest.raises(Forbidden):
        order_contracts.draft_announcement(db, seller, order)
    notice = order_contracts.draft_announcement(db, buyer, order)
    data = lifecycle.draft_formdata(notice)
    assert data["contract_amount"] == "34800.00" and data["items-0-quantity"] == "6"
    assert data["supplier-name"] == "内蒙古蒙讯科技有限公司"
    deadline = order_contracts.announcement_deadline(db, order)
    sealed_day = beijing(doc.updated_at).date()
    calendar = workdays.calendar(db)  # the second working day after the seals
    assert calendar.is_working_day(deadline)
    assert calendar.working_days(sealed_day + timedelta(days=1), deadline) == 2
    lifecycle.submit(db, buyer, notice, None)
    lifecycle.publish(db, buyer, notice, None)
    assert notice.status is DocumentStatus.published


def test_the_purchaser_returns_the_contract_and_the_seller_submits_it_again(
        db, accepted_order) -> None:
    order, seller = accepted_order, user(db, "gys_reseller")
    orders.accept(db, seller, order)
    doc = order_contracts.draft(db, seller, order)
    complete_contract(db, doc)
    lifecycle.submit(db, seller, doc, None)
    with pytest.raises(Forbidden):  # not the seller's own reviewer: the purchaser decides
        lifecycle.return_to_drafter(db, seller, doc, None, "付款方式需改为分期")
    lifecycle.return_to_drafter(db, user(db, "cg_reviewer"), doc, None, "付款方式需改为分期")
    assert doc.status is DocumentStatus.draft
    assert order_contracts.state(db, order) == "供应商起草中"
    complete_contract(db, doc, payment_terms="验收合格后分两期支付。")
    lifecycle.submit(db, seller, doc, None)
    assert order_contracts.state(db, order) == "待采购人确认"
    assert lifecycle.draft_formdata(doc)["total_amount"] == "34800.00"  # still the order's
