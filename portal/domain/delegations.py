"""厂家授权 / 委托代理商 (seed 000 §一 16.1, §二 2.1 and 9, §四 2): a shortlisted supplier
delegates its agreement to one reseller.

The shortlisted supplier's clerk chooses a reseller organisation and uploads the delegation
letter; the collector confirms (确认委托结果) or rejects it with a reason. One confirmed
delegation per shortlisted supplier: a newly confirmed one withdraws the old. The supplier sets
the reseller's delivery regions; the reseller sets its price, never above the shortlisted
price. A suspended or removed supplier's delegations stop counting.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.shortlisted_admin import is_active
from portal.models import (
    DelegationStatus,
    DeliveryRegion,
    Organisation,
    OrgKind,
    Position,
    Project,
    Region,
    ResellerDelegation,
    ShortlistedSupplier,
    SupplierKind,
    User,
    utcnow,
)

SUBJECT = "reseller_delegation"
P, C, X, W = (DelegationStatus.pending, DelegationStatus.confirmed, DelegationStatus.rejected,
              DelegationStatus.withdrawn)
#: (status, command) -> the status it leads to.
TRANSITIONS: dict[tuple[DelegationStatus, str], DelegationStatus] = {
    (P, "confirm"): C,
    (P, "reject"): X,
    (P, "withdraw"): W,
    (C, "withdraw"): W,
}
CENT = Decimal("0.01")


def counting(d: ResellerDelegation) -> bool:
    """A confirmed delegation of a supplier that is still active."""
    return d.status is C and is_active(d.shortlisted)


def confirmed_for(session: Session, s: ShortlistedSupplier) -> ResellerDelegation | None:
    return session.scalar(select(ResellerDelegation).where(
        ResellerDelegation.shortlisted_id == s.id, ResellerDelegation.status == C))


def of_shortlisted(session: Session, s: ShortlistedSupplier) -> list[ResellerDelegation]:
    return list(session.scalars(select(ResellerDelegation).where(
        ResellerDelegation.shortlisted_id == s.id).order_by(ResellerDelegation.id.desc())))


def shortlisted_of_org(session: Session, org_id: int) -> list[ShortlistedSupplier]:
    """The agreements (shortlisted rows) of a supplier organisation."""
    return list(session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.supplier_org_id == org_id).order_by(ShortlistedSupplier.id.desc())))


def for_reseller(session: Session, org_id: int) -> list[ResellerDelegation]:
    return list(session.scalars(select(ResellerDelegation).where(
        ResellerDelegation.reseller_org_id == org_id).order_by(ResellerDelegation.id.desc())))


def for_collector(session: Session, org_id: int) -> list[ResellerDelegation]:
    """Delegations in the collector's projects, newest first."""
    projects = select(Project.id).where(Project.collector_org_id == org_id)
    return list(session.scalars(select(ResellerDelegation).join(ResellerDelegation.shortlisted)
                                .where(ShortlistedSupplier.project_id.in_(projects))
                                .order_by(ResellerDelegation.id.desc())))


def resellers(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(
        Organisation.kind == OrgKind.supplier,
        Organisation.supplier_kind == SupplierKind.reseller).order_by(Organisation.id)))


def _clerk_of(actor: User, org_id: int) -> bool:
    return actor.org_id == org_id and Position.clerk in actor.positions


def may_delegate(actor: User, s: ShortlistedSupplier) -> bool:
    return _clerk_of(actor, s.supplier_org_id)


def may_decide(actor: User, d: ResellerDelegation) -> bool:
    return _clerk_of(actor, d.shortlisted.project.collector_org_id)


def _record(session: Session, actor: User, d: ResellerDelegation, action: str,
            before: object, **detail: object) -> None:
    audit.record(session, actor=actor, action=f"delegation.{action}", subject_type=SUBJECT,
                 subject_id=d.id, before=before, after=d.status.value,
                 detail={"shortlisted": d.shortlisted_id, "reseller": d.reseller_org_id,
                         **detail})


def _move(d: ResellerDelegation, command: str) -> DelegationStatus:
    to = TRANSITIONS.get((d.status, command))
    if to is None:
        raise TransitionNotAllowed(_("该委托当前状态下不能执行此操作。"))
    before, d.status = d.status, to
    return before


