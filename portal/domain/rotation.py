"""顺序轮候 (seed 001 §1.3.1.5; the model in :mod:`portal.models.rotation`).

A lot uses sequential rotation when its framework agreements name it among the second-stage
methods. The rotation order is the published one: the shortlist's ranks. Each call-off goes to
the supplier after the one that got the previous call-off, going round; a supplier that cannot
take it now (suspended or removed, agreement not in force or not filed, not covering the
purchaser's region) is passed over and the ledger says so and why, so the order stays fair and
a skipped supplier can see why. The purchaser's clerk gives the quantity and plan line: the
order goes to that supplier at its agreement price, to accept or return as any order.

The ledger is public (the agreement's board page) and hash-chained: each entry's hash covers its
own facts and the previous entry's hash, so any supplier can recompute the chain and check it
was neither skipped nor reordered. :func:`verify` does that (also ``kuangcai rotation verify``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit, catalogue, orders
from portal.domain import purchasing_plans as plans
from portal.domain.cart import quantity_of
from portal.domain.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    Document,
    FrameworkAgreement,
    Order,
    OrderLine,
    Organisation,
    OrgKind,
    Position,
    Product,
    Project,
    RotationEntry,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
    utcnow,
)

GENESIS = "0" * 64
METHOD = "rotation"
CENT = Decimal("0.01")


def rows(session: Session, project: Project, lot_number: str) -> list[ShortlistedSupplier]:
    """The lot's suppliers in the published rotation order (the shortlist's ranks)."""
    found = session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == project.id,
        ShortlistedSupplier.lot_number == lot_number))
    return sorted(found, key=lambda r: (r.rank is None, r.rank or 0, r.id))


def uses_rotation(session: Session, project: Project, lot_number: str) -> bool:
    """Whether the lot's framework agreements name 顺序轮候."""
    for row in rows(session, project, lot_number):
        agreement = session.scalar(select(FrameworkAgreement).where(
            FrameworkAgreement.shortlisted_id == row.id))
        doc = session.get(Document, agreement.document_id) if agreement else None
        revision = doc.current_revision if doc else None
        if revision and METHOD in (revision.data.get("second_stage_methods") or ()):
            return True
    return False


def ledger(session: Session, project: Project, lot_number: str) -> list[RotationEntry]:
    return list(session.scalars(select(RotationEntry).where(
        RotationEntry.project_id == project.id, RotationEntry.lot_number == lot_number)
        .order_by(RotationEntry.seq)))


def entry_hash(entry: RotationEntry, project_number: str) -> str:
    """SHA-256 of the entry's facts and the previous hash (a canonical JSON text, so anyone
    can recompute it from the public page)."""
    facts = {"project": project_number, "lot": entry.lot_number, "seq": entry.seq,
             "supplier": entry.supplier_name, "uscc": entry.supplier_uscc,
             "purchaser": entry.purchaser_name, "order": entry.order_number,
             "skipped": entry.skipped, "assigned_at": entry.assigned_at.isoformat(),
             "prev": entry.prev_hash}
    text = json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify(session: Session, project: Project, lot_number: str) -> int | None:
    """The sequence number of the first entry that breaks the chain; None when it holds."""
    previous = GENESIS
    for expected, entry in enumerate(ledger(session, project, lot_number), start=1):
        if entry.seq != expected or entry.prev_hash != previous \
                or entry_hash(entry, project.number) != entry.hash:
            return entry.seq
        previous = entry.hash
    return None


def _why_not(session: Session, row: ShortlistedSupplier, purchaser: Organisation,
             today: date) -> str | None:
    """Why the row cannot take a call-off of this purchaser now (None: it can)."""
    if row.status is ShortlistedStatus.suspended:
        return _("已暂停")
    if row.status is ShortlistedStatus.removed:
        return _("已清退")
    if catalogue.in_force(session, row, today) is None:
        return _("框架协议不在有效期内或未备案")
    if not catalogue.offers_of(session, row, purchaser, today):
        return _("不向采购单位所在地区供货")
    return None


def _unit(session: Session, row: ShortlistedSupplier) -> str:
    product = session.get(Product, row.product_id) if row.product_id else None
    return product.unit if product else "台"


