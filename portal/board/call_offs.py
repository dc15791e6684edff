"""OCDS releases of an order: a call-off under its framework agreement (直接选定).

An order is a contracting process of its own (``ocds-kuangcai-<order number>``), related to the
stage-one process that concluded the framework agreement it calls off (relationship
``framework``, as OCDS's framework-agreement guidance models a call-off). It reaches the board
only with its 合同公告: until that is published the order is the two parties' business, and
nothing of it is released. Then its record holds, beside the announcement's own release:

- an ``award`` release, dated when the seller accepted the order: the supplier, the items and
  the value;
- a ``contract`` release, dated when the second party sealed: the contract, its value, items and
  signing date;
- an ``implementation`` release, dated when the purchaser uploaded a payment voucher: the
  payment (on the day the voucher states) as a transaction from the buyer to the supplier.

Releases are made from the order as it stands, each dated by the event it records, so a
release never changes once its event happened (a later event adds a release).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.board import ocds
from portal.board.processes import OCID_PREFIX
from portal.domain import order_contracts
from portal.models import BEIJING, AuditEvent, Order, Organisation

#: A scope of the board's versions: bumped when a published call-off changes (a payment), so
#: its record is made again. Record pages read it beside the whole board's version.
SCOPE = "calloffs"
METHOD_DETAILS = "框架协议采购（直接选定）"


def ocid_of(order: Order) -> str:
    return OCID_PREFIX + order.number


def published(db: Session, document_ids: Sequence[int]) -> list[Order]:
    """The orders whose 合同公告 is among ``document_ids`` (announcements on the board)."""
    if not document_ids:
        return []
    return list(db.scalars(select(Order).where(Order.announcement_id.in_(document_ids))))


def _money(amount: Any) -> dict[str, Any]:
    return {"amount": float(amount), "currency": "CNY"}


def _ref(org: Organisation) -> dict[str, str]:
    return {"id": f"CN-USCC-{org.uscc}", "name": org.name}


def _items(order: Order) -> list[dict[str, Any]]:
    return [{"id": str(line.id), "description": line.name,
             "quantity": float(line.quantity),
             "unit": {"name": line.unit, "value": _money(line.unit_price)},
             "additionalClassifications": [{"scheme": "CN-PIN", "description": line.category}]}
            for line in order.lines]


def _base(order: Order, release_id: str, when: datetime, tag: str) -> dict[str, Any]:
    return {
        "ocid": ocid_of(order), "id": release_id, "date": ocds._date(when), "tag": [tag],
        "initiationType": "tender", "language": "zh",
        "parties": [ocds._party(order.purchaser, ["buyer", "procuringEntity"]),
                    ocds._party(order.seller, ["supplier"])],
        "buyer": _ref(order.purchaser),
        "tender": {"id": order.number, "title": f"{order.purchaser.name}·{order.number}",
                   "status": "complete", "procurementMethod": "limited",
                   "procurementMethodDetails": METHOD_DETAILS,
                   "procuringEntity": _ref(order.purchaser)},
    }


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _utc(day: date, at: time) -> datetime:
    """A Beijing day and time as the naive UTC the models keep."""
    return datetime.combine(day, at) - BEIJING


def ids(order: Order) -> tuple[str, str]:
    """The award's and the contract's ids, which the order's 合同公告 release shares."""
    return _award_id(order), _contract_id(order)


def _award_id(order: Order) -> str:
    return f"order-{order.id}-award"


def _contract_id(order: Order) -> str:
    return f"order-{order.id}-contract"


def releases(db: Session, order: Order, framework_ocid: str | None,
             framework_uri: str | None) -> list[dict[str, Any]]:
    """The order's award, contract and implementation releases, oldest first."""
    found: list[dict[str, Any]] = []
    if order.decided_at is None:
        return found
    award = _base(order, f"award-order-{order.id}", order.decided_at, "award")
    award["awards"] = [{"id": _award_id(order), "title": f"订单 {order.number}",
                        "status": "active", "date": ocds._date(order.decided_at),
                        "value": _money(order.total), "suppliers": [_ref(order.seller)],
                        "items": _items(order)}]
    if framework_ocid and framework_uri:
        award["relatedProcesses"] = [ocds._related(framework_ocid, "framework", framework_uri)]
    found.append(award)
    contract_doc = order_contracts.contract_of(db, order)
    sealed = order_contracts.sealed_at(db, order)
    if contract_doc is None or contract_doc.current_revision is None or sealed is None:
        return found
    data = contract_doc.current_revision.data
    contract = _base(order, f"contract-order-{order.id}", sealed, "contract")
    entry: dict[str, Any] = {
        "id": _contract_id(order), "awardID": _award_id(order),
        "title": str(data.get("contract_name") or contract_doc.title), "status": "active",
        "value": _money(order.total), "items": _items(order)}
    signed = _day(data.get("signing_date"))
    if signed is not None:
        entry["dateSigned"] = ocds._date(_utc(signed, time(0)))
    contract["contracts"] = [entry]
    found.append(contract)
    if order.payment_amount is not None and order.payment_date is not None:
        paid_utc = _utc(order.payment_date, time(12))
        uploaded = db.scalar(select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.subject_type == "order", AuditEvent.subject_id == str(order.id),
            AuditEvent.action == "order.payment")) or paid_utc
        implementation = _base(order, f"implementation-order-{order.id}-1", uploaded,
                               "implementation")
        implementation["contracts"] = [{
            "id": _contract_id(order), "awardID": _award_id(order), "status": "active",
            "implementation": {"transactions": [{
                "id": f"order-{order.id}-payment-1", "date": ocds._date(paid_utc),
                "value": _money(order.payment_amount), "payer": _ref(order.purchaser),
                "payee": _ref(order.seller)}]}}]
        found.append(implementation)
    return found
