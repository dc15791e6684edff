"""订单管理 (seed 000 §三 1.4, §四 3.1; seed 002 1.2 ⑩): an order from 确认下单 to completion.

The purchaser's clerk checks the order and sends it (or cancels it); the seller's clerk accepts
it (确认订单) or returns it with a reason; ships it with the logistics company, tracking number
and the invoice (a checked PDF); the purchaser confirms receipt (确认收货) and uploads the
acceptance report (验收单) and the payment voucher (支付凭证, with the amount and date paid);
with both, the order is complete. A cancelled or returned order gives its 采购计划 spending
back. Every move is audited with who made it; 我的待办 shows each side what is due.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import storage
from portal.board import call_offs, versions
from portal.domain import audit
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Document,
    Order,
    OrderLine,
    OrderStatus,
    Position,
    User,
    beijing,
    beijing_now,
    utcnow,
)
from portal.todo import TodoItem
from portal.todo import register as register_todo

SUBJECT = "order"
S = OrderStatus
LABELS = {S.created: _l("待发送"), S.sent: _l("待供应商确认"), S.accepted: _l("已确认"),
          S.returned: _l("已退回"), S.shipped: _l("已发货"), S.received: _l("已收货"),
          S.completed: _l("已完成"), S.cancelled: _l("已取消")}
PURCHASER, SELLER = "purchaser", "seller"
#: (status, command) -> (the side that may give it, the status it leads to)
TRANSITIONS: dict[tuple[OrderStatus, str], tuple[str, OrderStatus]] = {
    (S.created, "send"): (PURCHASER, S.sent),
    (S.created, "cancel"): (PURCHASER, S.cancelled),
    (S.sent, "accept"): (SELLER, S.accepted),
    (S.sent, "return"): (SELLER, S.returned),
    (S.accepted, "ship"): (SELLER, S.shipped),
    (S.shipped, "receive"): (PURCHASER, S.received),
    (S.received, "acceptance"): (PURCHASER, S.received),
    (S.received, "payment"): (PURCHASER, S.received),
}
COMMANDS = {"send": _l("发送订单"), "cancel": _l("取消订单"), "accept": _l("确认订单"),
            "return": _l("退回订单"), "ship": _l("发货"), "receive": _l("确认收货"),
            "acceptance": _l("上传验收单"), "payment": _l("上传支付凭证")}
ACTIONS = {**COMMANDS, "created": _l("生成订单"), "completed": _l("订单完成"),
           "contract_drafted": _l("起草合同"), "announcement_drafted": _l("起草合同公告")}


def number_for(order: Order) -> str:
    return f"DD{beijing(order.created_at):%Y%m%d}{order.id:06d}"


def from_call_off(session: Session, actor: User, *, seller_org_id: int, plan: Document,
                  plan_line: int, line: OrderLine, delivery_address: str, contact: str,
                  phone: str, source: str | None) -> Order:
    """The order of a call-off the purchaser decided: accepted already when the seller quoted
    it (``source``, a confirmed 直接选定 or 二次竞价 ``"<kind>:<id>"``, whose plan reservation the
    order takes over), else to send (顺序轮候: the supplier whose turn it is accepts or
    returns it). The order spends its own amount on the plan line. The caller commits."""
    now = utcnow()
    order = Order(number="", purchaser_org_id=actor.org_id, seller_org_id=seller_org_id,
                  plan_id=plan.id, plan_line=plan_line, total=line.amount,
                  status=S.accepted if source else S.created,
                  delivery_address=delivery_address[:256], contact=contact[:64],
                  phone=phone[:32], created_by=actor.id,
                  sent_at=now if source else None, decided_at=now if source else None)
    order.lines.append(line)
    session.add(order)
    session.flush()
    order.number = number_for(order)
    if source:
        source_type, source_id = source.split(":")
        plans.release(session, actor, source_type, int(source_id),
                      _("成交，改由订单 %(n)s 使用", n=order.number))
    plans.spend(session, actor, plan, plan_line, order.total, SUBJECT, order.id)
    audit.record(session, actor=actor, action="order.created", subject_type=SUBJECT,
                 subject_id=order.id, after=order.status.value,
                 detail={"number": order.number, "source": source or "rotation",
                         "total": f"{order.total:.2f}"})
    return order


def label(status: OrderStatus) -> str:
    return str(LABELS[status])


def side_of(user: User, order: Order) -> str | None:
    if user.org_id == order.purchaser_org_id:
        return PURCHASER
    if user.org_id == order.seller_org_id:
        return SELLER
    return None


def allowed(user: User, order: Order) -> set[str]:
    """The commands ``user`` may give ``order`` now (clerks of its purchaser or seller)."""
    if Position.clerk not in user.positions:
        return set()
    side = side_of(user, order)
    return {command for (status, command), (who, _to) in TRANSITIONS.items()
            if status is order.status and who == side}


def _move(session: Session, actor: User, order: Order, command: str, **detail: object) -> None:
    rule = TRANSITIONS.get((order.status, command))
    if rule is None:
        raise TransitionNotAllowed(_("订单%(state)s，不能%(action)s。", state=label(order.status),
                                     action=str(COMMANDS[command])))
    if command not in allowed(actor, order):
        raise Forbidden(_("只有订单%(side)s的经办岗可以%(action)s。",
                          side=_("采购单位") if rule[0] == PURCHASER else _("供应商"),
                          action=str(COMMANDS[command])))
    before = order.status
    order.status = rule[1]
    audit.record(session, actor=actor, action=f"order.{command}", subject_type=SUBJECT,
                 subject_id=order.id, before=before.value, after=order.status.value,
                 detail={"number": order.number, **detail})


def load(session: Session, user: User, order_id: int) -> Order:
    """An order of the user's organisation (as purchaser or seller); others do not exist."""
    order = session.get(Order, order_id)
    if order is None or side_of(user, order) is None:
        raise NotFound(_("没有该订单。"))
    return order


