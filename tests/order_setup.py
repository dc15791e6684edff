"""Agreements in force for stage-two tests, written straight into the database: the project of
``tests.delegation_setup`` (北方信创 at 5,890.00 and a second manufacturer at 6,050.00, lot 01
台式计算机) with each 框架协议 sealed and within its term, 北方信创's reseller 蒙讯 confirmed
with a price and delivery regions, and an approved 采购计划 of 呼和浩特市第一中学 whose line 1 is
台式计算机 (360,000.00) and line 2 复印纸 (10,000.00).

The browser test walks the real seals (``test_agreements``); these tests start past them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

import documents
from portal.domain import cart, delegations, lifecycle, order_contracts, orders, sealing
from portal.models import (
    Document,
    DocumentStatus,
    FrameworkAgreement,
    Order,
    Region,
    ResellerDelegation,
    Revision,
    ShortlistedSupplier,
    beijing_now,
)
from tests.delegation_setup import AgreementProject, agreement_project, org, user
from tests.evaluation_setup import _blank_pdf
from tests.helpers import seal_as, work

RESELLER_PRICE = Decimal("5800.00")


@dataclass
class InForce:
    setup: AgreementProject
    reseller: ResellerDelegation
    plan: Document


def sealed_agreements(db: Session, setup: AgreementProject, *, starts_days_ago: int = 10,
                      lasts_days: int = 365) -> None:
    clerk = user(db, "zj_clerk")
    start = beijing_now().date() - timedelta(days=starts_days_ago)
    for row in setup.suppliers:
        data = {"term_start": start.isoformat(),
                "term_end": (start + timedelta(days=lasts_days - 1)).isoformat(),
                "agreement_name": f"{setup.project.name}框架协议（第01包）",
                "agreement_number": f"{setup.project.number}-01-{row.rank:02d}",
                "payment_terms": "验收合格后30日内支付。"}
        doc = Document(kind="framework_agreement", title=f"框架协议·第01包·{row.name}",
                       owner_org_id=setup.project.collector_org_id, project_id=setup.project.id,
                       status=DocumentStatus.sealed, created_by_id=clerk.id, region_code="150000")
        db.add(doc)
        db.flush()
        db.add(Revision(document_id=doc.id, number=1, data=data, submitted_by_id=clerk.id,
                        data_sha256=hashlib.sha256(repr(data).encode()).hexdigest()))
        db.add(FrameworkAgreement(shortlisted_id=row.id, document_id=doc.id,
                                  generated_by=clerk.id))
    db.commit()


def confirmed_reseller(db: Session, setup: AgreementProject, *region_codes: str,
                       price: Decimal = RESELLER_PRICE) -> ResellerDelegation:
    maker_row = setup.suppliers[0]
    d = delegations.delegate(db, user(db, "gys_mfr"), maker_row,
                             org(db, "内蒙古蒙讯科技有限公司"), "委托协议.pdf", _blank_pdf())
    delegations.confirm(db, user(db, "zj_clerk"), d)
    regions = [db.query(Region).filter_by(code=code).one().id for code in region_codes]
    delegations.set_regions(db, user(db, "gys_mfr"), d, regions)
    delegations.set_price(db, user(db, "gys_reseller"), d, price)
    return d


def approved_plan(db: Session, clerk: str = "cg_clerk", reviewer: str = "cg_reviewer") -> Document:
    kind = documents.get_kind("purchasing_plan")
    plan = lifecycle.create_draft(db, user(db, clerk), kind.code, "教学设备采购计划", {},
                                  start_from=kind.sample())
    lifecycle.submit(db, user(db, clerk), plan, None)
    lifecycle.approve(db, user(db, reviewer), plan, None)
    return plan


def approved_plan_of(db: Session, lines: list[dict[str, str]], title: str = "后勤服务采购计划",
                     clerk: str = "cg_clerk", reviewer: str = "cg_reviewer") -> Document:
    """An approved 采购计划 with ``lines`` (category, name, quantity, unit, unit_price, amount)."""
    kind = documents.get_kind("purchasing_plan")
    total = sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
    data = {**kind.sample(), "lines": [{"specification": "", **line} for line in lines],
            "total_budget": f"{total:.2f}"}
    plan = lifecycle.create_draft(db, user(db, clerk), kind.code, title, {}, start_from=data)
    lifecycle.submit(db, user(db, clerk), plan, None)
    lifecycle.approve(db, user(db, reviewer), plan, None)
    return plan


SERVICE, SERVICE_PRICE = "物业管理服务", Decimal("45000.00")


@dataclass
class ServiceInForce:
    shortlisted: ShortlistedSupplier  # 洁安 at 45,000.00 a month
    plan: Document  # line 1: 物业管理服务, 12 months, 540,000.00; line 2: 台式计算机


def service_in_force(db: Session, number: str = "NMGZC-FW-0001") -> ServiceInForce:
    """A services project of 内蒙古自治区政府采购中心 whose lot 物业管理服务 shortlisted 洁安 (the
    demo's service provider, ``gys_service``), its agreement sealed and within its term."""
    setup = agreement_project(db, number, name=f"{number} 后勤服务框架协议采购项目")
    setup.project.category = "services"
    jiean = org(db, "呼和浩特市洁安物业服务有限公司")
    for row in setup.suppliers[1:]:
        db.delete(row)
    row = setup.suppliers[0]
    row.lot_name, row.product, row.product_id = SERVICE, "住宅及办公楼物业管理", None
    row.supplier_org_id, row.name, row.uscc = jiean.id, jiean.name, jiean.uscc
    row.unit_price = SERVICE_PRICE
    db.flush()
    setup.suppliers = [row]
    sealed_agreements(db, setup)
    plan = approved_plan_of(db, [
        {"category": SERVICE, "name": "教学楼物业管理", "quantity": "12", "unit": "月",
         "unit_price": "45000.00", "amount": "540000.00"},
        {"category": "台式计算机", "name": "教学用台式计算机", "quantity": "10", "unit": "台",
         "unit_price": "6000.00", "amount": "60000.00"}])
    return ServiceInForce(row, plan)


def in_force(db: Session, number: str = "NMGZC-T15-0001", *regions: str) -> InForce:
    setup = agreement_project(db, number)
    sealed_agreements(db, setup)
    reseller = confirmed_reseller(db, setup, *(regions or ("150100",)))
    return InForce(setup, reseller, approved_plan(db))


#: The terms a seller completes on a contract drafted from an order (the rest is prefilled).
CONTRACT_TERMS = {"purchaser-bank_name": "中国银行呼和浩特新城支行",
                  "purchaser-bank_account": "1500 0000 0001",
                  "supplier-bank_name": "中国建设银行包头分行",
                  "supplier-bank_account": "1505 0000 0002",
                  "delivery_time": "合同签订后10日内", "acceptance": "到货后5个工作日内验收。",
                  "breach_liability": "按合同约定承担违约责任。",
                  "dispute_resolution": "协商不成的，向甲方所在地法院起诉。"}


def checked_out(db: Session, world: InForce, quantity: str = "6") -> Order:
    """呼和浩特市第一中学 orders ``quantity`` computers from 蒙讯 on plan line 1 and sends it."""
    buyer = user(db, "cg_clerk")
    today = beijing_now().date()
    cart.add(db, buyer, f"{world.setup.suppliers[0].id}-{world.reseller.id}", Decimal(quantity),
             today)
    item = cart.lines(db, buyer, today)[0].item
    order = cart.checkout(db, buyer, [item.id], world.plan, 1, delivery_address="东风路12号",
                          contact="刘洋", phone="0471-6900004", today=today)[0]
    orders.send(db, buyer, order)
    return order


def complete_contract(db: Session, doc: Document, seller: str = "gys_reseller",
                      **overrides: str) -> None:
    data = lifecycle.draft_formdata(doc)
    for key, value in {**CONTRACT_TERMS, "signing_date": beijing_now().date().isoformat(),
                       **overrides}.items():
        data[key] = value
    for step in lifecycle.kind_of(doc).steps:
        lifecycle.save_step(db, user(db, seller), doc, None, step.slug, data)


def confirmed_contract(app: Any, db: Session, order: Order) -> Document:
    """The seller accepts the order, drafts and submits the contract; the purchaser confirms."""
    seller = user(db, "gys_reseller")
    orders.accept(db, seller, order)
    doc = order_contracts.draft(db, seller, order)
    complete_contract(db, doc)
    lifecycle.submit(db, seller, doc, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    work(app)
    db.expire_all()
    return doc


def sealed_contract(app: Any, db: Session, order: Order) -> Document:
    """... then 蒙讯 seals and the school seals (real PAdES seals, by the worker)."""
    doc = confirmed_contract(app, db, order)
    sealing.confirm(db, user(db, "gys_reseller"), seal_as(app, db, doc, "gys_reseller"))
    work(app)
    sealing.confirm(db, user(db, "cg_clerk"), seal_as(app, db, doc, "cg_clerk"))
    work(app)
    db.expire_all()
    return doc
