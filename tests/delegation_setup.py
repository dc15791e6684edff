"""A project past its published shortlist, written straight into the database (issue 14, part
C): its published collection and shortlist announcements, the shortlisted suppliers and the
manufacturers' stocked products. Until part A's synchroniser and part B's products are merged,
tests of shortlisted-supplier upkeep, delegations and open agreements start here; the browser
test writes the same rows into the live portal's database.

Needs the demo organisations and accounts (``portal.demo.seed``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import demo_uscc
from portal.models import (
    Announcement,
    AnnouncementProcess,
    Document,
    DocumentStatus,
    Organisation,
    OrgKind,
    Product,
    Project,
    Region,
    Revision,
    ShortlistedSupplier,
    SupplierKind,
    User,
    beijing_now,
    utcnow,
)

MAX_PRICE = Decimal("6500.00")
PRICES = (Decimal("5890.00"), Decimal("6050.00"))
CATEGORY = "台式计算机"
LOT = {"number": "01", "name": "台式计算机", "category": CATEGORY,
       "max_unit_price": f"{MAX_PRICE:.2f}", "unit": "台"}


@dataclass
class AgreementProject:
    project: Project
    shortlist: Document
    suppliers: list[ShortlistedSupplier]  # the manufacturer (北方信创) first


def _by(db: Session, model: Any, **where: Any) -> Any:
    return db.scalar(select(model).filter_by(**where))


def second_manufacturer(db: Session) -> Organisation:
    """A manufacturer without accounts, shortlisted beside the demo's."""
    uscc = demo_uscc("91", "150100", 1441)
    org = _by(db, Organisation, uscc=uscc)
    if org is None:
        region = _by(db, Region, code="150100")
        org = Organisation(name="内蒙古长城信创整机有限公司", uscc=uscc, kind=OrgKind.supplier,
                           supplier_kind=SupplierKind.manufacturer, region_id=region.id,
                           address="呼和浩特市如意开发区1号", contact="赵晨", phone="0471-6900144")
        db.add(org)
        db.flush()
    return org


def stocked_product(db: Session, org: Organisation, model: str, *, stocked: bool = True,
                    category: str = CATEGORY) -> Product:
    creator = _by(db, User, username="zj_clerk")
    product = Product(org_id=org.id, category=category, brand="长城", model=model,
                      parameters="i5/16G/512G", created_by=creator.id,
                      stocked_at=utcnow() if stocked else None)
    db.add(product)
    db.flush()
    return product


def _published(db: Session, project: Project, kind: str, category: str, title: str,
               data: dict[str, Any], clerk: User, days_ago: int) -> Document:
    doc = Document(kind=kind, title=title, owner_org_id=project.collector_org_id,
                   project_id=project.id, region_code="150000",
                   status=DocumentStatus.published, created_by_id=clerk.id)
    db.add(doc)
    db.flush()
    revision = Revision(document_id=doc.id, number=1, data=data, submitted_by_id=clerk.id,
                        data_sha256=hashlib.sha256(repr(data).encode()).hexdigest())
    db.add(revision)
    db.flush()
    ocid = f"ocds-kuangcai-{project.number}"
    db.add(Announcement(
        document_id=doc.id, revision_id=revision.id, kind=kind, board_category=category,
        region_code="150000", local_region_code="150000",
        collector_org_id=project.collector_org_id, owner_org_id=project.collector_org_id,
        procurement_category="goods", project_number=project.number, project_name=project.name,
        title=title, body_text=title, body_html=f"<p>{title}</p>",
        published_at=utcnow() - timedelta(days=days_ago)))
    db.flush()
    db.add(AnnouncementProcess(document_id=doc.id, ocid=ocid, project_ocid=ocid))
    db.flush()
    return doc


def agreement_project(db: Session, number: str, *, agreement_type: str = "closed",
                      name: str | None = None) -> AgreementProject:
    """A project of 内蒙古自治区政府采购中心 (agency 中咨) whose shortlist of lot 01 is published:
    北方信创 at 5,890.00 and a second manufacturer at 6,050.00 (both with stocked products)."""
    clerk = _by(db, User, username="zj_clerk")
    collector = _by(db, Organisation, name="内蒙古自治区政府采购中心")
    agency = _by(db, Organisation, name="内蒙古中咨招标代理有限公司")
    name = name or f"{number} 办公设备框架协议采购项目"
    initiation = Document(kind="project_initiation", title=f"{name}立项",
                          owner_org_id=collector.id, status=DocumentStatus.approved,
                          created_by_id=clerk.id, region_code="150000")
    db.add(initiation)
    db.flush()
    project = Project(number=number, name=name, collector_org_id=collector.id,
                      category="goods", agreement_type=agreement_type, term_months=12,
                      budget=Decimal("1000000.00"), region="内蒙古自治区",
                      initiation_id=initiation.id, agency_org_id=agency.id)
    db.add(project)
    db.flush()
    initiation.project_id = project.id
    today = beijing_now().date()
    _published(db, project, "collection_announcement", "collection", f"{name}征集公告",
               {"project_number": number, "project_name": name, "agreement_type": agreement_type,
                "lots": [LOT], "publication_date": (today - timedelta(days=40)).isoformat()},
               clerk, 40)
    makers = [_by(db, Organisation, name="北方信创计算机有限公司"), second_manufacturer(db)]
    products = [stocked_product(db, org, f"世恒TD{120 + i}") for i, org in enumerate(makers)]
    shortlist = _published(db, project, "shortlist_announcement", "shortlist",
                           f"{name}入围结果公告", {"lots": [{**LOT, "suppliers": [
                               {"name": o.name, "agreement_price": f"{p:.2f}"}
                               for o, p in zip(makers, PRICES, strict=True)]}]}, clerk, 2)
    suppliers = []
    for rank, (org, price, product) in enumerate(zip(makers, PRICES, products, strict=True), 1):
        s = ShortlistedSupplier(
            project_id=project.id, lot_number="01", lot_name=LOT["name"], supplier_org_id=org.id,
            name=org.name, uscc=org.uscc, address=org.address, contact=org.contact,
            phone=org.phone, product=product.label, product_id=product.id, unit_price=price,
            rank=rank, shortlist_id=shortlist.id)
        db.add(s)
        suppliers.append(s)
    db.commit()
    return AgreementProject(project, shortlist, suppliers)


def user(db: Session, username: str) -> User:
    return _by(db, User, username=username)


def org(db: Session, name: str) -> Organisation:
    return _by(db, Organisation, name=name)
