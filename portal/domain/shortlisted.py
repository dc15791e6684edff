"""入围供应商: who a published 入围结果公告 binds, one row per shortlisted supplier per lot.

Synchronised from the confirmed evaluations the announcement was made from (never retyped):
name and uscc as the evaluation recorded them (locked for good), address, contact and phone
prefilled from the supplier's registered organisation (the collector may edit them later), the
shortlisted product and agreement price, the rank. Synchronising again adds what is missing
and changes nothing that exists, so it runs on publication and may run again from a command.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, lifecycle
from portal.domain import evaluation_results as results
from portal.models import (
    Document,
    DocumentStatus,
    EvaluationEntry,
    Organisation,
    Product,
    Project,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
)


def published_shortlist(session: Session, project: Project) -> Document | None:
    """The project's latest published 入围结果公告."""
    return session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == results.SHORTLIST,
        Document.status == DocumentStatus.published).order_by(Document.id.desc()))


def of_project(session: Session, project: Project) -> list[ShortlistedSupplier]:
    """Every shortlisted supplier of the project, by lot then rank."""
    return list(session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == project.id).order_by(
        ShortlistedSupplier.lot_number, ShortlistedSupplier.rank, ShortlistedSupplier.id)))


def active(session: Session, project: Project) -> list[ShortlistedSupplier]:
    return [s for s in of_project(session, project) if s.status is ShortlistedStatus.active]


def synchronise(session: Session, actor: User | None,
                project: Project) -> list[ShortlistedSupplier]:
    """Add a row for every supplier the published shortlist names that has none; returns the
    rows added (empty when nothing was published or all are there). The caller commits."""
    shortlist = published_shortlist(session, project)
    if shortlist is None:
        return []
    existing = {(s.lot_number, s.supplier_org_id) for s in of_project(session, project)}
    added = []
    for evaluation in results.confirmed(session, project):
        for entry in sorted((e for e in evaluation.entries if e.shortlisted),
                            key=lambda e: e.rank or 0):
            if (evaluation.lot_number, entry.supplier_org_id) in existing \
                    or entry.unit_price is None:
                continue
            org = session.get(Organisation, entry.supplier_org_id)
            row = ShortlistedSupplier(
                project_id=project.id, lot_number=evaluation.lot_number,
                lot_name=evaluation.lot_name, supplier_org_id=entry.supplier_org_id,
                name=entry.supplier_name, uscc=entry.supplier_uscc,
                address=(org.address or "") if org else "",
                contact=(org.contact or "") if org else "",
                phone=(org.phone or "") if org else "",
                product=entry.product, product_id=_stocked(session, entry),
                unit_price=entry.unit_price, rank=entry.rank,
                shortlist_id=shortlist.id, status=ShortlistedStatus.active)
            session.add(row)
            session.flush()
            audit.record(session, actor=actor, action="shortlisted.synchronised",
                         subject_type="shortlisted_supplier", subject_id=row.id,
                         after=row.status.value,
                         detail={"project": project.id, "lot": row.lot_number,
                                 "supplier": row.name, "uscc": row.uscc,
                                 "unit_price": f"{row.unit_price:.2f}",
                                 "shortlist": shortlist.id})
            added.append(row)
    return added


def _stocked(session: Session, entry: EvaluationEntry) -> int | None:
    """The response's product, when it is the supplier's own and stocked (入库) still."""
    product = session.get(Product, entry.product_id) if entry.product_id else None
    if product is None or product.org_id != entry.supplier_org_id or product.stocked_at is None:
        return None
    return product.id


def _on_shortlist_published(session: Session, actor: User, doc: Document) -> None:
    """The published announcement's suppliers become 入围供应商 in the same transaction."""
    project = session.get(Project, doc.project_id) if doc.project_id else None
    if project is not None:
        synchronise(session, actor, project)


lifecycle.register_on_published(results.SHORTLIST, _on_shortlist_published)
