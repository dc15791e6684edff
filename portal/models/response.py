"""响应文件 and 开标: a supplier's sealed, encrypted response per lot, and each lot's opening.

A response is drafted in plain text (its answers and attached PDFs), then at submission
rendered, sealed, encrypted to the supplier's own certificate and stored as ciphertext only:
``answers`` and the attachments are wiped then (see :mod:`portal.domain.responses`).
``opened`` holds what the supplier's decryption revealed at the opening.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.project import Project


class ResponseStatus(enum.StrEnum):
    draft = "draft"  # 编制中 (also after 撤回: counts as not submitted)
    submitted = "submitted"  # 已提交 (sealed, encrypted, receipt issued)


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("solicitation_id", "supplier_org_id", "lot_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    # The round's solicitation document: a re-organised project starts new responses.
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    status: Mapped[ResponseStatus] = mapped_column(
        Enum(ResponseStatus, native_enum=False, length=16), default=ResponseStatus.draft
    )
    # The draft, in plain text while the clerk types; None once submitted.
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The submitted bundle: ciphertext in storage under its SHA-256 (suffix .kcenv).
    envelope_sha256: Mapped[str | None] = mapped_column(String(64))
    recipient_cert_sha256: Mapped[str | None] = mapped_column(String(64))
    receipt_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submissions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # At the opening: what decryption revealed, or when the window closed without it.
    opened: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decrypted_at: Mapped[datetime | None] = mapped_column(DateTime)
    excluded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship()
    supplier: Mapped[Organisation] = relationship()
    attachments: Mapped[list[ResponseAttachment]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ResponseAttachment.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ResponseAttachment(Base):
    """A PDF attached to a draft (cover, qualification evidence, business answers); deleted at
    submission, when it goes into the encrypted bundle."""

    __tablename__ = "response_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    slot: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    response: Mapped[Response] = relationship(back_populates="attachments")


class LotOpening(Base):
    """开标: a lot opened by the agency (or the collector), with its decryption window."""

    __tablename__ = "lot_openings"
    __table_args__ = (UniqueConstraint("solicitation_id", "lot_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    solicitation_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    window_minutes: Mapped[int] = mapped_column(Integer)
    window_ends_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))

    project: Mapped[Project] = relationship()


class ConfirmationDecision(enum.StrEnum):
    confirmed = "confirmed"  # 确认
    objection = "objection"  # 异议


class OpeningConfirmation(Base):
    """A supplier's 确认 of the opening record, or its 异议 and the agency's answer."""

    __tablename__ = "opening_confirmations"
    __table_args__ = (UniqueConstraint("opening_id", "supplier_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("lot_openings.id"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[ConfirmationDecision] = mapped_column(
        Enum(ConfirmationDecision, native_enum=False, length=16)
    )
    objection: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    supplier: Mapped[Organisation] = relationship()
