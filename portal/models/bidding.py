"""二次竞价 (seed 000 §三 1.2, seed 002 1.3): a purchaser's secondary bidding among the sellers of
one lot of a framework agreement that deliver to it.

A :class:`Bidding` is published with its 二次竞价公告; every shortlisted supplier in force and
every confirmed reseller delivering to the purchaser's region is invited (:class:`BiddingSeller`,
with the cap it may not quote above: the purchaser's maximum unit price or its own agreement
price, whichever is lower). Between the start and the end each invited seller may quote
(:class:`BiddingQuote`), cancel its quote and quote again; the close (``end_at``) is enforced
on every quote and recorded once by whichever worker sees it first. Quotes rank low to high,
ties by the earlier quote; the purchaser confirms the winner, which becomes an order.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Enum, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agreement import ResellerDelegation, ShortlistedSupplier
from portal.models.base import Base, utcnow
from portal.models.org import Organisation
from portal.models.project import Project


class BiddingStatus(enum.StrEnum):
    pending = "pending"  # 公告待发布 (its announcement drafted, not yet published)
    open = "open"  # 已发布: quoting between start_at and end_at
    closed = "closed"  # 竞价结束 (recorded at end_at), the result to confirm
    confirmed = "confirmed"  # 已成交: the order made
    failed = "failed"  # 流标: closed without a valid quote
    ended = "ended"  # 已终止 by the purchaser before the close, with a reason


class Bidding(Base):
    __tablename__ = "biddings"
    __table_args__ = (Index("ix_biddings_status_end_at", "status", "end_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    purchaser_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))  # the framework's
    lot_number: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(200))  # the lot's 品目
    plan_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    plan_line: Mapped[int] = mapped_column(Integer)
    requirement: Mapped[str] = mapped_column(String(2000))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit: Mapped[str] = mapped_column(String(20))
    max_unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    delivery_place: Mapped[str] = mapped_column(String(256))
    start_at: Mapped[datetime] = mapped_column(DateTime)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[BiddingStatus] = mapped_column(
        Enum(BiddingStatus, native_enum=False, length=16), default=BiddingStatus.pending
    )
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    winner_quote_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(String(500))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    # the approved 非入围合同授予 this bidding was made from (its supplier invited too)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("non_shortlisted_awards.id"),
                                                 unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    purchaser: Mapped[Organisation] = relationship()
    project: Mapped[Project] = relationship()
    sellers: Mapped[list[BiddingSeller]] = relationship(
        back_populates="bidding", cascade="all, delete-orphan", order_by="BiddingSeller.id")

    __mapper_args__ = {"version_id_col": version}


class BiddingSeller(Base):
    """An invited seller: a shortlisted supplier, or its reseller delivering to the purchaser."""

    __tablename__ = "bidding_sellers"

    id: Mapped[int] = mapped_column(primary_key=True)
    bidding_id: Mapped[int] = mapped_column(ForeignKey("biddings.id"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # None: the non-shortlisted supplier of an approved 非入围合同授予
    shortlisted_id: Mapped[int | None] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("reseller_delegations.id"))
    cap_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    own_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))  # its agreement (listed) price
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)  # 参与

    bidding: Mapped[Bidding] = relationship(back_populates="sellers")
    seller: Mapped[Organisation] = relationship()
    shortlisted: Mapped[ShortlistedSupplier | None] = relationship()
    delegation: Mapped[ResellerDelegation | None] = relationship()


class BiddingQuote(Base):
    """One quote; a cancelled one stays (cancelled_at) so the record shows every move."""

    __tablename__ = "bidding_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    bidding_id: Mapped[int] = mapped_column(ForeignKey("biddings.id"), index=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("bidding_sellers.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    quoted_at: Mapped[datetime] = mapped_column(DateTime(), default=utcnow)
    quoted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)

    seller: Mapped[BiddingSeller] = relationship()


class AwardStatus(enum.StrEnum):
    submitted = "submitted"  # 待审核 (by the collector's clerk)
    approved = "approved"  # 审核通过: the purchaser may make a bidding of it
    rejected = "rejected"  # 未通过, with the reason


class NonShortlistedAward(Base):
    """非入围合同授予 (seed 000 §三 1.3): from a product's page the purchaser applies to buy the
    quantity from a supplier outside the shortlist at a controlled unit price below the
    agreement price, with evidence that it supplies a conforming product cheaper; the collector
    reviews; an approved application becomes a 二次竞价 in which that supplier is invited."""

    __tablename__ = "non_shortlisted_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    purchaser_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    collector_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    controlled_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    agreement_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))  # the lowest, when applied
    reason: Mapped[str] = mapped_column(String(1000))
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    evidence_filename: Mapped[str] = mapped_column(String(200))
    status: Mapped[AwardStatus] = mapped_column(
        Enum(AwardStatus, native_enum=False, length=16), default=AwardStatus.submitted
    )
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_org_id])
    supplier: Mapped[Organisation] = relationship(foreign_keys=[supplier_org_id])
    shortlisted: Mapped[ShortlistedSupplier] = relationship()

    __mapper_args__ = {"version_id_col": version}
