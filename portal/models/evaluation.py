"""评审: one lot's evaluation, from the opened responses to the confirmed shortlist.

Seed 000 §一 13: credit checks and qualification review by the project's organiser (the agency,
or the collector running the project itself), then the expert panel's review and scores, the
panel leader's 复核 and the organiser's 代理确认. The evaluation keeps its own copy of what it
judged (each response's supplier, price and submission time; the panel as it sat), so the
report and the shortlist announcement can always be regenerated from it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.project import Project


class EvaluationStatus(enum.StrEnum):
    qualification = "qualification"  # 信用查询、资格审查: the organiser
    scoring = "scoring"  # 符合性审查、评分: the expert panel
    review = "review"  # 复核 done by the leader; awaiting the organiser's 代理确认
    confirmed = "confirmed"  # 评审结束: the shortlist stands


class Verdict(enum.StrEnum):
    passed = "passed"
    failed = "failed"


class CreditResult(enum.StrEnum):
    clean = "clean"  # 未发现不良信用记录
    listed = "listed"  # 列入失信被执行人、重大税收违法失信主体或政府采购严重违法失信行为记录名单


class Evaluation(Base):
    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("project_id", "round", "lot_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    lot_number: Mapped[str] = mapped_column(String(20))
    lot_name: Mapped[str] = mapped_column(String(200))
    max_unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    # The solicitation's rules, as they stood when the evaluation began.
    method: Mapped[str] = mapped_column(String(16))
    elimination_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    cap: Mapped[int | None] = mapped_column(Integer)
    tie_rule: Mapped[str] = mapped_column(String(24))
    seed: Mapped[str] = mapped_column(String(64))
    status: Mapped[EvaluationStatus] = mapped_column(
        Enum(EvaluationStatus, native_enum=False, length=16),
        default=EvaluationStatus.qualification)
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_because: Mapped[str | None] = mapped_column(String(500))

    project: Mapped[Project] = relationship()
    entries: Mapped[list[EvaluationEntry]] = relationship(
        order_by="EvaluationEntry.id", cascade="all, delete-orphan")
    members: Mapped[list[PanelMember]] = relationship(
        order_by="PanelMember.id", cascade="all, delete-orphan")


class EvaluationEntry(Base):
    """One supplier's response to the lot, and what each stage found."""

    __tablename__ = "evaluation_entries"
    __table_args__ = (UniqueConstraint("evaluation_id", "supplier_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_uscc: Mapped[str] = mapped_column(String(18))
    product: Mapped[str] = mapped_column(String(500))
    # the stocked product the response chose (its brand and model are ``product``)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    delivery: Mapped[str] = mapped_column(String(500))
    unit_price: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)
    # Not decrypted in the window: recorded at the opening, never evaluated.
    decrypted: Mapped[bool] = mapped_column(Boolean)
    credit: Mapped[CreditResult | None] = mapped_column(
        Enum(CreditResult, native_enum=False, length=16))
    credit_note: Mapped[str | None] = mapped_column(String(500))
    # The screenshot of the query results (a PDF in storage), the evidence the report keeps.
    credit_evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    qualification: Mapped[Verdict | None] = mapped_column(
        Enum(Verdict, native_enum=False, length=16))
    qualification_reason: Mapped[str | None] = mapped_column(String(500))
    # 价格扣除 under the SME policy, in percent of the quoted price.
    price_deduction: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    substantive: Mapped[Verdict | None] = mapped_column(Enum(Verdict, native_enum=False, length=16))
    substantive_reason: Mapped[str | None] = mapped_column(String(500))
    rank: Mapped[int | None] = mapped_column(Integer)
    shortlisted: Mapped[bool | None] = mapped_column(Boolean)

    scores: Mapped[list[ExpertScore]] = relationship(cascade="all, delete-orphan")


class PanelMember(Base):
    """An expert as the panel sat for this evaluation."""

    __tablename__ = "evaluation_members"
    __table_args__ = (UniqueConstraint("evaluation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(64))
    employer: Mapped[str] = mapped_column(String(200))
    leader: Mapped[bool] = mapped_column(Boolean, default=False)


class ExpertScore(Base):
    """质量优先法: one expert's score for one response."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (UniqueConstraint("entry_id", "expert_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("evaluation_entries.id"), index=True)
    expert_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