def of_org(session: Session, org_id: int) -> list[Order]:
    return list(session.scalars(select(Order).where(or_(
        Order.purchaser_org_id == org_id, Order.seller_org_id == org_id))
        .order_by(Order.id.desc())))


def send(session: Session, actor: User, order: Order) -> None:
    _move(session, actor, order, "send")
    order.sent_at = utcnow()
    session.commit()


def cancel(session: Session, actor: User, order: Order, reason: str) -> None:
    reason = _reason(reason, _("取消订单时须填写原因。"))
    _move(session, actor, order, "cancel", reason=reason)
    plans.release(session, actor, SUBJECT, order.id, _("订单已取消：%(r)s", r=reason))
    session.commit()


def accept(session: Session, actor: User, order: Order) -> None:
    _move(session, actor, order, "accept")
    order.decided_at = utcnow()
    session.commit()


def return_order(session: Session, actor: User, order: Order, reason: str) -> None:
    """退回: the purchaser is told why; the plan line gets the amount back."""
    reason = _reason(reason, _("退回订单时须填写原因。"))
    _move(session, actor, order, "return", reason=reason)
    order.decided_at, order.return_reason = utcnow(), reason
    plans.release(session, actor, SUBJECT, order.id, _("供应商退回订单：%(r)s", r=reason))
    session.commit()


def ship(session: Session, actor: User, order: Order, *, company: str, tracking: str,
         invoice_name: str, invoice: bytes) -> None:
    """发货, with the logistics details and the invoice (a PDF the caller has checked)."""
    company, tracking = company.strip(), tracking.strip()
    if not company or not tracking:
        raise InvalidInput(_("请填写物流公司和物流单号。"))
    _move(session, actor, order, "ship", company=company, tracking=tracking)
    order.logistics_company, order.tracking_number = company[:100], tracking[:64]
    order.invoice_sha256, order.invoice_filename = storage.put(invoice, ".pdf"), invoice_name[:200]
    order.shipped_at = utcnow()
    session.commit()


