"""采购合同 from an order (seed 000 §三 1.5, §四 3.3; seed 002 1.2 ⑦–⑨): once the seller has
accepted the order, its clerk drafts the contract prefilled from it (parties from their
registered profiles, the order's lines and total, the framework agreement it calls off, the
delivery place) and submits it; the purchaser confirms it (the contract kind's review) or
returns it with a reason; the seller seals, then the purchaser seals. The contract's items and
total must stay the order's: a draft that differs is not submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, lifecycle, orders, projects, sealing, workdays
from portal.domain.errors import Forbidden, TransitionNotAllowed
from portal.models import (
    Document,
    DocumentStatus,
    FrameworkAgreement,
    Order,
    OrderStatus,
    Position,
    User,
    beijing,
    beijing_now,
)

KIND = "contract"
DRAFTABLE = (OrderStatus.accepted, OrderStatus.shipped, OrderStatus.received,
             OrderStatus.completed)
#: How the order page names the contract's state (seed 002: 采购人已确认, 供应商已盖章 …).
STATES = {DocumentStatus.draft: _l("供应商起草中"), DocumentStatus.in_review: _l("待采购人确认"),
          DocumentStatus.approved: _l("采购人已确认"), DocumentStatus.sealed: _l("采购单位已盖章"),
          DocumentStatus.published: _l("采购单位已盖章")}


def contract_of(session: Session, order: Order) -> Document | None:
    return session.get(Document, order.contract_id) if order.contract_id else None


def state(session: Session, order: Order) -> str | None:
    """The contract's state in the seeds' words (供应商已盖章 once the seller's seal is on)."""
    doc = contract_of(session, order)
    if doc is None:
        return None
    if doc.status is DocumentStatus.approved and doc.current_revision is not None:
        if sealing.confirmed_seals(session, doc.current_revision):
            return _("供应商已盖章")
    return str(STATES[doc.status])


def may_draft(user: User, order: Order) -> bool:
    return (orders.side_of(user, order) == orders.SELLER and Position.clerk in user.positions
            and order.status in DRAFTABLE)


def _agreement_data(session: Session, order: Order) -> Mapping[str, Any]:
    agreement = session.scalar(select(FrameworkAgreement).where(
        FrameworkAgreement.shortlisted_id == order.lines[0].shortlisted_id))
    doc = session.get(Document, agreement.document_id) if agreement else None
    revision = doc.current_revision if doc else None
    return revision.data if revision else {}


def start_data(session: Session, order: Order) -> dict[str, Any]:
    agreement = _agreement_data(session, order)
    category = order.lines[0].category
    return {
        "contract_number": f"HT-{order.number}",
        "contract_name": f"{order.purchaser.name}{category}采购合同",
        "agreement_name": agreement.get("agreement_name", ""),
        "agreement_number": agreement.get("agreement_number", ""),
        "items": [{"name": line.category, "specification": line.name,
                   "quantity": f"{line.quantity.normalize():f}", "unit": line.unit,
                   "unit_price": f"{line.unit_price:.2f}", "amount": f"{line.amount:.2f}"}
                  for line in order.lines],
        "total_amount": f"{order.total:.2f}",
        "delivery_place": order.delivery_address,
        "payment_terms": agreement.get("payment_terms", ""),
    }


def draft(session: Session, actor: User, order: Order) -> Document:
    """起草合同 from the order; drafting again returns the contract already drafted."""
    if orders.side_of(actor, order) != orders.SELLER or Position.clerk not in actor.positions:
        raise Forbidden(_("只有订单供应商的经办岗可以起草合同。"))
    if order.status not in DRAFTABLE:
        raise TransitionNotAllowed(_("供应商确认订单后才能起草合同。"))
    existing = contract_of(session, order)
    if existing is not None:
        return existing
    doc = projects.draft_document(
        session, actor, None, KIND, f"采购合同·{order.number}",
        start_from=start_data(session, order),
        parties={"purchaser": order.purchaser, "supplier": order.seller})
    order.contract_id = doc.id
    audit.record(session, actor=actor, action="order.contract_drafted",
                 subject_type=orders.SUBJECT, subject_id=order.id,
                 after=doc.status.value, detail={"number": order.number, "document": doc.id})
    session.commit()
    return doc


def order_of(session: Session, doc: Document) -> Order | None:
    return session.scalar(select(Order).where(Order.contract_id == doc.id))


def _matches_order(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """A contract drafted from an order keeps the order's quantities, prices and total."""
    from portal import db

    order = order_of(db.session(), doc)
    if order is None:
        return {}
    errors: dict[str, list[str]] = {}
    items = list(data.get("items") or ())
    if len(items) != len(order.lines):
        errors["items"] = [_("合同标的须与订单一致：订单共 %(n)d 项。", n=len(order.lines))]
    for index, (item, line) in enumerate(zip(items, order.lines, strict=False)):
        for key, expected in (("quantity", line.quantity), ("unit_price", line.unit_price),
                              ("amount", line.amount)):
            if Decimal(str(item.get(key))) != expected:
                errors.setdefault(f"items-{index}-{key}", []).append(
                    _("须与订单一致：%(value)s", value=f"{expected:,.2f}"))
    if Decimal(str(data.get("total_amount"))) != order.total:
        errors["total_amount"] = [_("合同总价须与订单金额一致：%(total)s 元",
                                    total=f"{order.total:,.2f}")]
    return errors


lifecycle.register_rule(KIND, _matches_order)


# ---- 合同公告 (seed 000 §四 3.4): within 2 working days of the last seal --------------------

ANNOUNCEMENT = "contract_announcement"
ANNOUNCE_WITHIN = 2  # working days


def is_sealed(session: Session, order: Order) -> bool:
    doc = contract_of(session, order)
    return doc is not None and doc.status in (DocumentStatus.sealed, DocumentStatus.published)


def announcement_of(session: Session, order: Order) -> Document | None:
    return session.get(Document, order.announcement_id) if order.announcement_id else None


def sealed_at(session: Session, order: Order) -> datetime | None:
    """When the second party sealed the order's contract (None while it is not sealed)."""
    doc = contract_of(session, order)
    if doc is None or doc.current_revision is None or not is_sealed(session, order):
        return None
    return max((s.confirmed_at for s in sealing.confirmed_seals(session, doc.current_revision)
                if s.confirmed_at), default=doc.updated_at)


def announcement_deadline(session: Session, order: Order) -> date | None:
    """The last day to publish the 合同公告: 2 working days after both seals."""
    sealed = sealed_at(session, order)
    if sealed is None:
        return None
    calendar, left = workdays.calendar(session), ANNOUNCE_WITHIN
    day = beijing(sealed).date()
    while left:
        day += timedelta(days=1)
        left -= calendar.is_working_day(day)
    return day


def announcement_data(session: Session, order: Order) -> dict[str, Any]:
    contract = contract_of(session, order)
    revision = contract.current_revision if contract else None
    data: Mapping[str, Any] = revision.data if revision else {}
    supplier = data.get("supplier") or {}
    return {
        "contract_number": data.get("contract_number", ""),
        "contract_name": data.get("contract_name", ""),
        "project_number": order.number,
        "project_name": data.get("agreement_name", ""),
        "procurement_method": "框架协议采购（直接选定）",
        "supplier": {k: supplier.get(k, "") for k in ("name", "address", "contact", "phone")},
        "items": [{k: item.get(k) for k in ("name", "specification", "quantity", "unit",
                                            "unit_price")} for item in data.get("items") or ()],
        "contract_amount": data.get("total_amount", ""),
        "performance_period": data.get("delivery_time", ""),
        "performance_place": data.get("delivery_place", ""),
        "signing_date": data.get("signing_date", ""),
        "announcement_date": beijing_now().date().isoformat(),
        "attachment_name": f"{data.get('contract_name', '采购合同')}（公开版）.pdf",
    }


def draft_announcement(session: Session, actor: User, order: Order) -> Document:
    """起草合同公告 from the sealed contract (the purchaser's clerk); once."""
    if orders.side_of(actor, order) != orders.PURCHASER or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以起草合同公告。"))
    if not is_sealed(session, order):
        raise TransitionNotAllowed(_("采购合同双方盖章后才能起草合同公告。"))
    existing = announcement_of(session, order)
    if existing is not None:
        return existing
    contract = contract_of(session, order)
    assert contract is not None
    doc = projects.draft_document(
        session, actor, None, ANNOUNCEMENT, f"{contract.title}合同公告",
        start_from=announcement_data(session, order), parties={"supplier": order.seller})
    order.announcement_id = doc.id
    audit.record(session, actor=actor, action="order.announcement_drafted",
                 subject_type=orders.SUBJECT, subject_id=order.id, after=doc.status.value,
                 detail={"number": order.number, "document": doc.id})
    session.commit()
    return doc


def _contract_sealed(session: Session, doc: Document) -> str | None:
    """An order's 合同公告 is published only while its contract stands sealed by both."""
    order = session.scalar(select(Order).where(Order.announcement_id == doc.id))
    if order is not None and not is_sealed(session, order):
        return _("采购合同尚未由双方盖章（或已发起变更），不能发布合同公告。")
    return None


lifecycle.register_publish_guard(ANNOUNCEMENT, _contract_sealed)
