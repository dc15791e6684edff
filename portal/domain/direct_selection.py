"""直接选定, services (seed 002 1.2): from a service in the 入围服务库 the purchaser's clerk
publishes a project to that shortlisted supplier (the requirement, the quantity, contacts and
a plan line, which reserves quantity × agreement price); the supplier quotes a unit price never
above its agreement price (项目报价中 → 结果待确认) and may quote again until the purchaser
decides; the purchaser confirms the result (项目成功), which becomes an accepted order at the
quoted price (the plan then spends the order's amount instead of the reservation), or ends the
project with a reason (已终止, the reservation released). The order's contract, delivery,
acceptance and payment follow as for goods.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.domain import audit, catalogue, notices, orders
from portal.domain import purchasing_plans as plans
from portal.domain.cart import price_of, quantity_of
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    DirectSelection,
    Document,
    Order,
    OrderLine,
    OrgKind,
    Position,
    SelectionStatus,
    User,
    beijing,
    utcnow,
)
from portal.todo import TodoItem, register

SUBJECT = "direct_selection"
S = SelectionStatus
LABELS = {S.quoting: _l("项目报价中"), S.to_confirm: _l("结果待确认"), S.succeeded: _l("项目成功"),
          S.ended: _l("已终止")}
MAX_TEXT = 2000
CENT = Decimal("0.01")


def label(status: SelectionStatus) -> str:
    return str(LABELS[status])


def is_service(offer: catalogue.Offer) -> bool:
    return offer.shortlisted.project.category == "services" and offer.delegation is None


@dataclass(frozen=True)
class Request:
    """What the purchaser's clerk fills in to publish a project."""

    requirement: str
    quantity: str
    unit: str
    contact: str
    phone: str
    office_phone: str
    delivery_address: str


def _purchaser_clerk(actor: User) -> None:
    if actor.role is not OrgKind.purchaser or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以直接选定。"))



def publish(session: Session, actor: User, offer_key: str, plan: Document, line_number: int,
            request: Request, today: date) -> DirectSelection:
    """发布项目 to the offer's shortlisted service supplier; reserves quantity × agreement price
    on the plan line (refused with the figures beyond what is left)."""
    _purchaser_clerk(actor)
    offer = catalogue.offer(session, actor.org, offer_key, today)
    if not is_service(offer):
        raise InvalidInput(_("直接选定服务项目只能选择入围服务库中的服务。"))
    requirement = request.requirement.strip()
    if not requirement:
        raise InvalidInput(_("请填写服务需求。"))
    if len(requirement) > MAX_TEXT:
        raise InvalidInput(_("服务需求不能超过%(n)d字。", n=MAX_TEXT))
    contact, phone = request.contact.strip(), request.phone.strip()
    address = request.delivery_address.strip()
    if not (contact and phone and address):
        raise InvalidInput(_("请填写联系人、联系电话和服务地点。"))
    quantity = quantity_of(request.quantity)
    plans.line_for(session, plan, line_number, offer.category, _("所选服务"))
    selection = DirectSelection(
        number="", purchaser_org_id=actor.org_id, seller_org_id=offer.seller.id,
        shortlisted_id=offer.shortlisted.id, plan_id=plan.id, plan_line=line_number,
        requirement=requirement, quantity=quantity, unit=(request.unit.strip() or offer.unit)[:20],
        cap_price=offer.price, contact=contact[:64], phone=phone[:32],
        office_phone=request.office_phone.strip()[:32], delivery_address=address[:256],
        created_by=actor.id)
    session.add(selection)
    try:
        session.flush()
        selection.number = f"ZX{beijing(selection.created_at):%Y%m%d}{selection.id:06d}"
        plans.spend(session, actor, plan, line_number, (quantity * offer.price).quantize(CENT),
                    SUBJECT, selection.id)
    except Exception:
        session.rollback()
        raise
    _audit(session, actor, selection, "published", None,
           {"supplier": offer.seller.name, "cap": f"{offer.price:.2f}",
            "quantity": f"{quantity:f}", "plan": plan.id, "line": line_number})
    notices.send(session, [offer.seller.id], f"直接选定：{selection.number}",
                 f"{actor.org.name}向贵单位发起直接选定服务项目（{offer.name}），请报价。", None)
    session.commit()
    return selection


def _audit(session: Session, actor: User, selection: DirectSelection, action: str,
           before: SelectionStatus | None, detail: dict[str, object] | None = None) -> None:
    audit.record(session, actor=actor, action=f"direct_selection.{action}",
                 subject_type=SUBJECT, subject_id=selection.id,
                 before=before.value if before else None, after=selection.status.value,
                 detail={"number": selection.number, **(detail or {})})


def side_of(user: User, selection: DirectSelection) -> str | None:
    if user.org_id == selection.purchaser_org_id:
        return orders.PURCHASER
    if user.org_id == selection.seller_org_id:
        return orders.SELLER
    return None


def load(session: Session, user: User, selection_id: int) -> DirectSelection:
    selection = session.get(DirectSelection, selection_id)
    if selection is None or side_of(user, selection) is None:
        raise NotFound(_("没有该直接选定项目。"))
    return selection


def of_org(session: Session, org_id: int) -> list[DirectSelection]:
    return list(session.scalars(select(DirectSelection).where(or_(
        DirectSelection.purchaser_org_id == org_id, DirectSelection.seller_org_id == org_id))
        .order_by(DirectSelection.id.desc())))


