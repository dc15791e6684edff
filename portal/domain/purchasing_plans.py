"""采购计划: a purchaser's approved plan, line by line, and what call-offs have spent of it.

The plan is a document (kind ``purchasing_plan``: the purchaser's clerk drafts it, its reviewer
approves it, as every document goes). Once approved it can be chosen when ordering (选择计划):
each call-off spends against one line, in the call-off's own transaction, and is refused when it
would take the line past its budget, with the figures. A call-off that falls through (an order
returned, a bidding ended) releases its spending. Every spending and release is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import audit
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    Document,
    DocumentStatus,
    PlanSpending,
    Position,
    User,
    utcnow,
)

KIND = "purchasing_plan"
SUBJECT = "purchasing_plan"
ZERO = Decimal("0.00")
#: What spends against a plan, as the plan's page names it.
SOURCES = {"order": _l("订单"), "bidding": _l("二次竞价项目"),
           "direct_selection": _l("直接选定项目")}


@dataclass(frozen=True)
class PlanLine:
    """One line of an approved plan: its budget, what unreleased call-offs spent, the rest."""

    number: int  # 1-based
    category: str
    name: str
    quantity: Decimal
    unit: str
    budget: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.spent

    @property
    def quantity_text(self) -> str:
        return f"{self.quantity.normalize():f}"

    @property
    def label(self) -> str:
        return f"{self.number}. {self.category}·{self.name}"


def _money(value: object) -> Decimal:
    return Decimal(str(value or "0")).quantize(Decimal("0.01"))


def is_usable(doc: Document) -> bool:
    return doc.kind == KIND and doc.status is DocumentStatus.approved


def spent_by_line(session: Session, plan: Document) -> dict[int, Decimal]:
    found = session.execute(
        select(PlanSpending.line_number, func.sum(PlanSpending.amount))
        .where(PlanSpending.plan_id == plan.id, PlanSpending.released_at.is_(None))
        .group_by(PlanSpending.line_number))
    return {number: _money(total) for number, total in found}


def lines(session: Session, plan: Document) -> list[PlanLine]:
    """The approved revision's lines with what has been spent of each (none for a draft)."""
    revision = plan.current_revision
    if revision is None:
        return []
    spent = spent_by_line(session, plan)
    return [PlanLine(number, str(row.get("category", "")), str(row.get("name", "")),
                     Decimal(str(row.get("quantity") or 0)), str(row.get("unit", "")),
                     _money(row.get("amount")), spent.get(number, ZERO))
            for number, row in enumerate(revision.data.get("lines") or (), 1)]


def of_org(session: Session, org_id: int) -> list[Document]:
    """The organisation's 采购计划 in any state, newest first."""
    return list(session.scalars(select(Document).where(
        Document.kind == KIND, Document.owner_org_id == org_id).order_by(Document.id.desc())))


def usable_of(session: Session, org_id: int) -> list[Document]:
    """The approved plans a call-off of the organisation may choose."""
    return [doc for doc in of_org(session, org_id) if is_usable(doc)]


def line_choices(session: Session, org_id: int,
                 category: str | None = None) -> list[tuple[str, str]]:
    """``plan_id:line`` and its label with what is left, for every line of the organisation's
    approved plans (of ``category`` only, when given)."""
    return [(f"{plan.id}:{line.number}",
             _("%(plan)s · %(line)s（剩余 %(left)s 元）", plan=plan.title, line=line.label,
               left=f"{line.remaining:,.2f}"))
            for plan in usable_of(session, org_id) for line in lines(session, plan)
            if category is None or line.category == category]


def _line(session: Session, plan: Document, number: int) -> PlanLine:
    found = next((line for line in lines(session, plan) if line.number == number), None)
    if found is None:
        raise InvalidInput(_("采购计划“%(plan)s”没有第 %(n)d 条明细。", plan=plan.title, n=number))
    return found


def line_for(session: Session, plan: Document, number: int, category: str,
             what: str) -> PlanLine:
    """The plan's line ``number``, refused unless it is of ``category`` (the 品目 of ``what``
    is bought: the service, the lot, the contract's items)."""
    line = _line(session, plan, number)
    if line.category != category:
        raise InvalidInput(_("采购计划明细“%(line)s”的品目是%(category)s，%(what)s是%(ours)s。",
                             line=line.label, category=line.category, what=what, ours=category))
    return line