def receive(session: Session, actor: User, order: Order) -> None:
    _move(session, actor, order, "receive")
    order.received_at = utcnow()
    session.commit()


def upload_acceptance(session: Session, actor: User, order: Order, filename: str,
                      report: bytes) -> None:
    """验收单 (a checked PDF); replaces an earlier upload until the order is complete."""
    _move(session, actor, order, "acceptance")
    order.acceptance_sha256 = storage.put(report, ".pdf")
    order.acceptance_filename = filename[:200]
    _complete_if_done(session, actor, order)
    session.commit()


def upload_payment(session: Session, actor: User, order: Order, filename: str,
                   voucher: bytes, amount: Decimal, paid_on: date) -> None:
    """支付凭证: what was paid and when, never more than the order's total nor in the future."""
    if amount <= 0 or amount > order.total:
        raise InvalidInput(_("支付金额须大于零且不超过订单金额 %(total)s 元。",
                             total=f"{order.total:,.2f}"))
    if paid_on > beijing_now().date():
        raise InvalidInput(_("支付日期不能晚于今天。"))
    _move(session, actor, order, "payment", amount=f"{amount:.2f}", paid_on=paid_on.isoformat())
    order.payment_sha256 = storage.put(voucher, ".pdf")
    order.payment_filename = filename[:200]
    order.payment_amount, order.payment_date = amount, paid_on
    _complete_if_done(session, actor, order)
    if order.announcement_id is not None:  # a call-off on the board: its record gains a release
        versions.bump(session, [call_offs.SCOPE])
    session.commit()


def _complete_if_done(session: Session, actor: User, order: Order) -> None:
    if order.acceptance_sha256 and order.payment_sha256:
        order.status = S.completed
        audit.record(session, actor=actor, action="order.completed", subject_type=SUBJECT,
                     subject_id=order.id, before=S.received.value, after=S.completed.value,
                     detail={"number": order.number})


def _reason(reason: str, missing: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(missing)
    return reason[:500]


def history(session: Session, order: Order) -> list[AuditEvent]:
    """Every state and who moved it, oldest first."""
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == SUBJECT, AuditEvent.subject_id == str(order.id))
        .order_by(AuditEvent.seq)))


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    who: str
    note: str


def steps(session: Session, order: Order) -> list[Step]:
    """The order's history as its page shows it: when, what, who (user and organisation)."""
    found = []
    for event in history(session, order):
        command = event.action.removeprefix("order.")
        actor = session.get(User, event.actor_user_id) if event.actor_user_id else None
        who = f"{actor.display_name}（{actor.org.name}）" if actor else ""
        note = str(event.detail.get("reason") or event.detail.get("tracking") or "")
        found.append(Step(event.occurred_at, str(ACTIONS.get(command, command)), who, note))
    return found


# ---- 我的待办 -------------------------------------------------------------------------------

DUE = {(PURCHASER, S.created): _l("待发送订单"), (SELLER, S.sent): _l("待确认订单"),
       (SELLER, S.accepted): _l("待发货订单"), (PURCHASER, S.shipped): _l("待确认收货"),
       (PURCHASER, S.received): _l("待上传验收单和支付凭证")}


@register_todo
def orders_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.clerk not in user.positions or user.org_id is None:
        return
    for order in of_org(session, user.org_id):
        step = DUE.get((side_of(user, order) or "", order.status))
        if step is not None:
            other = order.seller if side_of(user, order) == PURCHASER else order.purchaser
            yield TodoItem(str(step), f"{order.number} · {other.name}",
                           url_for("orders.show", order_id=order.id),
                           order.sent_at or order.created_at, f"{order.total:,.2f}")
