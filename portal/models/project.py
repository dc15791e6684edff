"""采购项目: a framework-agreement project, created when its initiation (立项) is approved.

Every document of the project (requirements, plan, entrustment, solicitation, announcements …)
points at it, so the project page can show its whole history.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.user import User


class ProjectStatus(enum.StrEnum):
    active = "active"
    terminated = "terminated"


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    collector_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    category: Mapped[str] = mapped_column(String(16))  # goods | services
    agreement_type: Mapped[str] = mapped_column(String(16))  # closed | open
    term_months: Mapped[int] = mapped_column(Integer)
    budget: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    region: Mapped[str] = mapped_column(String(100))
    initiation_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    status: Mapped[ProjectStatus] = mapped_column(
        Enum(ProjectStatus, native_enum=False, length=16), default=ProjectStatus.active
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # 重新组织征集: each re-organisation starts a new round at the chosen step.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    restart_step: Mapped[str | None] = mapped_column(String(48))
    # Entrustment (seed 000 §一 4–5): the plan issued to an agency, accepted, a lead assigned.
    agency_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handler_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    collector: Mapped[Organisation] = relationship(foreign_keys=[collector_org_id])
    agency: Mapped[Organisation | None] = relationship(foreign_keys=[agency_org_id])
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_user_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_user_id])
