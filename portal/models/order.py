"""直接选定 and 订单 (stage two): a purchaser's cart, and the orders a checkout makes.

A :class:`CartItem` is one shortlisted product the purchaser's clerk means to buy, with the
seller chosen for it (the shortlisted supplier, or its confirmed reseller) and a quantity.
确认下单 turns the chosen items into one :class:`Order` per seller, each spending against the
chosen line of an approved 采购计划; its :class:`OrderLine` rows copy the product and price as
they were, so a later price change never alters an order. The order then moves through the
states of seed 000 §三 1.4 and seed 002 1.2 ⑩, its files (invoice, acceptance report, payment
voucher) kept by SHA-256 in the file store.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.agreement import FilingStatus, ResellerDelegation, ShortlistedSupplier
from portal.models.base import Base, utcnow
from portal.models.org import Organisation


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("user_id", "shortlisted_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    # None: bought from the shortlisted supplier itself; else through this reseller
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("reseller_delegations.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    shortlisted: Mapped[ShortlistedSupplier] = relationship()
    delegation: Mapped[ResellerDelegation | None] = relationship()


class OrderStatus(enum.StrEnum):
    created = "created"  # 待发送 (the purchaser checks it, then sends it)
    sent = "sent"  # 待确认 (by the seller)
    accepted = "accepted"  # 已确认
    returned = "returned"  # 已退回 (with the seller's reason; its plan spending released)
    shipped = "shipped"  # 已发货 (logistics and invoice)
    received = "received"  # 已收货
    completed = "completed"  # 已完成 (acceptance report and payment voucher uploaded)
    cancelled = "cancelled"  # 已取消 (by the purchaser before sending)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    purchaser_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    plan_line: Mapped[int] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    status: Mapped[OrderStatus] = mapped_column(
        Enum(OrderStatus, native_enum=False, length=16), default=OrderStatus.created
    )
    # who to deliver to, as the purchaser's clerk typed it at checkout
    delivery_address: Mapped[str] = mapped_column(String(256))
    contact: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    return_reason: Mapped[str | None] = mapped_column(String(500))
    logistics_company: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime)
    invoice_sha256: Mapped[str | None] = mapped_column(String(64))
    invoice_filename: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    acceptance_sha256: Mapped[str | None] = mapped_column(String(64))
    acceptance_filename: Mapped[str | None] = mapped_column(String(200))
    payment_sha256: Mapped[str | None] = mapped_column(String(64))
    payment_filename: Mapped[str | None] = mapped_column(String(200))
    payment_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    payment_date: Mapped[date | None] = mapped_column(Date)
    # the 采购合同 the seller drafted from this order (the document lifecycle does the rest)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    # its 合同公告, drafted by the purchaser once both parties have sealed the contract
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_org_id])
    seller: Mapped[Organisation] = relationship(foreign_keys=[seller_org_id])
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )

    __mapper_args__ = {"version_id_col": version}


class OrderLine(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("reseller_delegations.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    category: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))  # brand and model, or the shortlisted text
    unit: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    order: Mapped[Order] = relationship(back_populates="lines")
    shortlisted: Mapped[ShortlistedSupplier] = relationship()


class ContractFiling(Base):
    """合同备案 (seed 001 §1.3.1.5, §二 2.4): the purchaser files an order's contract, sealed by
    both parties, with the regulator of its province. The filing carries the contract's data
    as it was filed and the SHA-256 of the sealed PDF, its main document (not replaceable)."""

    __tablename__ = "contract_filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    regulator_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    plan_line: Mapped[int] = mapped_column(Integer)
    contract_number: Mapped[str] = mapped_column(String(64))
    contract_name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    supplier_name: Mapped[str] = mapped_column(String(200))
    supplier_uscc: Mapped[str] = mapped_column(String(18))
    signing_date: Mapped[date | None] = mapped_column(Date)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[FilingStatus] = mapped_column(Enum(FilingStatus, native_enum=False, length=16))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[Order] = relationship()

    __mapper_args__ = {"version_id_col": version}


class SelectionStatus(enum.StrEnum):
    quoting = "quoting"  # 项目报价中
    to_confirm = "to_confirm"  # 结果待确认 (the supplier has quoted)
    succeeded = "succeeded"  # 项目成功 (an order at the quoted price follows)
    ended = "ended"  # 已终止 (by the purchaser, with a reason)


class DirectSelection(Base):
    """直接选定 of a service (seed 002 1.2): the purchaser publishes a project to one shortlisted
    service supplier, which quotes (never above its agreement price); the purchaser confirms the
    result, which becomes an order, or ends the project."""

    __tablename__ = "direct_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    purchaser_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    plan_line: Mapped[int] = mapped_column(Integer)
    requirement: Mapped[str] = mapped_column(String(2000))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    unit: Mapped[str] = mapped_column(String(20))
    cap_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))  # the agreement's unit price
    contact: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32))
    office_phone: Mapped[str] = mapped_column(String(32), default="")
    delivery_address: Mapped[str] = mapped_column(String(256))
    status: Mapped[SelectionStatus] = mapped_column(
        Enum(SelectionStatus, native_enum=False, length=16), default=SelectionStatus.quoting
    )
    quote_price: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    quote_note: Mapped[str | None] = mapped_column(String(500))
    quoted_at: Mapped[datetime | None] = mapped_column(DateTime)
    quoted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str | None] = mapped_column(String(500))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    purchaser: Mapped[Organisation] = relationship(foreign_keys=[purchaser_org_id])
    seller: Mapped[Organisation] = relationship(foreign_keys=[seller_org_id])
    shortlisted: Mapped[ShortlistedSupplier] = relationship()

    __mapper_args__ = {"version_id_col": version}
