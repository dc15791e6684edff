"""入围产品库, 直接选定 and 订单: a purchaser sees only agreements in force that cover it, orders
through the cart from the supplier or its reseller with a plan line, and the order moves from
sending to completion; refusals carry the figures and lose nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.domain import agreement_filing, cart, catalogue, orders
from portal.domain import purchasing_plans as plans
from portal.domain import shortlisted_admin as admin
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import CartItem, Order, OrderStatus, Region, beijing_now
from tests.delegation_setup import user
from tests.evaluation_setup import _blank_pdf
from tests.order_setup import in_force

pytestmark = pytest.mark.db
MAKER = "北方信创计算机有限公司"
RESELLER = "内蒙古蒙讯科技有限公司"


@pytest.fixture
def world(demo, db):
    return in_force(db)


def today():
    return beijing_now().date()


def _offers(db, username="cg_clerk"):
    return catalogue.offers(db, user(db, username).org, today())


def test_the_catalogue_offers_each_supplier_and_a_reseller_delivering_here(db, world) -> None:
    found = [(o.seller.name, o.price) for o in _offers(db)]
    assert (MAKER, Decimal("5890.00")) in found and (RESELLER, Decimal("5800.00")) in found
    assert ("内蒙古长城信创整机有限公司", Decimal("6050.00")) in found
    # 蒙讯 delivers to 呼和浩特 only: the 包头 hospital buys from the manufacturers
    assert RESELLER not in {o.seller.name for o in _offers(db, "bt_clerk")}
    assert catalogue.categories(_offers(db)) == ["台式计算机"]
    assert [o.price for o in catalogue.offers(db, user(db, "cg_clerk").org, today(),
                                              max_price=Decimal("5850"))] == [Decimal("5800.00")]


def test_the_catalogue_hides_agreements_expired_unfiled_or_of_removed_suppliers(
        db, world) -> None:
    maker_row, other_row = world.setup.suppliers
    assert not catalogue.offers_of(db, maker_row, user(db, "cg_clerk").org,
                                   maker_row.agreement and today().replace(year=today().year + 2))
    admin.change_status(db, user(db, "zj_clerk"), other_row, "remove", "提供虚假材料")
    assert "内蒙古长城信创整机有限公司" not in {o.seller.name for o in _offers(db)}
    nmg = db.scalar(select(Region).where(Region.code == "150000"))
    agreement_filing.set_required(db, None, nmg, True)
    assert _offers(db) == []  # sealed but not filed
    agreement_filing.set_required(db, None, nmg, False)
    assert {o.seller.name for o in _offers(db)} == {MAKER, RESELLER}


def test_a_purchaser_of_another_province_sees_nothing(db, world) -> None:
    from portal.models import Organisation, OrgKind

    henan = db.scalar(select(Region).where(Region.code == "410000"))
    outside = Organisation(name="郑州市第二中学", uscc="121000000000000001", kind=OrgKind.purchaser,
                           region_id=henan.id)
    db.add(outside)
    db.flush()
    assert catalogue.offers(db, outside, today()) == []


def _cart_with_both(db, world):
    clerk = user(db, "cg_clerk")
    maker_row = world.setup.suppliers[0]
    cart.add(db, clerk, f"{maker_row.id}-{world.reseller.id}", Decimal("10"), today())
    cart.add(db, clerk, f"{world.setup.suppliers[1].id}-0", Decimal("2"), today())
    return clerk


def _checkout(db, clerk, plan, line=1):
    ids = [line_.item.id for line_ in cart.lines(db, clerk, today())]
    return cart.checkout(db, clerk, ids, plan, line, delivery_address="东风路12号",
                         contact="刘洋", phone="0471-6900004", today=today())


def test_checkout_makes_one_order_per_seller_and_spends_the_plan_line(db, world) -> None:
    clerk = _cart_with_both(db, world)
    made = _checkout(db, clerk, world.plan)
    assert sorted((o.seller.name, o.total) for o in made) == [
        (RESELLER, Decimal("58000.00")), ("内蒙古长城信创整机有限公司", Decimal("12100.00"))]
    reseller_order = next(o for o in made if o.seller.name == RESELLER)
    line = reseller_order.lines[0]
    assert (line.quantity, line.unit_price, line.amount) == (
        Decimal("10.00"), Decimal("5800.00"), Decimal("58000.00"))
    assert reseller_order.number.startswith("DD") and reseller_order.status is OrderStatus.created
    assert plans.lines(db, world.plan)[0].spent == Decimal("70100.00")
    assert cart.lines(db, clerk, today()) == []


def test_checkout_beyond_the_plan_line_is_refused_and_loses_nothing(db, world) -> None:
    clerk = user(db, "cg_clerk")
    cart.add(db, clerk, f"{world.setup.suppliers[0].id}-0", Decimal("70"), today())  # 412,300
    with pytest.raises(InvalidInput) as refused:
        _checkout(db, clerk, world.plan)
    assert "360,000.00" in refused.value.message and "412,300.00" in refused.value.message
    assert db.scalar(select(func.count()).select_from(Order)) == 0
    assert [i.quantity for i in db.scalars(select(CartItem))] == [Decimal("70.00")]
    with pytest.raises(InvalidInput) as other:  # 复印纸 pays for no computer
        _checkout(db, clerk, world.plan, line=2)
    assert "复印纸" in other.value.message


def test_a_checkout_whose_second_order_overspends_makes_neither(db, world) -> None:
    clerk = user(db, "cg_clerk")
    maker_row, other_row = world.setup.suppliers
    cart.add(db, clerk, f"{maker_row.id}-{world.reseller.id}", Decimal("30"), today())  # 174,000
    cart.add(db, clerk, f"{other_row.id}-0", Decimal("31"), today())  # 187,550: 361,550 in all
    with pytest.raises(InvalidInput):
        _checkout(db, clerk, world.plan)
    assert db.scalar(select(func.count()).select_from(Order)) == 0
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")
    assert len(cart.lines(db, clerk, today())) == 2


def test_only_a_purchasers_clerk_buys_and_a_seller_not_offered_is_refused(db, world) -> None:
    key = f"{world.setup.suppliers[0].id}-0"
    for username in ("cg_reviewer", "gys_mfr", "zj_clerk"):
        with pytest.raises(Forbidden):
            cart.add(db, user(db, username), key, Decimal("1"), today())
    with pytest.raises(NotFound):  # 蒙讯 does not deliver to 包头
        cart.add(db, user(db, "bt_clerk"), f"{world.setup.suppliers[0].id}-{world.reseller.id}",
                 Decimal("1"), today())
    with pytest.raises(InvalidInput):
        cart.add(db, user(db, "cg_clerk"), key, Decimal("-3"), today())


def _sent_order(db, world):
    clerk = user(db, "cg_clerk")
    cart.add(db, clerk, f"{world.setup.suppliers[0].id}-{world.reseller.id}", Decimal("3"),
             today())
    order = _checkout(db, clerk, world.plan)[0]
    orders.send(db, clerk, order)
    return order


def test_an_order_goes_from_sent_to_completed_with_who_moved_it(db, world) -> None:
    order = _sent_order(db, world)
    seller, buyer = user(db, "gys_reseller"), user(db, "cg_clerk")
    with pytest.raises(Forbidden):
        orders.accept(db, buyer, order)
    orders.accept(db, seller, order)
    with pytest.raises(InvalidInput):
        orders.ship(db, seller, order, company="", tracking="", invoice_name="i.pdf",
                    invoice=_blank_pdf())
    orders.ship(db, seller, order, company="顺丰速运", tracking="SF1234567890",
                invoice_name="发票.pdf", invoice=_blank_pdf())
    assert order.status is OrderStatus.shipped and order.invoice_sha256
    orders.receive(db, buyer, order)
    with pytest.raises(InvalidInput):  # more than the order
        orders.upload_payment(db, buyer, order, "凭证.pdf", _blank_pdf(), Decimal("99999"),
                              today())
    orders.upload_acceptance(db, buyer, order, "验收单.pdf", _blank_pdf())
    assert order.status is OrderStatus.received
    orders.upload_payment(db, buyer, order, "凭证.pdf", _blank_pdf(), order.total, today())
    assert order.status is OrderStatus.completed
    moves = [(e.action, e.actor_user_id) for e in orders.history(db, order)]
    assert moves == [("order.created", buyer.id), ("order.send", buyer.id),
                     ("order.accept", seller.id), ("order.ship", seller.id),
                     ("order.receive", buyer.id), ("order.acceptance", buyer.id),
                     ("order.payment", buyer.id), ("order.completed", buyer.id)]
    with pytest.raises(TransitionNotAllowed):
        orders.receive(db, buyer, order)


def test_a_returned_order_gives_its_plan_spending_back(db, world) -> None:
    order = _sent_order(db, world)
    assert plans.lines(db, world.plan)[0].spent == Decimal("17400.00")
    with pytest.raises(InvalidInput):
        orders.return_order(db, user(db, "gys_reseller"), order, " ")
    orders.return_order(db, user(db, "gys_reseller"), order, "该型号暂时缺货")
    assert order.status is OrderStatus.returned and order.return_reason == "该型号暂时缺货"
    assert plans.lines(db, world.plan)[0].spent == Decimal("0.00")
    with pytest.raises(TransitionNotAllowed):
        orders.accept(db, user(db, "gys_reseller"), order)


def test_orders_are_visible_to_their_two_parties_only(db, world) -> None:
    order = _sent_order(db, world)
    for username in ("cg_reviewer", "gys_reseller"):
        assert orders.load(db, user(db, username), order.id) is order
    for username in ("gys_mfr", "bt_clerk", "zj_clerk"):
        with pytest.raises(NotFound):
            orders.load(db, user(db, username), order.id)


def _post(client, url, page, data=None, **kw):
    from tests.helpers import csrf_token

    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kw)


def test_a_purchaser_orders_through_the_pages_and_the_seller_ships(db, world, signed_in) -> None:
    import io

    buyer = signed_in("cg_clerk")
    listing = buyer.get("/catalogue?category=台式计算机").get_data(as_text=True)
    assert RESELLER in listing and "5,800.00" in listing
    key = f"{world.setup.suppliers[0].id}-{world.reseller.id}"
    assert buyer.get(f"/catalogue/{key}").status_code == 200
    assert buyer.get("/catalogue/999999-0").status_code == 404
    added = _post(buyer, f"/cart/add/{key}", "/catalogue", {"quantity": "2"})
    assert added.status_code == 302
    bad = _post(buyer, f"/cart/add/{key}", "/catalogue", {"quantity": "两台"})
    assert bad.status_code == 400 and "数量须为数字" in bad.get_data(as_text=True)
    item = db.scalar(select(CartItem))
    assert item.quantity == Decimal("2.00")  # the refused add changed nothing
    page = buyer.get("/cart").get_data(as_text=True)
    assert "11,600.00" in page and "确认下单" in page
    done = _post(buyer, "/cart/checkout", "/cart", {
        "items": str(item.id), "plan_line": f"{world.plan.id}:1",
        "delivery_address": "东风路12号", "contact": "刘洋", "phone": "0471-6900004"})
    assert done.status_code == 302, done.get_data(as_text=True)
    order = db.scalar(select(Order))
    assert _post(buyer, f"/orders/{order.id}/send", f"/orders/{order.id}").status_code == 302

    seller = signed_in("gys_reseller")
    assert "待确认订单" in seller.get("/todo").get_data(as_text=True)
    assert _post(seller, f"/orders/{order.id}/accept", f"/orders/{order.id}").status_code == 302
    refused = _post(seller, f"/orders/{order.id}/ship", f"/orders/{order.id}", {
        "company": "顺丰速运", "tracking": "SF1",
        "invoice": (io.BytesIO(b"not a pdf"), "发票.pdf")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    db.expire_all()
    assert db.get(Order, order.id).status is OrderStatus.accepted
    shipped = _post(seller, f"/orders/{order.id}/ship", f"/orders/{order.id}", {
        "company": "顺丰速运", "tracking": "SF1",
        "invoice": (io.BytesIO(_blank_pdf()), "发票.pdf")}, content_type="multipart/form-data")
    assert shipped.status_code == 302
    invoice = buyer.get(f"/orders/{order.id}/files/invoice.pdf")
    assert invoice.status_code == 200 and invoice.data.startswith(b"%PDF")
    assert signed_in("gys_mfr").get(f"/orders/{order.id}").status_code == 404
    history = buyer.get(f"/orders/{order.id}").get_data(as_text=True)
    for step in ("生成订单", "发送订单", "确认订单", "发货", "郭敏"):
        assert step in history
