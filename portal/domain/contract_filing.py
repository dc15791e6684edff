"""合同备案 (seed 001 §1.3.1.5 and §二 2.4): once both parties have sealed an order's 采购合同,
the purchaser's clerk files it with the regulator of the purchaser's province. The filing chooses
the 采购计划 line the contract is paid from (the order's, or another approved line of the same
品目 that can pay for it: the spending moves with it), carries the contract's data as sealed,
and takes the sealed PDF as its main document, which cannot be replaced. The regulator's
reviewer receives it (已备案) or returns it with a reason; a returned filing may be filed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, notices, order_contracts, orders, sealing
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    ContractFiling,
    Document,
    FilingStatus,
    Order,
    Organisation,
    OrgKind,
    Position,
    User,
    utcnow,
)
from portal.todo import TodoItem, register

SUBJECT = "contract_filing"
MAX_REASON = 500
LABELS = {FilingStatus.submitted: _l("待备案"), FilingStatus.received: _l("已备案"),
          FilingStatus.returned: _l("已退回")}


def of_order(session: Session, order: Order) -> ContractFiling | None:
    return session.scalar(select(ContractFiling).where(ContractFiling.order_id == order.id))


def regulator_for(session: Session, order: Order) -> Organisation | None:
    """The regulator (财政部门) of the purchaser's province."""
    province = order.purchaser.region.province
    return session.scalar(select(Organisation).where(
        Organisation.kind == OrgKind.regulator, Organisation.region_id == province.id)
        .order_by(Organisation.id))


def may_file(user: User, order: Order) -> bool:
    return orders.side_of(user, order) == orders.PURCHASER and Position.clerk in user.positions


def may_decide(user: User, filing: ContractFiling) -> bool:
    return user.org_id == filing.regulator_org_id and Position.reviewer in user.positions


def _signing_date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _move_spending(session: Session, actor: User, order: Order, plan: Document,
                   line_number: int) -> None:
    """The filing pays from another plan line: release the order's spending, spend there."""
    if (plan.id, line_number) == (order.plan_id, order.plan_line):
        return
    if not plans.is_usable(plan) or plan.owner_org_id != order.purchaser_org_id:
        raise InvalidInput(_("请选择本单位已审核通过的采购计划。"))
    plans.line_for(session, plan, line_number, order.lines[0].category, _("合同标的"))
    plans.release(session, actor, orders.SUBJECT, order.id,
                  _("合同备案改用采购计划“%(plan)s”第%(n)d条", plan=plan.title, n=line_number))
    plans.spend(session, actor, plan, line_number, order.total, orders.SUBJECT, order.id)
    order.plan_id, order.plan_line = plan.id, line_number


def file(session: Session, actor: User, order: Order, plan: Document,
         line_number: int) -> ContractFiling:
    """报送合同备案: refused before both parties have sealed, twice while one is pending or
    received, or where the province has no regulator's account."""
    if not may_file(actor, order):
        raise Forbidden(_("只有采购单位的经办岗可以办理合同备案。"))
    contract = order_contracts.contract_of(session, order)
    revision = contract.current_revision if contract else None
    if contract is None or revision is None or not order_contracts.is_sealed(session, order):
        raise TransitionNotAllowed(_("采购合同须由供应商和采购单位双方盖章后才能备案。"))
    filing = of_order(session, order)
    if filing is not None and filing.status is not FilingStatus.returned:
        raise TransitionNotAllowed(_("该合同已报送备案，不能重复报送。"))
    regulator = regulator_for(session, order)
    if regulator is None:
        raise TransitionNotAllowed(_("%(region)s尚无财政部门账号，无法报送合同备案。",
                                     region=order.purchaser.region.province.name))
    pdf = sealing.current_pdf(session, revision)
    assert pdf is not None  # a sealed revision has its sealed bytes
    try:
        _move_spending(session, actor, order, plan, line_number)
    except Exception:
        session.rollback()
        raise
    data = revision.data
    before = filing.status if filing else None
    if filing is None:
        filing = ContractFiling(order_id=order.id, submitted_by=actor.id)
        session.add(filing)
    filing.contract_id, filing.regulator_org_id = contract.id, regulator.id
    filing.plan_id, filing.plan_line = order.plan_id, order.plan_line
    filing.contract_number = str(data.get("contract_number", ""))[:64]
    filing.contract_name = str(data.get("contract_name", ""))[:200]
    filing.amount = order.total
    filing.supplier_name, filing.supplier_uscc = order.seller.name, order.seller.uscc
    filing.signing_date = _signing_date(data.get("signing_date"))
    filing.pdf_sha256 = pdf
    filing.status, filing.submitted_by, filing.submitted_at = (
        FilingStatus.submitted, actor.id, utcnow())
    filing.decided_by = filing.decided_at = filing.note = None
    session.flush()
    _audit(session, actor, filing, "submitted", before,
           {"plan": order.plan_id, "line": order.plan_line, "pdf": pdf})
    notices.send(session, [regulator.id], f"合同备案：{filing.contract_name}",
                 f"{order.purchaser.name}报送了合同“{filing.contract_name}”"
                 f"（{filing.contract_number}，{filing.amount:,.2f} 元）的备案，请审核。", None)
    session.commit()
    return filing


