"""Regions and organisations (the parties of framework-agreement procurement)."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base


class RegionLevel(enum.StrEnum):
    province = "province"
    city = "city"


class Region(Base):
    """A province or city, coded per GB/T 2260; collectors' scope is regional."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(Enum(RegionLevel, native_enum=False, length=16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    parent: Mapped[Region | None] = relationship(remote_side=[id])

    @property
    def province(self) -> Region:
        return self.parent if self.parent is not None else self


class OrgKind(enum.StrEnum):
    """The role an organisation plays; the code names of domain.md."""

    collector = "collector"
    agency = "agency"
    purchaser = "purchaser"
    supplier = "supplier"
    regulator = "regulator"


class CollectorType(enum.StrEnum):
    central_agency = "central_agency"  # 集中采购机构
    supervising_unit = "supervising_unit"  # 主管预算单位


class SupplierKind(enum.StrEnum):
    manufacturer = "manufacturer"  # 厂商
    reseller = "reseller"  # 代理商
    service_provider = "service_provider"  # 服务类供应商


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=16))
    collector_type: Mapped[CollectorType | None] = mapped_column(
        Enum(CollectorType, native_enum=False, length=24)
    )
    supplier_kind: Mapped[SupplierKind | None] = mapped_column(
        Enum(SupplierKind, native_enum=False, length=24)
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str] = mapped_column(String(256), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")

    region: Mapped[Region] = relationship()