@dataclass(frozen=True)
class Turn:
    row: ShortlistedSupplier
    skipped: list[dict[str, str]]


def next_turn(session: Session, actor: User, project: Project, lot_number: str,
              today: date, entries: list[RotationEntry]) -> Turn:
    """Whose turn it is for ``actor``'s organisation after the lot's ledger ``entries``, and
    who is passed over on the way."""
    order = rows(session, project, lot_number)
    if not order:
        raise TransitionNotAllowed(_("该采购包没有入围供应商。"))
    last = entries[-1].shortlisted_id if entries else None
    start = next((i + 1 for i, r in enumerate(order) if r.id == last), 0)
    skipped: list[dict[str, str]] = []
    for step in range(len(order)):
        row = order[(start + step) % len(order)]
        reason = _why_not(session, row, actor.org, today)
        if reason is None:
            return Turn(row, skipped)
        skipped.append({"supplier": row.name, "reason": reason})
    raise TransitionNotAllowed(_("该采购包目前没有可以轮候的供应商：%(why)s", why="；".join(
        f"{s['supplier']}（{s['reason']}）" for s in skipped)))


def assign(session: Session, actor: User, project: Project, lot_number: str, plan: Document,
           line_number: int, quantity: str, *, delivery_address: str, contact: str,
           phone: str, today: date) -> tuple[Order, RotationEntry]:
    """轮候下单: the order goes to the supplier whose turn it is, at its agreement price, and
    the assignment is appended to the lot's ledger (in the same transaction)."""
    if actor.role is not OrgKind.purchaser or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以轮候下单。"))
    if not uses_rotation(session, project, lot_number):
        raise TransitionNotAllowed(_("该采购包的框架协议未约定顺序轮候。"))
    amount_of = quantity_of(quantity)
    address, contact, phone = delivery_address.strip(), contact.strip(), phone.strip()
    if not (address and contact and phone):
        raise InvalidInput(_("请填写收货地址、联系人和联系电话。"))
    entries = ledger(session, project, lot_number)
    turn = next_turn(session, actor, project, lot_number, today, entries)
    row = turn.row
    plans.line_for(session, plan, line_number, row.lot_name, _("轮候的采购包"))
    try:
        made = orders.from_call_off(
            session, actor, seller_org_id=row.supplier_org_id, plan=plan,
            plan_line=line_number, line=OrderLine(
                shortlisted_id=row.id, product_id=row.product_id, category=row.lot_name,
                name=(row.product or row.lot_name)[:500], unit=_unit(session, row),
                quantity=amount_of,
                unit_price=row.unit_price,
                amount=(amount_of * row.unit_price).quantize(CENT)),
            delivery_address=address, contact=contact, phone=phone, source=None)
        entry = RotationEntry(
            project_id=project.id, lot_number=lot_number, seq=len(entries) + 1,
            shortlisted_id=row.id, supplier_name=row.name, supplier_uscc=row.uscc,
            purchaser_name=actor.org.name, order_number=made.number, skipped=turn.skipped,
            assigned_at=utcnow().replace(microsecond=0),
            prev_hash=entries[-1].hash if entries else GENESIS, hash="")
        entry.hash = entry_hash(entry, project.number)
        session.add(entry)
        session.flush()
    except IntegrityError:  # another call-off took this place in the ledger at the same time
        session.rollback()
        raise Conflict(_("同时有其他轮候下单，请重试。")) from None
    except Exception:
        session.rollback()
        raise
    audit.record(session, actor=actor, action="rotation.assigned", subject_type="project",
                 subject_id=project.id, after=str(entry.seq),
                 detail={"lot": lot_number, "supplier": row.name, "order": made.number,
                         "skipped": turn.skipped, "hash": entry.hash})
    session.commit()
    return made, entry



@dataclass(frozen=True)
class Chain:
    entries: list[RotationEntry]
    broken: int | None  # the first entry that does not hold, None when the chain holds


def public_ledgers(session: Session, project: Project, lot_numbers: list[str]) -> dict[str, Chain]:
    """The lots' ledgers as the agreement's public page shows them (lots without any: none)."""
    found = {}
    for number in lot_numbers:
        entries = ledger(session, project, number)
        if entries:
            found[number] = Chain(entries, verify(session, project, number))
    return found
