"""法定节假日安排: one year of the State Council's holiday arrangement, recorded by an
administrator once it is published (years shipped with the code live in
``portal/data/workdays.json``; a recorded year takes precedence)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class CalendarYear(Base):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    holidays: Mapped[list[str]] = mapped_column(JSON)  # ISO dates off work
    workdays: Mapped[list[str]] = mapped_column(JSON)  # weekend dates worked (调休上班)
    source: Mapped[str] = mapped_column(String(300))  # the notice it was checked against
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
