"""顺序轮候 (seed 001 §1.3.1.5): where a lot's agreements name sequential rotation, each call-off
goes to the next shortlisted supplier in the published order. Every assignment is a
:class:`RotationEntry` of a public, hash-chained ledger: each entry holds the previous entry's
hash, so a changed, removed or inserted entry breaks every hash after it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class RotationEntry(Base):
    __tablename__ = "rotation_entries"
    __table_args__ = (UniqueConstraint("project_id", "lot_number", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the lot
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_uscc: Mapped[str] = mapped_column(String(18))
    purchaser_name: Mapped[str] = mapped_column(String(200))
    order_number: Mapped[str] = mapped_column(String(32))
    # suppliers passed over on the way (suspended, removed, agreement not in force), with why
    skipped: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    assigned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