def may_quote(user: User, selection: DirectSelection) -> bool:
    return (side_of(user, selection) == orders.SELLER and Position.clerk in user.positions
            and selection.status in (S.quoting, S.to_confirm))


def may_decide(user: User, selection: DirectSelection) -> bool:
    return (side_of(user, selection) == orders.PURCHASER and Position.clerk in user.positions
            and selection.status in (S.quoting, S.to_confirm))


def quote(session: Session, actor: User, selection: DirectSelection, unit_price: str,
          note: str, today: date) -> None:
    """报价: a unit price not above the agreement price; again until the purchaser decides."""
    if side_of(actor, selection) != orders.SELLER or Position.clerk not in actor.positions:
        raise Forbidden(_("只有被选定供应商的经办岗可以报价。"))
    if selection.status not in (S.quoting, S.to_confirm):
        raise TransitionNotAllowed(_("项目%(state)s，不能报价。", state=label(selection.status)))
    if catalogue.in_force(session, selection.shortlisted, today) is None:
        raise TransitionNotAllowed(_("贵单位的框架协议已不在有效期内或已暂停，不能报价。"))
    price = price_of(unit_price, _("报价"))
    if price > selection.cap_price:
        raise InvalidInput(_("报价 %(price)s 元高于协议价格 %(cap)s 元，不能提交。",
                             price=f"{price:,.2f}", cap=f"{selection.cap_price:,.2f}"))
    before = selection.status
    selection.quote_price, selection.quote_note = price, (note or "").strip()[:500] or None
    selection.quoted_at, selection.quoted_by = utcnow(), actor.id
    selection.status = S.to_confirm
    _audit(session, actor, selection, "quoted", before, {"price": f"{price:.2f}"})
    notices.send(session, [selection.purchaser_org_id], f"直接选定已报价：{selection.number}",
                 f"{selection.seller.name}报价 {price:,.2f} 元/{selection.unit}，请确认成交结果。",
                 None)
    session.commit()


def quote_total(selection: DirectSelection) -> Decimal | None:
    if selection.quote_price is None:
        return None
    return (selection.quote_price * selection.quantity).quantize(CENT)


def confirm(session: Session, actor: User, selection: DirectSelection) -> Order:
    """确认成交结果: the quote becomes an accepted order; the plan spends its amount."""
    if side_of(actor, selection) != orders.PURCHASER or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以确认成交结果。"))
    if selection.status is not S.to_confirm:
        raise TransitionNotAllowed(_("供应商报价后才能确认成交结果。"))
    price, total = selection.quote_price, quote_total(selection)
    assert price is not None and total is not None
    row, plan = selection.shortlisted, session.get(Document, selection.plan_id)
    assert plan is not None
    order = orders.from_call_off(
        session, actor, seller_org_id=selection.seller_org_id, plan=plan,
        plan_line=selection.plan_line, line=OrderLine(
            shortlisted_id=row.id, product_id=row.product_id, category=row.lot_name,
            name=row.product or row.lot_name, unit=selection.unit,
            quantity=selection.quantity, unit_price=price, amount=total),
        delivery_address=selection.delivery_address, contact=selection.contact,
        phone=selection.phone, source=f"{SUBJECT}:{selection.id}")
    now = utcnow()
    selection.status, selection.order_id = S.succeeded, order.id
    selection.decided_at, selection.decided_by = now, actor.id
    _audit(session, actor, selection, "confirmed", S.to_confirm,
           {"order": order.number, "total": f"{total:.2f}"})
    notices.send(session, [selection.seller_org_id], f"直接选定成交：{selection.number}",
                 f"{selection.purchaser.name}确认了成交结果，订单 {order.number}，请起草合同。",
                 None)
    session.commit()
    return order


def end(session: Session, actor: User, selection: DirectSelection, reason: str) -> None:
    """终止项目 before the result is confirmed; the reservation goes back to the plan."""
    if side_of(actor, selection) != orders.PURCHASER or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以终止项目。"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("终止项目时必须填写原因。"))
    if selection.status not in (S.quoting, S.to_confirm):
        raise TransitionNotAllowed(_("项目%(state)s，不能终止。", state=label(selection.status)))
    before = selection.status
    selection.status, selection.end_reason = S.ended, reason[:500]
    selection.decided_at, selection.decided_by = utcnow(), actor.id
    plans.release(session, actor, SUBJECT, selection.id, _("项目终止：%(r)s", r=reason))
    _audit(session, actor, selection, "ended", before, {"reason": reason[:500]})
    notices.send(session, [selection.seller_org_id], f"直接选定项目终止：{selection.number}",
                 f"{selection.purchaser.name}终止了直接选定项目，原因：{reason[:500]}", None)
    session.commit()


# ---- 我的待办 -------------------------------------------------------------------------------

@register
def direct_selection_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.clerk not in user.positions or user.org_id is None:
        return
    for selection in of_org(session, user.org_id):
        side = side_of(user, selection)
        if side == orders.SELLER and selection.status is S.quoting:
            step = _("直接选定待报价")
        elif side == orders.PURCHASER and selection.status is S.to_confirm:
            step = _("直接选定待确认成交结果")
        else:
            continue
        other = selection.purchaser if side == orders.SELLER else selection.seller
        yield TodoItem(step, f"{selection.number} · {other.name}",
                       url_for("selections.show", selection_id=selection.id),
                       selection.quoted_at or selection.created_at)
