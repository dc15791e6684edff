"""采购计划 spending: what call-offs have taken from each line of an approved 采购计划.

The plan itself is a document (kind ``purchasing_plan``) whose approved revision holds the lines
and their budgets; this ledger holds one row per call-off (an order, a bidding) against one line,
released when the call-off falls through, so a line's remaining budget is its budget less the
rows not released.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class PlanSpending(Base):
    __tablename__ = "plan_spendings"
    # one spending per call-off: spending again for the same one is the same spending
    __table_args__ = (UniqueConstraint("source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    line_number: Mapped[int] = mapped_column(Integer)  # 1-based, as the plan prints its lines
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    source_type: Mapped[str] = mapped_column(String(40))  # "order", "bidding", …
    source_id: Mapped[int] = mapped_column(Integer)
    spent_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    spent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    release_reason: Mapped[str | None] = mapped_column(String(500))
