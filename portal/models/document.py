"""The document aggregate: one lifecycle for every kind.

A ``Document`` holds the working draft and its state; each submission freezes the draft into
an immutable ``Revision`` (data, rendered files and their SHA-256); reviewers' decisions are
``ReviewDecision`` rows. ``DocumentParty`` names the organisation acting in each role
(owner, reviewer, sealer), since a kind's declaration speaks of roles, not organisations.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.user import User


class DocumentStatus(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"
    sealed = "sealed"
    published = "published"


class RenderStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Decision(enum.StrEnum):
    approved = "approved"
    returned = "returned"


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # use_alter: documents and projects refer to each other (a project's initiation).
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    region_code: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[DocumentStatus] = mapped_column(
        Enum(DocumentStatus, native_enum=False, length=16), default=DocumentStatus.draft
    )
    # The wizard's raw form values as [name, value] pairs: exactly what was typed, valid or not.
    draft_data: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    # Index into the kind's ``reviewed_by`` while in review.
    review_step: Mapped[int] = mapped_column(Integer, default=0)
    returned_reason: Mapped[str | None] = mapped_column(Text)
    # Everyone who edited the draft since the last submission: none of them may review it.
    draft_editor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # For kinds whose PDF is uploaded (合同在线签订): the draft's file, by its SHA-256.
    uploaded_pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    owner_org: Mapped[Organisation] = relationship(foreign_keys=[owner_org_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    parties: Mapped[list[DocumentParty]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="document", order_by="Revision.number", cascade="all, delete-orphan"
    )

    @property
    def current_revision(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    def party_org_id(self, role: str) -> int | None:
        for party in self.parties:
            if party.role == role:
                return party.org_id
        return None


class DocumentParty(Base):
    __tablename__ = "document_parties"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    org: Mapped[Organisation] = relationship(lazy="joined")


class Revision(Base):
    """An immutable snapshot: once written, only its rendering fields are filled in."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_sha256: Mapped[str] = mapped_column(String(64))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafter_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    render_status: Mapped[RenderStatus] = mapped_column(
        Enum(RenderStatus, native_enum=False, length=16), default=RenderStatus.queued
    )
    render_error: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    docx_sha256: Mapped[str | None] = mapped_column(String(64))
    docx_size: Mapped[int | None] = mapped_column(Integer)
    # Seal anchors found in the rendered PDF: {"seal-anchor-collector": [page, x, y], ...}
    anchors: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Durable dispatch (portal.dispatch): a queued revision is the intent to render it. Each
    # attempt claims it for one worker; a dead worker's claim is released, a failure waits
    # until ``render_due_at`` (back-off) and the last one marks it failed.
    render_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    render_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    render_worker: Mapped[str | None] = mapped_column(String(128))
    render_started_at: Mapped[datetime | None] = mapped_column(DateTime)

    document: Mapped[Document] = relationship(back_populates="revisions")
    submitted_by: Mapped[User] = relationship()
    decisions: Mapped[list[ReviewDecision]] = relationship(
        back_populates="revision", order_by="ReviewDecision.id", cascade="all, delete-orphan"
    )


class ReviewDecision(Base):
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    review_step: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    decision: Mapped[Decision] = mapped_column(Enum(Decision, native_enum=False, length=16))
    reason: Mapped[str | None] = mapped_column(Text)
    # Opinions of the named reviews a kind requires, e.g. {"general": …, "key": …}.
    checks: Mapped[dict[str, str] | None] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    revision: Mapped[Revision] = relationship(back_populates="decisions")
    reviewer: Mapped[User] = relationship()
