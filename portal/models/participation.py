"""参与项目 / 获取征集文件: a supplier that obtained a project's solicitation document.

Seed 000 §二 4: the supplier opens a project whose collection announcement is out, enters its
contact details and confirms (确认参与); the system then hands over the solicitation document.
Who obtained it, when and which revision is what later notices (change, termination) go to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.project import Project
from portal.models.user import User


class Participation(Base):
    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("project_id", "supplier_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contact: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(120))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The last solicitation revision handed over, and when (a change hands over a newer one).
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    obtained_at: Mapped[datetime | None] = mapped_column(DateTime)

    project: Mapped[Project] = relationship()
    supplier: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()
