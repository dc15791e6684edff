"""开放式框架协议 (seed 000 §一 17, seed 001 §1.3.2): during an open agreement's term a supplier
applies to join a lot, and the agency (the collector where there is none) admits it or not.

An application carries a qualification PDF, a statement, a stocked product of the lot's
category and a price not above the lot's cap: the published payment standard (the lot's maximum
unit price) and, once suppliers are shortlisted, the highest active shortlisted price. 通过
creates a shortlisted supplier (source ``open_application``), which then signs its agreement
like every other (part A's ``agreements.generate_for``); 不通过 needs a reason.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, products, projects
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.shortlisted_admin import is_active
from portal.models import (
    Announcement,
    ApplicationStatus,
    OpenApplication,
    Organisation,
    OrgKind,
    Position,
    Product,
    Project,
    ProjectStatus,
    ShortlistedSupplier,
    ShortlistSource,
    User,
    beijing,
    utcnow,
)

SUBJECT = "open_application"
OPEN = "open"
ANNOUNCEMENT = "collection_announcement"


@dataclass(frozen=True)
class Lot:
    number: str
    name: str
    category: str
    max_unit_price: Decimal


def is_open_agreement(project: Project) -> bool:
    return project.agreement_type == OPEN


def _add_months(start: datetime, months: int) -> datetime:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(year=year, month=month,
                         day=min(start.day, calendar.monthrange(year, month)[1]))


def term(session: Session, project: Project) -> tuple[datetime, datetime] | None:
    """The agreement's term in Beijing time: from the collection announcement's publication,
    for the project's term in months (None until it is published)."""
    call = projects.current_call(session, project)
    published = session.scalar(select(Announcement.published_at).where(
        Announcement.document_id == call.id)) if call else None
    if published is None:
        return None
    start = beijing(published)
    return start, _add_months(start, project.term_months)


def lots(session: Session, project: Project) -> list[Lot]:
    """The lots of the published collection announcement, with their maximum unit prices."""
    call = projects.current_call(session, project)
    data: dict[str, Any] = call.current_revision.data if call and call.current_revision else {}
    return [Lot(str(row.get("number")), str(row.get("name", "")), str(row.get("category", "")),
                Decimal(str(row.get("max_unit_price"))))
            for row in data.get("lots") or () if row.get("max_unit_price") is not None]


def open_projects(session: Session, now: datetime) -> list[Project]:
    """Active open-agreement projects within their term at ``now`` (Beijing time)."""
    found = session.scalars(select(Project).where(
        Project.agreement_type == OPEN, Project.status == ProjectStatus.active)
        .order_by(Project.id.desc()))
    return [p for p in found if (t := term(session, p)) is not None and t[0] <= now <= t[1]]


def cap(session: Session, project: Project, lot: Lot) -> Decimal:
    """支付标准: the lot's maximum unit price, and not above the highest active shortlisted
    price once there is one."""
    prices = [s.unit_price for s in session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == project.id,
        ShortlistedSupplier.lot_number == lot.number)) if is_active(s)]
    return min(lot.max_unit_price, max(prices)) if prices else lot.max_unit_price


def stocked_products(session: Session, org_id: int, category: str) -> list[Product]:
    """The organisation's stocked (入库) products of ``category`` (part B's rule)."""
    org = session.get(Organisation, org_id)
    return products.stocked_for(session, org, category) if org is not None else []


def may_apply(user: User) -> bool:
    return user.role is OrgKind.supplier and Position.clerk in user.positions


def reviewing_org(project: Project) -> int:
    """代理机构审核: the agency, or the collector where it runs the project itself."""
    return project.agency_org_id or project.collector_org_id


def may_review(user: User, project: Project) -> bool:
    return user.org_id == reviewing_org(project) and Position.reviewer in user.positions


