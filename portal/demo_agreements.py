"""The demo's agreements in force and a purchaser ready to buy (stage two).

The demo board publishes the shortlist of 内蒙古自治区2027年度信息化设备框架协议采购项目; here its
collector's clerk generates the 框架协议 of the shortlisted suppliers registered in the portal
(北方信创 and 蒙讯, three lots each; 草原云 is named on the board only), its reviewer approves
them, each supplier seals its own and the collector seals them: the 入围产品库 of 呼和浩特市第一中学
then lists six offers. The school has an approved 采购计划 with a line for each lot, so
``cg_clerk`` can order at once.

Everything goes through the commands the pages call (``agreements``, the lifecycle, real seals
with the demo PIN); idempotent: nothing is done when the project already has agreements.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Document, Organisation, Position, Project, ShortlistedSupplier, User

PROJECT = "NMGZC-KJ-2027-0011"
PURCHASER_CLERK, PURCHASER_REVIEWER = "cg_clerk", "cg_reviewer"
#: 品目 (the lot names), quantity, unit, unit price and amount of the school's plan lines
PLAN_LINES = [
    ("台式计算机", "教学用台式计算机", "60", "台", "6000.00", "360000.00"),
    ("便携式计算机", "教师用便携式计算机", "20", "台", "8000.00", "160000.00"),
    ("A4黑白激光打印机", "办公用激光打印机", "10", "台", "2500.00", "25000.00"),
]


def seed_agreements(db: Session) -> int:
    """Agreements in force for the demo; returns how many were sealed (0 when done before).
    Needs ``seed_board`` first, an app context and a Redis, as the board does."""
    from portal.demo_board import _Board
    from portal.domain import agreements, lifecycle, shortlisted

    project = db.scalar(select(Project).where(Project.number == PROJECT))
    if project is None or agreements.of_project(db, project):
        return 0
    board = _Board(db)
    _shortlisted_from_the_board(db, project)
    clerk = _user(db, project.collector_org_id, Position.clerk)
    reviewer = _user(db, project.collector_org_id, Position.reviewer)
    sealed = 0
    for row in shortlisted.active(db, project):
        agreement = agreements.generate_for(db, clerk, row)
        doc = db.get(Document, agreement.document_id)
        assert doc is not None
        # what the clerk completes in the wizard: the demo board published no 征集文件 to take
        # the second-stage methods from
        data = lifecycle.draft_formdata(doc)
        data.setlist("second_stage_methods", ["direct_selection", "secondary_bidding"])
        lifecycle.save_step(db, clerk, doc, None, "performance", data)
        revision = lifecycle.submit(db, clerk, doc, None)
        lifecycle.approve(db, reviewer, doc, None, {"opinion": "同意"})
        _render(revision.id)
        db.expire_all()
        board.seal(doc)  # the supplier, then the collector
        sealed += 1
    _plan(db)
    return sealed


def _shortlisted_from_the_board(db: Session, project: Project) -> None:
    """入围供应商 as the published 入围结果公告 names them. (A real project gets them from its
    confirmed evaluation; the demo board's shortlist was published without one.)"""
    from portal.domain import audit, shortlisted

    shortlist = shortlisted.published_shortlist(db, project)
    if shortlist is None or shortlisted.of_project(db, project):
        return
    revision = shortlist.current_revision
    assert revision is not None
    for lot in revision.data.get("lots") or ():
        for rank, entry in enumerate(lot.get("suppliers") or (), start=1):
            org = db.scalar(select(Organisation).where(Organisation.name == entry["name"]))
            if org is None:
                continue
            row = ShortlistedSupplier(
                project_id=project.id, lot_number=lot["number"], lot_name=lot["name"],
                supplier_org_id=org.id, name=org.name, uscc=org.uscc, address=org.address,
                contact=org.contact, phone=org.phone, product=entry.get("product", ""),
                unit_price=Decimal(entry["agreement_price"]), rank=rank,
                shortlist_id=shortlist.id)
            db.add(row)
            db.flush()
            audit.record(db, actor=None, action="shortlisted.synchronised",
                         subject_type="shortlisted_supplier", subject_id=row.id,
                         after=row.status.value,
                         detail={"project": project.id, "lot": row.lot_number,
                                 "supplier": row.name, "demo": True})
    db.commit()


def _user(db: Session, org_id: int, position: Position) -> User:
    return next(u for u in db.scalars(select(User).where(User.org_id == org_id).order_by(User.id))
                if position in u.positions)


def _render(revision_id: int) -> None:
    from jobs.render import render_revision

    render_revision(revision_id)


def _plan(db: Session) -> Document:
    """呼和浩特市第一中学's approved 采购计划, a line for each lot of the project."""
    import documents
    from portal.domain import lifecycle

    clerk = db.scalar(select(User).where(User.username == PURCHASER_CLERK))
    reviewer = db.scalar(select(User).where(User.username == PURCHASER_REVIEWER))
    assert clerk is not None and reviewer is not None
    kind = documents.get_kind("purchasing_plan")
    lines: list[dict[str, Any]] = [
        {"category": category, "name": name, "specification": "按框架协议技术要求",
         "quantity": quantity, "unit": unit, "unit_price": price, "amount": amount}
        for category, name, quantity, unit, price, amount in PLAN_LINES]
    total = sum(float(line["amount"]) for line in lines)
    plan = lifecycle.create_draft(
        db, clerk, kind.code, "2027年度信息化设备采购计划", {}, start_from={
            **kind.sample(), "plan_number": "HHHT1Z-JH-2027-0003",
            "plan_name": "呼和浩特市第一中学2027年度信息化设备采购计划",
            "lines": lines, "total_budget": f"{total:.2f}",
            "remarks": "按学期分批采购；台式计算机单笔超过20万元的采用二次竞价。"})
    lifecycle.submit(db, clerk, plan, None)
    lifecycle.approve(db, reviewer, plan, None)
    return plan