def chosen(session: Session, user: User, value: str) -> tuple[Document, int]:
    """A plan line as the forms' choices name it (``<plan id>:<line>``): the user's plan and
    the line number."""
    plan_id, line = (int(part) for part in value.split(":"))
    return load(session, user, plan_id), line


def spend(session: Session, actor: User, plan: Document, line_number: int, amount: Decimal,
          source_type: str, source_id: int) -> PlanSpending:
    """选择计划: ``amount`` of line ``line_number`` goes to the call-off ``source``. Refused
    beyond the line's remaining budget, with the figures. Spending again for the same call-off
    returns its spending unchanged. The caller commits, with the call-off it belongs to."""
    if actor.org_id != plan.owner_org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只能由本单位经办岗使用本单位的采购计划。"))
    if not is_usable(plan):
        raise TransitionNotAllowed(_("采购计划“%(plan)s”尚未审核通过，不能使用。", plan=plan.title))
    existing = session.scalar(select(PlanSpending).where(
        PlanSpending.source_type == source_type, PlanSpending.source_id == source_id))
    if existing is not None and existing.released_at is None:
        return existing
    amount = _money(amount)
    if amount <= ZERO:
        raise InvalidInput(_("使用采购计划的金额须大于零。"))
    # Serialise spendings of one plan (PostgreSQL locks the row; SQLite writes one at a time).
    session.execute(select(Document.id).where(Document.id == plan.id).with_for_update())
    line = _line(session, plan, line_number)
    if amount > line.remaining:
        raise InvalidInput(_(
            "超出采购计划：第%(n)d条“%(name)s”预算 %(budget)s 元，已使用 %(spent)s 元，"
            "剩余 %(remaining)s 元，本次 %(amount)s 元。",
            n=line.number, name=line.name, budget=f"{line.budget:,.2f}",
            spent=f"{line.spent:,.2f}", remaining=f"{line.remaining:,.2f}",
            amount=f"{amount:,.2f}"))
    if existing is not None:  # released earlier, now spent again
        existing.plan_id, existing.line_number, existing.amount = plan.id, line_number, amount
        existing.spent_by, existing.spent_at = actor.id, utcnow()
        existing.released_at = existing.release_reason = None
        spending = existing
    else:
        spending = PlanSpending(plan_id=plan.id, line_number=line_number, amount=amount,
                                source_type=source_type, source_id=source_id, spent_by=actor.id)
        session.add(spending)
    session.flush()
    audit.record(session, actor=actor, action="plan.spent", subject_type=SUBJECT,
                 subject_id=plan.id, after=f"{line.spent + amount:.2f}",
                 detail={"line": line_number, "amount": f"{amount:.2f}",
                         "source": f"{source_type}:{source_id}",
                         "remaining": f"{line.remaining - amount:.2f}"})
    return spending


def release(session: Session, actor: User | None, source_type: str, source_id: int,
            reason: str) -> PlanSpending | None:
    """The call-off fell through: what it spent is the line's again (None: it spent nothing).
    The caller commits."""
    spending = session.scalar(select(PlanSpending).where(
        PlanSpending.source_type == source_type, PlanSpending.source_id == source_id,
        PlanSpending.released_at.is_(None)))
    if spending is None:
        return None
    spending.released_at, spending.release_reason = utcnow(), reason[:500]
    audit.record(session, actor=actor, action="plan.released", subject_type=SUBJECT,
                 subject_id=spending.plan_id, before=f"{spending.amount:.2f}",
                 detail={"line": spending.line_number, "source": f"{source_type}:{source_id}",
                         "reason": spending.release_reason})
    return spending


def source_label(spending: PlanSpending) -> str:
    return f"{SOURCES.get(spending.source_type, spending.source_type)} #{spending.source_id}"


def spendings(session: Session, plan: Document) -> Iterator[PlanSpending]:
    yield from session.scalars(select(PlanSpending).where(PlanSpending.plan_id == plan.id)
                               .order_by(PlanSpending.spent_at, PlanSpending.id))


def load(session: Session, user: User, plan_id: int) -> Document:
    """A plan the user's organisation owns (others' plans do not exist for it)."""
    plan = session.get(Document, plan_id)
    if plan is None or plan.kind != KIND or plan.owner_org_id != user.org_id:
        raise NotFound(_("没有该采购计划。"))
    return plan
