"""Seals applied to a revision: each a PAdES signature over the previous bytes.

A seal moves preparing → awaiting_key → finishing → applied → confirmed (提交), or is
withdrawn (撤章) while applied; failed keeps the reason. The private-key step happens in the
web request that carries the PIN; the jobs before and after it never see the key or the PIN.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.credential import Credential
from portal.models.document import ReviewDecision, Revision
from portal.models.org import Organisation
from portal.models.user import User


class SealStatus(enum.StrEnum):
    preparing = "preparing"
    awaiting_key = "awaiting_key"
    finishing = "finishing"
    applied = "applied"
    confirmed = "confirmed"
    withdrawn = "withdrawn"
    failed = "failed"


class Seal(Base):
    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # index into the kind's sealed_by
    role: Mapped[str] = mapped_column(String(16))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    sealer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who unlocked the key
    credential_id: Mapped[int] = mapped_column(ForeignKey("credentials.id"))
    # The approval this seal rests on (None for kinds without review).
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("review_decisions.id"))
    field_name: Mapped[str] = mapped_column(String(64))
    page: Mapped[int] = mapped_column(Integer)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    input_sha256: Mapped[str] = mapped_column(String(64))
    output_sha256: Mapped[str | None] = mapped_column(String(64))
    # pyHanko's state between the steps: digests, offsets, certificate; no key material.
    prepared: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[SealStatus] = mapped_column(
        Enum(SealStatus, native_enum=False, length=16), default=SealStatus.preparing
    )
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Durable dispatch of the preparing / finishing step (see Revision): when the step was
    # asked for (its owner may abandon it after a timeout), attempts, back-off and the claim.
    step_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    job_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    job_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    job_worker: Mapped[str | None] = mapped_column(String(128))
    job_started_at: Mapped[datetime | None] = mapped_column(DateTime)

    revision: Mapped[Revision] = relationship()
    org: Mapped[Organisation] = relationship()
    sealer: Mapped[User] = relationship()
    credential: Mapped[Credential] = relationship()
    decision: Mapped[ReviewDecision | None] = relationship()


#: A seal that stands or is under way; withdrawn and failed ones are history.
LIVE_SEALS = frozenset(set(SealStatus) - {SealStatus.withdrawn, SealStatus.failed})


def live_seals(session: Session, revision_id: int) -> list[Seal]:
    """The revision's standing or in-progress seals, in sealing order."""
    return list(session.scalars(select(Seal).where(
        Seal.revision_id == revision_id, Seal.status.in_(list(LIVE_SEALS)))
        .order_by(Seal.position)))
