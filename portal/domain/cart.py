"""我的购物车 and 直接选定 (seed 000 §三 1.1): a purchaser's clerk gathers shortlisted products,
chooses per line who sells it (the shortlisted supplier or its reseller), and 确认下单 with one
line of an approved 采购计划: one order per seller, all in one transaction, each spending against
that plan line (refused as a whole, with the figures, when they would exceed it).

The cart is kept in the database, so nothing gathered is lost between visits; a line whose
offer is no longer open (agreement expired, supplier suspended, reseller withdrawn) stays in
the cart marked unavailable and cannot be ordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, catalogue
from portal.domain import purchasing_plans as plans
from portal.domain.catalogue import Offer
from portal.domain.errors import Forbidden, InvalidInput, NotFound
from portal.domain.orders import SUBJECT, number_for
from portal.models import (
    CartItem,
    Document,
    Order,
    OrderLine,
    OrgKind,
    Position,
    ShortlistedSupplier,
    User,
)

CENT = Decimal("0.01")
MAX_QUANTITY = Decimal("1000000")


@dataclass(frozen=True)
class CartLine:
    item: CartItem
    choices: list[Offer]  # who may sell it to this purchaser today (empty: unavailable)

    @property
    def chosen(self) -> Offer | None:
        wanted = self.item.delegation_id
        return next((o for o in self.choices
                     if (o.delegation.id if o.delegation else None) == wanted), None)

    @property
    def amount(self) -> Decimal | None:
        chosen = self.chosen
        return None if chosen is None else (chosen.price * self.item.quantity).quantize(CENT)


def may_buy(user: User) -> bool:
    return user.role is OrgKind.purchaser and Position.clerk in user.positions


def _require_buyer(actor: User) -> None:
    if not may_buy(actor):
        raise Forbidden(_("只有采购单位的经办岗可以采购。"))


def quantity_of(raw: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(_("数量须为数字。")) from None
    if not value.is_finite() or value <= 0 or value > MAX_QUANTITY \
            or value != value.quantize(CENT):
        raise InvalidInput(_("数量须大于零、最多两位小数且不超过一百万。"))
    return value


def price_of(raw: str, what: str) -> Decimal:
    """A price as typed (``what`` names it in the refusal): above zero, at most two decimals."""
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(_("%(what)s须为数字。", what=what)) from None
    if not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise InvalidInput(_("%(what)s须大于零、最多两位小数。", what=what))
    return value


def lines(session: Session, actor: User, today: date) -> list[CartLine]:
    items = session.scalars(select(CartItem).where(CartItem.user_id == actor.id)
                            .order_by(CartItem.id))
    return [CartLine(item, catalogue.offers_of(session, item.shortlisted, actor.org, today))
            for item in items]


def item_of(session: Session, actor: User, item_id: int) -> CartItem:
    item = session.get(CartItem, item_id)
    if item is None or item.user_id != actor.id:
        raise NotFound(_("购物车中没有该商品。"))
    return item


def add(session: Session, actor: User, offer_key: str, quantity: Decimal,
        today: date) -> CartItem:
    """加入购物车, the seller chosen as the offer names it; adding again adds the quantity."""
    _require_buyer(actor)
    offer = catalogue.offer(session, actor.org, offer_key, today)
    quantity = quantity_of(quantity)
    item = session.scalar(select(CartItem).where(
        CartItem.user_id == actor.id, CartItem.shortlisted_id == offer.shortlisted.id))
    if item is None:
        item = CartItem(user_id=actor.id, shortlisted_id=offer.shortlisted.id,
                        quantity=quantity)
        session.add(item)
    else:
        item.quantity = quantity_of(item.quantity + quantity)
    item.delegation_id = offer.delegation.id if offer.delegation else None
    session.commit()
    return item


def update(session: Session, actor: User, item_id: int, quantity: Decimal, seller_key: str,
           today: date) -> CartItem:
    """选择供应商 and the quantity of one cart line."""
    _require_buyer(actor)
    item = item_of(session, actor, item_id)
    choices = catalogue.offers_of(session, item.shortlisted, actor.org, today)
    chosen = next((o for o in choices if o.key == seller_key), None)
    if chosen is None:
        raise InvalidInput(_("请选择可以向本单位供货的供应商。"))
    item.quantity = quantity_of(quantity)
    item.delegation_id = chosen.delegation.id if chosen.delegation else None
    session.commit()
    return item


def remove(session: Session, actor: User, item_id: int) -> None:
    item = item_of(session, actor, item_id)
    _require_buyer(actor)
    session.delete(item)
    session.commit()


def checkout(session: Session, actor: User, item_ids: list[int], plan: Document,
             line_number: int, *, delivery_address: str, contact: str, phone: str,
             today: date) -> list[Order]:
    """确认下单: one order per seller from the chosen cart lines, spending against one plan
    line; the lines leave the cart. Refused as a whole (nothing ordered, nothing spent, the
    cart as it was) if any line is unavailable, of another 品目 than the plan line, or the
    plan line cannot pay for them all."""
    _require_buyer(actor)
    if not item_ids:
        raise InvalidInput(_("请勾选要下单的商品。"))
    delivery_address, contact, phone = (v.strip() for v in (delivery_address, contact, phone))
    if not (delivery_address and contact and phone):
        raise InvalidInput(_("请填写收货地址、联系人和联系电话。"))
    chosen = [line for line in lines(session, actor, today) if line.item.id in set(item_ids)]
    if len(chosen) != len(set(item_ids)):
        raise NotFound(_("购物车中没有该商品。"))
    unavailable = [line.item.shortlisted.product or line.item.shortlisted.lot_name
                   for line in chosen if line.chosen is None]
    if unavailable:
        raise InvalidInput(_("以下商品已不能向本单位供货，请移出购物车或另选供应商：%(names)s",
                             names="、".join(unavailable)))
    plan_line = next((p for p in plans.lines(session, plan) if p.number == line_number), None)
    if plan_line is None:
        raise InvalidInput(_("请选择采购计划明细。"))
    other = [line.chosen.name for line in chosen
             if line.chosen and line.chosen.category != plan_line.category]
    if other:
        raise InvalidInput(_("采购计划明细“%(line)s”的品目是%(category)s，以下商品不属于该品目："
                             "%(names)s", line=plan_line.label, category=plan_line.category,
                             names="、".join(other)))
    by_seller: dict[int, list[CartLine]] = {}
    for line in chosen:
        assert line.chosen is not None
        by_seller.setdefault(line.chosen.seller.id, []).append(line)
    made = []
    try:
        for seller_id, group in by_seller.items():
            order = _order(session, actor, seller_id, group, plan, line_number,
                           delivery_address[:256], contact[:64], phone[:32])
            plans.spend(session, actor, plan, line_number, order.total, SUBJECT, order.id)
            made.append(order)
    except Exception:
        session.rollback()
        raise
    for line in chosen:
        session.delete(line.item)
    session.commit()
    return made


def _order(session: Session, actor: User, seller_id: int, group: list[CartLine],
           plan: Document, line_number: int, address: str, contact: str,
           phone: str) -> Order:
    order = Order(number="", purchaser_org_id=actor.org_id, seller_org_id=seller_id,
                  plan_id=plan.id, plan_line=line_number, total=Decimal("0.00"),
                  delivery_address=address, contact=contact, phone=phone, created_by=actor.id)
    for line in group:
        offer, item = line.chosen, line.item
        assert offer is not None and line.amount is not None
        order.lines.append(OrderLine(
            shortlisted_id=offer.shortlisted.id,
            delegation_id=offer.delegation.id if offer.delegation else None,
            product_id=offer.product.id if offer.product else None, category=offer.category,
            name=offer.name, unit=offer.unit, quantity=item.quantity, unit_price=offer.price,
            amount=line.amount))
    order.total = sum((line.amount for line in order.lines), Decimal("0.00"))
    session.add(order)
    session.flush()
    order.number = number_for(order)
    audit.record(session, actor=actor, action="order.created", subject_type=SUBJECT,
                 subject_id=order.id, after=order.status.value,
                 detail={"number": order.number, "seller": seller_id,
                         "total": f"{order.total:.2f}", "plan": plan.id, "line": line_number,
                         "lines": [f"{x.name}×{x.quantity}@{x.unit_price}" for x in order.lines]})
    return order


def shortlisted_in_cart(session: Session, actor: User) -> set[int]:
    return set(session.scalars(select(ShortlistedSupplier.id).join(
        CartItem, CartItem.shortlisted_id == ShortlistedSupplier.id).where(
        CartItem.user_id == actor.id)))
