"""Users: each belongs to one organisation and holds one or more positions."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.org import Organisation, OrgKind


class Position(enum.StrEnum):
    clerk = "clerk"  # 经办岗: drafts and submits
    reviewer = "reviewer"  # 审核岗: approves or returns
    expert = "expert"  # 评审专家: a person drawn to evaluate





class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    id_number: Mapped[str | None] = mapped_column(String(18))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Every session carries the version it began under; raising it (sign-out, a new password)
    # ends them all, wherever their cookies went.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    org: Mapped[Organisation] = relationship(lazy="joined")
    position_rows: Mapped[list[UserPosition]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def positions(self) -> frozenset[Position]:
        return frozenset(row.position for row in self.position_rows)

    @property
    def role(self) -> OrgKind:
        return self.org.kind

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserPosition(Base):
    __tablename__ = "user_positions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    position: Mapped[Position] = mapped_column(
        Enum(Position, native_enum=False, length=16), primary_key=True
    )