def delegate(session: Session, actor: User, s: ShortlistedSupplier, reseller: Organisation | None,
             filename: str, letter: bytes) -> ResellerDelegation:
    """选择代理商 and 上传委托协议 (``letter``: a checked PDF). A pending request of the same
    supplier is withdrawn: one request waits for the collector at a time."""
    if not may_delegate(actor, s):
        raise Forbidden(_("只有该入围供应商的经办岗可以委托代理商。"))
    if not is_active(s):
        raise TransitionNotAllowed(_("入围资格已暂停或清退，不能委托代理商。"))
    if reseller is None or reseller.kind is not OrgKind.supplier or \
            reseller.supplier_kind is not SupplierKind.reseller:
        raise InvalidInput(_("请选择一家代理商（供应商类型为“代理商”的单位）。"))
    if reseller.id == s.supplier_org_id:
        raise InvalidInput(_("不能委托本单位为代理商。"))
    for old in of_shortlisted(session, s):
        if old.status is P:
            before = _move(old, "withdraw")
            old.reason = "重新选择代理商"
            _record(session, actor, old, "withdrawn", before.value, reason=old.reason)
    d = ResellerDelegation(
        shortlisted_id=s.id, reseller_org_id=reseller.id, letter_filename=filename[:200],
        letter=letter, letter_sha256=hashlib.sha256(letter).hexdigest(), created_by=actor.id,
        status=P)
    session.add(d)
    session.flush()
    _record(session, actor, d, "requested", None, letter=d.letter_sha256)
    session.commit()
    return d


def confirm(session: Session, actor: User, d: ResellerDelegation) -> None:
    """确认委托结果: the confirmed reseller replaces any earlier one of the supplier."""
    if not may_decide(actor, d):
        raise Forbidden(_("只有该项目征集人的经办岗可以确认委托结果。"))
    if not is_active(d.shortlisted):
        raise TransitionNotAllowed(_("入围资格已暂停或清退，不能确认委托。"))
    old = confirmed_for(session, d.shortlisted)
    before = _move(d, "confirm")
    if old is not None and old.id != d.id:
        old_before = _move(old, "withdraw")
        old.reason = "已委托新的代理商"
        _record(session, actor, old, "withdrawn", old_before.value, reason=old.reason)
    d.decided_by, d.decided_at = actor.id, utcnow()
    _record(session, actor, d, "confirmed", before.value)
    session.commit()


def reject(session: Session, actor: User, d: ResellerDelegation, reason: str) -> None:
    if not may_decide(actor, d):
        raise Forbidden(_("只有该项目征集人的经办岗可以确认委托结果。"))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("不通过时须填写原因。"))
    before = _move(d, "reject")
    d.reason, d.decided_by, d.decided_at = reason[:500], actor.id, utcnow()
    _record(session, actor, d, "rejected", before.value, reason=d.reason)
    session.commit()


def withdraw(session: Session, actor: User, d: ResellerDelegation) -> None:
    """撤销委托, by the supplier."""
    if not may_delegate(actor, d.shortlisted):
        raise Forbidden(_("只有该入围供应商的经办岗可以撤销委托。"))
    before = _move(d, "withdraw")
    d.reason = "供应商撤销委托"
    _record(session, actor, d, "withdrawn", before.value, reason=d.reason)
    session.commit()


def set_regions(session: Session, actor: User, d: ResellerDelegation,
                region_ids: Iterable[int]) -> None:
    """设置配送范围: the regions (each with everything under it) the reseller delivers to."""
    if not may_delegate(actor, d.shortlisted):
        raise Forbidden(_("只有该入围供应商的经办岗可以设置代理商配送范围。"))
    if not counting(d):
        raise TransitionNotAllowed(_("只有已确认且仍有效的委托可以设置配送范围。"))
    wanted = sorted(set(region_ids))
    found = list(session.scalars(select(Region.id).where(Region.id.in_(wanted))))
    if not wanted or len(found) != len(wanted):
        raise InvalidInput(_("请至少选择一个配送区域。"))
    before = [r.region_id for r in d.regions]
    d.regions = [DeliveryRegion(region_id=region_id) for region_id in wanted]
    _record(session, actor, d, "regions", d.status.value, before_regions=before,
            regions=wanted)
    session.commit()


def parse_price(text: str) -> Decimal:
    try:
        price = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise InvalidInput(_("请填写有效的金额（元，最多两位小数）。")) from None
    if not price.is_finite() or price <= 0 or price != price.quantize(CENT) or \
            price >= Decimal("1e14"):
        raise InvalidInput(_("请填写有效的金额（元，最多两位小数）。"))
    return price


def set_price(session: Session, actor: User, d: ResellerDelegation, price: Decimal) -> None:
    """修改报价 and 上架: the reseller's price, never above the shortlisted price."""
    if not _clerk_of(actor, d.reseller_org_id):
        raise Forbidden(_("只有受托代理商的经办岗可以报价。"))
    if not counting(d):
        raise TransitionNotAllowed(_("只有已确认且仍有效的委托可以报价。"))
    ceiling = d.shortlisted.unit_price
    if price > ceiling:
        raise InvalidInput(_("代理商报价 %(price)s 元高于入围价格 %(ceiling)s 元，不能提交。",
                             price=f"{price:.2f}", ceiling=f"{ceiling:.2f}"))
    before = d.price
    d.price, d.listed_at = price, utcnow()
    _record(session, actor, d, "priced", d.status.value,
            before_price=None if before is None else f"{before:.2f}", price=f"{price:.2f}")
    session.commit()