def _audit(session: Session, actor: User, filing: ContractFiling, action: str,
           before: FilingStatus | None, detail: dict[str, object] | None = None) -> None:
    audit.record(session, actor=actor, action=f"contract.filing_{action}",
                 subject_type=SUBJECT, subject_id=filing.id,
                 before=before.value if before else None, after=filing.status.value,
                 detail={"order": filing.order_id, "contract": filing.contract_number,
                         **(detail or {})})


def _require_regulator(actor: User, filing: ContractFiling) -> None:
    if not may_decide(actor, filing):
        raise Forbidden(_("只有采购单位所在省份财政部门的审核岗可以办理合同备案。"))
    if filing.status is not FilingStatus.submitted:
        raise TransitionNotAllowed(_("该合同备案当前不在待备案状态。"))


def receive(session: Session, actor: User, filing: ContractFiling) -> None:
    """已备案."""
    _require_regulator(actor, filing)
    filing.status, filing.decided_by, filing.decided_at = (
        FilingStatus.received, actor.id, utcnow())
    _audit(session, actor, filing, "received", FilingStatus.submitted)
    notices.send(session, [filing.order.purchaser_org_id], f"合同已备案：{filing.contract_name}",
                 f"合同“{filing.contract_name}”（{filing.contract_number}）已备案。", None)
    session.commit()


def return_filing(session: Session, actor: User, filing: ContractFiling, reason: str) -> None:
    """退回 with a reason; the purchaser may file again."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("退回备案时必须填写退回原因。"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("退回原因不能超过%(n)s字。", n=MAX_REASON))
    _require_regulator(actor, filing)
    filing.status, filing.decided_by, filing.decided_at = (
        FilingStatus.returned, actor.id, utcnow())
    filing.note = reason
    _audit(session, actor, filing, "returned", FilingStatus.submitted, {"reason": reason})
    notices.send(session, [filing.order.purchaser_org_id],
                 f"合同备案退回：{filing.contract_name}",
                 f"合同“{filing.contract_name}”的备案被退回，原因：{reason}", None)
    session.commit()


def for_regulator(session: Session, user: User) -> list[ContractFiling]:
    """The regulator's filings, those waiting first, then newest."""
    found = session.scalars(select(ContractFiling).where(
        ContractFiling.regulator_org_id == user.org_id)
        .order_by(ContractFiling.submitted_at.desc()))
    return sorted(found, key=lambda f: f.status is not FilingStatus.submitted)


def load(session: Session, user: User, filing_id: int) -> ContractFiling:
    """A filing its regulator or either party of its order may see."""
    filing = session.get(ContractFiling, filing_id)
    if filing is None:
        raise NotFound(_("没有该合同备案。"))
    if user.org_id != filing.regulator_org_id and orders.side_of(user, filing.order) is None:
        raise Forbidden(_("无权查看该合同备案。"))
    return filing


# ---- 我的待办 -------------------------------------------------------------------------------

@register
def contract_filing_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """The regulator's filings to decide; the purchaser's sealed contracts to file."""
    if user.role is OrgKind.regulator and Position.reviewer in user.positions:
        for filing in for_regulator(session, user):
            if filing.status is FilingStatus.submitted:
                yield TodoItem(_("合同待备案"), f"{filing.contract_name} · {filing.supplier_name}",
                               url_for("filings.show", filing_id=filing.id), filing.submitted_at)
    if user.role is OrgKind.purchaser and Position.clerk in user.positions:
        for order in session.scalars(select(Order).where(
                Order.purchaser_org_id == user.org_id, Order.contract_id.is_not(None))):
            mine = of_order(session, order)
            if (mine is None or mine.status is FilingStatus.returned) and \
                    order_contracts.is_sealed(session, order):
                yield TodoItem(_("合同待备案"), order.number,
                               url_for("orders.show", order_id=order.id),
                               mine.decided_at if mine and mine.decided_at else order.created_at)
