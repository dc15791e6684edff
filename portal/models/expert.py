"""专家库 and 专家抽取: the regulator's pool of evaluation experts, a project's draw request, and
the seats of the experts it drew (seed 004 §10, seed 000 §一 11 and 13).

The draw keeps its seed and the candidate list it drew from, so anyone allowed to see it can
draw again and get the same experts (复核抽取).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation, Region
from portal.models.project import Project
from portal.models.user import User


class Expert(Base):
    """One pool entry, linked to the account the expert signs in with."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    pool_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    categories: Mapped[list[str]] = mapped_column(JSON)  # 品目 codes the expert can evaluate
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    employer: Mapped[str] = mapped_column(String(128))
    employer_uscc: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    region: Mapped[Region] = relationship()


class DrawStatus(enum.StrEnum):
    submitted = "submitted"  # 待审核
    returned = "returned"  # 已退回
    drawn = "drawn"  # 已抽取


class ExpertDraw(Base):
    """抽取申请: what to draw for a project, its review, and the draw itself."""

    __tablename__ = "expert_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  # the requesting org
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[DrawStatus] = mapped_column(Enum(DrawStatus, native_enum=False, length=16))
    category: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    count: Mapped[int] = mapped_column(Integer)
    reserve_count: Mapped[int] = mapped_column(Integer)
    extra_avoided: Mapped[list[str]] = mapped_column(JSON)  # names or USCCs the clerk added
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    opinion: Mapped[str | None] = mapped_column(Text)
    # The draw: the seed, the eligible experts in their stable order, every avoided employer.
    seed: Mapped[str | None] = mapped_column(String(64))
    candidates: Mapped[list[int] | None] = mapped_column(JSON)
    avoided: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 评审签到: the leader the panel chose, who recorded it and when.
    leader_seat_id: Mapped[int | None] = mapped_column(Integer)
    leader_chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    leader_chosen_at: Mapped[datetime | None] = mapped_column(DateTime)

    project: Mapped[Project] = relationship()
    org: Mapped[Organisation] = relationship()
    region: Mapped[Region] = relationship()
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    seats: Mapped[list[DrawSeat]] = relationship(
        back_populates="draw", order_by="DrawSeat.rank", cascade="all, delete-orphan")


class DrawSeat(Base):
    """An expert the draw picked, in draw order: the first ``count`` sit on the panel, the
    rest are reserves called in order when a panel expert declines."""

    __tablename__ = "draw_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("expert_draws.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)  # 1-based position in the draw
    reserve: Mapped[bool] = mapped_column(Boolean)
    called_at: Mapped[datetime | None] = mapped_column(DateTime)  # a reserve brought in
    replaces_seat_id: Mapped[int | None] = mapped_column(Integer)
    declined_at: Mapped[datetime | None] = mapped_column(DateTime)
    decline_kind: Mapped[str | None] = mapped_column(String(16))  # avoidance | unavailable
    decline_reason: Mapped[str | None] = mapped_column(Text)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    check_in_method: Mapped[str | None] = mapped_column(String(16))  # id_number | certificate

    draw: Mapped[ExpertDraw] = relationship(back_populates="seats")
    expert: Mapped[Expert] = relationship()

    @property
    def on_panel(self) -> bool:
        return (not self.reserve or self.called_at is not None) and self.declined_at is None
