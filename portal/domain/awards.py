"""非入围合同授予 (seed 000 §三 1.3; the model in :mod:`portal.models.bidding`).

From a product's page the purchaser's clerk applies to buy from a supplier outside the lot's
shortlist: the quantity, a controlled unit price below every agreement price the lot is offered
to it at, the reason, and a PDF proving the supplier offers a conforming product for less. The
collector's clerk approves or rejects it with a reason. An approved application becomes a
二次竞价 (:func:`portal.domain.biddings.create` with ``award``): the controlled price is its
maximum and the non-shortlisted supplier is invited beside the lot's sellers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal import storage
from portal.domain import audit, catalogue, notices
from portal.domain.cart import price_of, quantity_of
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    AwardStatus,
    Bidding,
    NonShortlistedAward,
    Organisation,
    OrgKind,
    Position,
    ShortlistedSupplier,
    User,
    utcnow,
)
from portal.todo import TodoItem, register

SUBJECT = "non_shortlisted_award"
A = AwardStatus
LABELS = {A.submitted: _l("待审核"), A.approved: _l("审核通过"), A.rejected: _l("未通过")}
MAX_REASON = 1000


def label(status: AwardStatus) -> str:
    return str(LABELS[status])


def candidates(session: Session, row: ShortlistedSupplier) -> list[Organisation]:
    """Registered suppliers not shortlisted in the row's lot (the 供应商库 to choose from)."""
    inside = select(ShortlistedSupplier.supplier_org_id).where(
        ShortlistedSupplier.project_id == row.project_id,
        ShortlistedSupplier.lot_number == row.lot_number)
    return list(session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.supplier, Organisation.id.not_in(inside))
        .order_by(Organisation.name)))


def apply(session: Session, actor: User, offer_key: str, supplier_id: int, quantity: str,
          controlled_price: str, reason: str, evidence_name: str, evidence: bytes,
          today: date) -> NonShortlistedAward:
    """申请非入围合同授予 (``evidence``: a checked PDF). Refused unless the controlled price is
    below every agreement price the lot is offered to the purchaser at, with the figures."""
    if actor.role is not OrgKind.purchaser or Position.clerk not in actor.positions:
        raise Forbidden(_("只有采购单位的经办岗可以申请非入围合同授予。"))
    offer = catalogue.offer(session, actor.org, offer_key, today)
    row = offer.shortlisted
    supplier = next((o for o in candidates(session, row) if o.id == supplier_id), None)
    if supplier is None:
        raise InvalidInput(_("请从供应商库中选择一家未入围本包的供应商。"))
    amount = quantity_of(quantity)
    price = price_of(controlled_price, _("控制单价"))
    rows = session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == row.project_id,
        ShortlistedSupplier.lot_number == row.lot_number))
    lowest = min(o.price for r in rows for o in catalogue.offers_of(session, r, actor.org, today))
    if price >= lowest:
        raise InvalidInput(_("控制单价 %(price)s 元须低于本包最低的协议价格 %(lowest)s 元。",
                             price=f"{price:,.2f}", lowest=f"{lowest:,.2f}"))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请说明申请理由。"))
    award = NonShortlistedAward(
        purchaser_org_id=actor.org_id, collector_org_id=row.project.collector_org_id,
        shortlisted_id=row.id, supplier_org_id=supplier.id, quantity=amount,
        controlled_price=price, agreement_price=lowest, reason=reason[:MAX_REASON],
        evidence_sha256=storage.put(evidence, ".pdf"), evidence_filename=evidence_name[:200],
        created_by=actor.id)
    session.add(award)
    session.flush()
    _audit(session, actor, award, "applied", None,
           {"supplier": supplier.name, "price": f"{price:.2f}", "lowest": f"{lowest:.2f}"})
    notices.send(session, [award.collector_org_id], "非入围合同授予待审核",
                 f"{actor.org.name}申请向{supplier.name}以控制单价 {price:,.2f} 元采购"
                 f"{row.lot_name}，请审核。", None)
    session.commit()
    return award


def _audit(session: Session, actor: User, award: NonShortlistedAward, action: str,
           before: AwardStatus | None, detail: dict[str, object] | None = None) -> None:
    audit.record(session, actor=actor, action=f"award.{action}", subject_type=SUBJECT,
                 subject_id=award.id, before=before.value if before else None,
                 after=award.status.value, detail=detail or {})


def may_decide(user: User, award: NonShortlistedAward) -> bool:
    return (user.org_id == award.collector_org_id and Position.clerk in user.positions
            and award.status is A.submitted)


def decide(session: Session, actor: User, award: NonShortlistedAward, approve: bool,
           note: str) -> None:
    """审核: 通过, or 不通过 with the reason."""
    if actor.org_id != award.collector_org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有本项目征集人的经办岗可以审核非入围合同授予。"))
    if award.status is not A.submitted:
        raise TransitionNotAllowed(_("该申请已审核。"))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(_("不通过时必须填写原因。"))
    award.status = A.approved if approve else A.rejected
    award.decided_by, award.decided_at, award.decision_note = actor.id, utcnow(), note[:500] or None
    _audit(session, actor, award, "approved" if approve else "rejected", A.submitted,
           {"note": note[:500]})
    notices.send(session, [award.purchaser_org_id],
                 "非入围合同授予审核" + ("通过" if approve else "未通过"),
                 "可生成二次竞价项目。" if approve else f"原因：{note[:500]}", None)
    session.commit()


def bidding_of(session: Session, award: NonShortlistedAward) -> Bidding | None:
    return session.scalar(select(Bidding).where(Bidding.award_id == award.id))


def require_usable(session: Session, actor: User, award: NonShortlistedAward,
                   row: ShortlistedSupplier) -> None:
    """What :func:`portal.domain.biddings.create` asks of the award it is made from."""
    if award.purchaser_org_id != actor.org_id:
        raise Forbidden(_("只能使用本单位的非入围合同授予申请。"))
    if award.status is not A.approved:
        raise TransitionNotAllowed(_("非入围合同授予申请审核通过后才能生成二次竞价项目。"))
    if (award.shortlisted.project_id, award.shortlisted.lot_number) != (
            row.project_id, row.lot_number):
        raise InvalidInput(_("二次竞价须针对申请时的采购包。"))
    if bidding_of(session, award) is not None:
        raise TransitionNotAllowed(_("该申请已生成二次竞价项目。"))


def load(session: Session, user: User, award_id: int) -> NonShortlistedAward:
    award = session.get(NonShortlistedAward, award_id)
    if award is None or user.org_id not in (award.purchaser_org_id, award.collector_org_id):
        raise NotFound(_("没有该非入围合同授予申请。"))
    return award


def of_org(session: Session, org_id: int) -> list[NonShortlistedAward]:
    return list(session.scalars(select(NonShortlistedAward).where(or_(
        NonShortlistedAward.purchaser_org_id == org_id,
        NonShortlistedAward.collector_org_id == org_id))
        .order_by(NonShortlistedAward.id.desc())))


@register
def awards_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.clerk not in user.positions or user.org_id is None:
        return
    for award in of_org(session, user.org_id):
        if award.collector_org_id == user.org_id and award.status is A.submitted:
            yield TodoItem(_("非入围合同授予待审核"),
                           f"{award.purchaser.name} · {award.supplier.name}",
                           url_for("awards.show", award_id=award.id), award.created_at)
        elif (award.purchaser_org_id == user.org_id and award.status is A.approved
              and bidding_of(session, award) is None):
            yield TodoItem(_("待生成二次竞价项目"), award.supplier.name,
                           url_for("awards.show", award_id=award.id),
                           award.decided_at or award.created_at)
