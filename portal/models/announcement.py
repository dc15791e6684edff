"""The public board's index: one row per published announcement.

Written once, in the transaction that publishes the document, and never changed afterwards
(published content never changes in place; a change is a new announcement). It holds what the
board filters, sorts, searches and shows without touching the document aggregate: the
announcement's HTML body is stored as rendered at publication.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.document import Document, Revision
from portal.models.org import Organisation


class Announcement(Base):
    __tablename__ = "announcements"
    __table_args__ = (
        # Newest first, with the title: searches scan titles in date order from this index
        # alone, never the wide rows with their bodies (see portal.board.search).
        Index("ix_announcements_published_title", "published_at", "document_id", "title"),
        Index("ix_announcements_board_published", "board_category", "published_at",
              "document_id"),
    )

    # The document's id is the announcement's: /announcements/<id> is stable forever.
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id"), primary_key=True, autoincrement=False
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    kind: Mapped[str] = mapped_column(String(48))
    board_category: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    # The owner's own region (a city under the province in ``region_code``), for finer filters.
    local_region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    collector_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    purchaser_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # goods / services (OCDS mainProcurementCategory), carried over within a project.
    procurement_category: Mapped[str | None] = mapped_column(String(16), index=True)
    project_number: Mapped[str | None] = mapped_column(String(50), index=True)
    project_name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime)

    document: Mapped[Document] = relationship()
    revision: Mapped[Revision] = relationship()
    owner_org: Mapped[Organisation] = relationship(foreign_keys=[owner_org_id])
    collector_org: Mapped[Organisation | None] = relationship(foreign_keys=[collector_org_id])
    purchaser_org: Mapped[Organisation | None] = relationship(foreign_keys=[purchaser_org_id])
    process: Mapped[AnnouncementProcess] = relationship()


class AnnouncementProcess(Base):
    """The OCDS contracting process an announcement is a release of, and how that process
    relates to the others of its project (derived in ``portal.board.processes``). Written with
    the announcement, never changed."""

    __tablename__ = "announcement_processes"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.document_id"), primary_key=True
    )
    ocid: Mapped[str] = mapped_column(String(80), index=True)
    # The ocid of the project's first stage-one process: shared by every round and call-off of
    # the project, so a project's record package is one query.
    project_ocid: Mapped[str] = mapped_column(String(80), index=True)
    # The earlier process this one follows from, and how (an OCDS relatedProcess code).
    related_ocid: Mapped[str | None] = mapped_column(String(80))
    relation: Mapped[str | None] = mapped_column(String(32))


class BoardVersion(Base):
    """How many times the board changed in one scope (everything, a kind, a region, a
    project, ...): bumped by each publication in its transaction. A cached board page is keyed
    by the versions of the scopes it shows, so a publication retires exactly those pages."""

    __tablename__ = "board_versions"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


def include_in_autogenerate(obj: object, name: str | None, type_: str, reflected: bool,
                            compare_to: object) -> bool:
    """Alembic's ``include_object``: the search structures live only in migration 0005
    (an FTS5 table and its shadow tables on SQLite, pg_trgm indexes on PostgreSQL)."""
    if type_ == "table" and (name or "").startswith("announcements_fts"):
        return False
    return not (type_ == "index" and (name or "").endswith("_trgm"))
