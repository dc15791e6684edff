"""框架协议公示 (the agreement's public page): per lot its shortlisted suppliers (those suspended
or removed with the reason and date), their confirmed resellers with delivery regions and
prices, and their products.

It changes without a publication (a removal, a confirmed reseller), so it is read live, never
through the board's page cache (``portal.board.cache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import delegations
from portal.domain import shortlisted_admin as admin
from portal.models import (
    Announcement,
    AnnouncementProcess,
    AuditEvent,
    Product,
    Project,
    ResellerDelegation,
    ShortlistedSupplier,
)


@dataclass(frozen=True)
class Row:
    supplier: ShortlistedSupplier
    product: Product | None
    reseller: ResellerDelegation | None
    changed_at: datetime | None  # when it was suspended or removed


@dataclass(frozen=True)
class Lot:
    number: str
    name: str
    active: list[Row]
    inactive: list[Row]


def _changed_at(session: Session, s: ShortlistedSupplier) -> datetime | None:
    return session.scalar(select(AuditEvent.occurred_at).where(
        AuditEvent.subject_type == admin.SUBJECT, AuditEvent.subject_id == str(s.id),
        AuditEvent.after == s.status.value).order_by(AuditEvent.seq.desc()).limit(1))


def lots(session: Session, project: Project) -> list[Lot]:
    found: list[Lot] = []
    for (number, name), rows in admin.by_lot(admin.of_project(session, project)).items():
        made = []
        for s in rows:
            reseller = delegations.confirmed_for(session, s)
            made.append(Row(
                s, session.get(Product, s.product_id) if s.product_id else None,
                reseller if reseller is not None and delegations.counting(reseller) else None,
                None if admin.is_active(s) else _changed_at(session, s)))
        found.append(Lot(number, name, [r for r in made if admin.is_active(r.supplier)],
                         [r for r in made if not admin.is_active(r.supplier)]))
    return found


def public_project(session: Session, project_id: int) -> Project | None:
    """A project whose shortlisted suppliers are public (it has any)."""
    project = session.get(Project, project_id)
    if project is None or session.scalar(select(ShortlistedSupplier.id).where(
            ShortlistedSupplier.project_id == project.id).limit(1)) is None:
        return None
    return project


def ocid_of(session: Session, project: Project) -> str | None:
    """The OCDS process of the project's stage one on the board, if any."""
    return session.scalar(select(AnnouncementProcess.project_ocid).join(
        Announcement, Announcement.document_id == AnnouncementProcess.document_id).where(
        Announcement.project_number == project.number).limit(1))


def shortlisted_orgs(session: Session, document_id: int) -> list[ShortlistedSupplier]:
    """The suppliers a published 入围结果公告 shortlisted (synchronised from it), for the OCDS
    release's parties: as published, whatever became of them later."""
    return list(session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.shortlist_id == document_id).order_by(ShortlistedSupplier.id)))