def apply(session: Session, actor: User, project: Project, *, lot_number: str,
          product_id: int | None, unit_price: Decimal, statement: str, filename: str,
          qualification: bytes, now: datetime) -> OpenApplication:
    """申请加入 (``qualification``: a checked PDF; ``now``: Beijing time)."""
    if not may_apply(actor):
        raise Forbidden(_("只有供应商的经办岗可以申请加入框架协议。"))
    if not is_open_agreement(project) or project.status is not ProjectStatus.active:
        raise TransitionNotAllowed(_("该项目不是进行中的开放式框架协议，不能申请加入。"))
    period = term(session, project)
    if period is None or not period[0] <= now <= period[1]:
        raise TransitionNotAllowed(_("不在框架协议期限内，不能申请加入。"))
    lot = next((x for x in lots(session, project) if x.number == lot_number), None)
    if lot is None:
        raise InvalidInput(_("请选择要加入的包。"))
    joined = session.scalar(select(ShortlistedSupplier.id).where(
        ShortlistedSupplier.project_id == project.id, ShortlistedSupplier.lot_number == lot.number,
        ShortlistedSupplier.supplier_org_id == actor.org_id))
    waiting = session.scalar(select(OpenApplication.id).where(
        OpenApplication.project_id == project.id, OpenApplication.lot_number == lot.number,
        OpenApplication.supplier_org_id == actor.org_id,
        OpenApplication.status == ApplicationStatus.submitted))
    if joined is not None or waiting is not None:
        raise InvalidInput(_("本单位已是该包的入围供应商或已有待审核的申请。"))
    product = session.get(Product, product_id) if product_id else None
    if product is None or product not in stocked_products(session, actor.org_id, lot.category):
        raise InvalidInput(_("请选择本单位已入库的“%(category)s”产品。", category=lot.category))
    ceiling = cap(session, project, lot)
    if unit_price > ceiling:
        raise InvalidInput(_("申请价格 %(price)s 元高于支付标准 %(ceiling)s 元，不能提交。",
                             price=f"{unit_price:.2f}", ceiling=f"{ceiling:.2f}"))
    statement = statement.strip()
    if not statement:
        raise InvalidInput(_("请填写资格声明。"))
    application = OpenApplication(
        project_id=project.id, lot_number=lot.number, supplier_org_id=actor.org_id,
        product_id=product.id, product=f"{product.label} {product.category}"[:500],
        unit_price=unit_price, statement=statement, qualification_filename=filename[:200],
        qualification=qualification, created_by=actor.id)
    session.add(application)
    session.flush()
    audit.record(session, actor=actor, action="open_application.submitted",
                 subject_type=SUBJECT, subject_id=application.id, before=None,
                 after=application.status.value,
                 detail={"project": project.id, "lot": lot.number, "price": f"{unit_price:.2f}"})
    session.commit()
    return application


def of_supplier(session: Session, org_id: int) -> list[OpenApplication]:
    return list(session.scalars(select(OpenApplication).where(
        OpenApplication.supplier_org_id == org_id).order_by(OpenApplication.id.desc())))


def to_review(session: Session, user: User) -> list[OpenApplication]:
    """Applications in the projects the user's organisation reviews, waiting ones first."""
    found = session.scalars(select(OpenApplication).join(OpenApplication.project).where(
        (Project.agency_org_id == user.org_id) | (
            Project.agency_org_id.is_(None) & (Project.collector_org_id == user.org_id)))
        .order_by(OpenApplication.id.desc()))
    return sorted(found, key=lambda a: a.status is not ApplicationStatus.submitted)


def _decide(session: Session, actor: User, application: OpenApplication) -> None:
    if not may_review(actor, application.project):
        raise Forbidden(_("只有该项目代理机构（或自行组织的征集人）的审核岗可以审核申请。"))
    if application.status is not ApplicationStatus.submitted:
        raise TransitionNotAllowed(_("该申请已审核或已撤回。"))
    application.decided_by, application.decided_at = actor.id, utcnow()


def admit(session: Session, actor: User, application: OpenApplication) -> ShortlistedSupplier:
    """审核通过: the supplier joins the lot at its price, as an active shortlisted supplier."""
    _decide(session, actor, application)
    project = application.project
    lot = next((x for x in lots(session, project) if x.number == application.lot_number), None)
    supplier: Organisation = application.supplier
    shortlisted = ShortlistedSupplier(
        project_id=project.id, lot_number=application.lot_number,
        lot_name=lot.name if lot else "", supplier_org_id=supplier.id, name=supplier.name,
        uscc=supplier.uscc, address=supplier.address, contact=supplier.contact,
        phone=supplier.phone, product=application.product, product_id=application.product_id,
        unit_price=application.unit_price, source=ShortlistSource.open_application)
    session.add(shortlisted)
    session.flush()
    application.status, application.shortlisted_id = ApplicationStatus.admitted, shortlisted.id
    audit.record(session, actor=actor, action="open_application.admitted",
                 subject_type=SUBJECT, subject_id=application.id, before="submitted",
                 after="admitted", detail={"shortlisted": shortlisted.id})
    audit.record(session, actor=actor, action="shortlisted.admitted",
                 subject_type="shortlisted_supplier", subject_id=shortlisted.id, before=None,
                 after=shortlisted.status.value,
                 detail={"application": application.id, "project": project.id,
                         "lot": shortlisted.lot_number, "supplier": shortlisted.name})
    session.commit()
    # Its 框架协议 is drafted by the organiser's clerk like every other (seed 000 §一 17.2):
    # 我的待办 shows 待生成框架协议 while an active 入围供应商 has none (agreements_todo).
    return shortlisted


def reject(session: Session, actor: User, application: OpenApplication, reason: str) -> None:
    """审核不通过, with the reason the supplier is told."""
    if not may_review(actor, application.project):
        raise Forbidden(_("只有该项目代理机构（或自行组织的征集人）的审核岗可以审核申请。"))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("审核不通过时须填写原因。"))
    _decide(session, actor, application)
    application.status, application.reason = ApplicationStatus.rejected, reason[:500]
    audit.record(session, actor=actor, action="open_application.rejected",
                 subject_type=SUBJECT, subject_id=application.id, before="submitted",
                 after="rejected", detail={"reason": application.reason})
    session.commit()
