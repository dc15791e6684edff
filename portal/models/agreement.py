"""入围供应商 and 框架协议: who a published shortlist (or an admitted open-agreement
application) binds, the agreement each signs, its filing, and the resellers it delegates to.

A :class:`ShortlistedSupplier` is one supplier in one lot of one project: name and uscc are
copied from the shortlist and never change; address and contacts may. Its
:class:`FrameworkAgreement` links the 框架协议 document (the one document lifecycle does the
drafting, review and seals) and carries the filing with the regulator (备案). A
:class:`ResellerDelegation` is the shortlisted supplier's one reseller for that agreement
(厂家授权 / 委托代理商), confirmed by the collector, with its delivery regions.
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
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation, Region
from portal.models.project import Project


class ShortlistedStatus(enum.StrEnum):
    active = "active"  # 正常
    suspended = "suspended"  # 暂停 (may be resumed)
    removed = "removed"  # 清退 (final)


class ShortlistSource(enum.StrEnum):
    shortlist = "shortlist"  # from the published 入围结果公告
    open_application = "open_application"  # admitted to an open agreement during its term


class ShortlistedSupplier(Base):
    __tablename__ = "shortlisted_suppliers"
    __table_args__ = (UniqueConstraint("project_id", "lot_number", "supplier_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    lot_name: Mapped[str] = mapped_column(String(200))
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Locked: as the shortlist published them.
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    # Editable by the collector (入围供应商管理).
    address: Mapped[str] = mapped_column(String(256), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    # What was shortlisted: the product (or service) and its agreement price.
    product: Mapped[str] = mapped_column(String(500), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    rank: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[ShortlistSource] = mapped_column(
        Enum(ShortlistSource, native_enum=False, length=24), default=ShortlistSource.shortlist
    )
    shortlist_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    status: Mapped[ShortlistedStatus] = mapped_column(
        Enum(ShortlistedStatus, native_enum=False, length=16), default=ShortlistedStatus.active
    )
    status_reason: Mapped[str | None] = mapped_column(String(500))
    # The 清退/暂停 announcement drafted for a status change, if any.
    status_notice_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship()
    supplier: Mapped[Organisation] = relationship()
    agreement: Mapped[FrameworkAgreement | None] = relationship(
        back_populates="shortlisted", uselist=False
    )

    __mapper_args__ = {"version_id_col": version}


class FilingStatus(enum.StrEnum):
    submitted = "submitted"  # 已报送 (awaiting the regulator)
    received = "received"  # 已备案
    returned = "returned"  # 已退回 (with a reason; may be submitted again)


class FrameworkAgreement(Base):
    """One 框架协议: its document, and its filing (备案) where the region requires it."""

    __tablename__ = "framework_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    generated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    filing_status: Mapped[FilingStatus | None] = mapped_column(
        Enum(FilingStatus, native_enum=False, length=16)
    )
    filing_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    filing_decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    filing_decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filing_note: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(Integer, default=1)

    shortlisted: Mapped[ShortlistedSupplier] = relationship(back_populates="agreement")

    __mapper_args__ = {"version_id_col": version}


class RegionSetting(Base):
    """Per-region switches an administrator sets (河南: framework agreements are filed)."""

    __tablename__ = "region_settings"

    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)
    agreement_filing_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region] = relationship()


class DelegationStatus(enum.StrEnum):
    pending = "pending"  # 待确认 (by the collector)
    confirmed = "confirmed"  # 已确认
    rejected = "rejected"  # 未通过 (with a reason)
    withdrawn = "withdrawn"  # 已撤销 (by the supplier, or the reseller replaced)


class ResellerDelegation(Base):
    """厂家授权 / 委托代理商: one reseller per shortlisted supplier per agreement."""

    __tablename__ = "reseller_delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlisted_id: Mapped[int] = mapped_column(ForeignKey("shortlisted_suppliers.id"), index=True)
    reseller_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    letter_filename: Mapped[str] = mapped_column(String(200))
    letter: Mapped[bytes] = mapped_column(LargeBinary)
    letter_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[DelegationStatus] = mapped_column(
        Enum(DelegationStatus, native_enum=False, length=16), default=DelegationStatus.pending
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    # The reseller's own price for the shortlisted product: never above the shortlisted price.
    price: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    listed_at: Mapped[datetime | None] = mapped_column(DateTime)  # 上架
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    shortlisted: Mapped[ShortlistedSupplier] = relationship()
    reseller: Mapped[Organisation] = relationship()
    regions: Mapped[list[DeliveryRegion]] = relationship(
        cascade="all, delete-orphan", order_by="DeliveryRegion.region_id"
    )

    __mapper_args__ = {"version_id_col": version}


class DeliveryRegion(Base):
    """代理商配送范围: a region (and everything under it) the reseller delivers to."""

    __tablename__ = "delivery_regions"

    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("reseller_delegations.id"), primary_key=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), primary_key=True)

    region: Mapped[Region] = relationship()


class ApplicationStatus(enum.StrEnum):
    submitted = "submitted"  # 待审核
    admitted = "admitted"  # 审核通过
    rejected = "rejected"  # 审核不通过 (with a reason)
    withdrawn = "withdrawn"  # 已撤回 (by the supplier, before the decision)


class OpenApplication(Base):
    """开放式框架协议申请: a supplier asks to join an open agreement's lot during its term."""

    __tablename__ = "open_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    supplier_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    product: Mapped[str] = mapped_column(String(500), default="")
    unit_price: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    statement: Mapped[str] = mapped_column(Text, default="")  # 资格声明
    qualification_filename: Mapped[str] = mapped_column(String(200))
    qualification: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[ApplicationStatus] = mapped_column(
        Enum(ApplicationStatus, native_enum=False, length=16), default=ApplicationStatus.submitted
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    shortlisted_id: Mapped[int | None] = mapped_column(ForeignKey("shortlisted_suppliers.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship()
    supplier: Mapped[Organisation] = relationship()

    __mapper_args__ = {"version_id_col": version}
