"""产品: what a manufacturer (or service provider) offers, entered and stocked (入库) before it
can answer a lot, be shortlisted or appear in the catalogue. Accessories and consumables are
products of their own kind, linked to the products they serve (关联配件或耗材).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow
from portal.models.org import Organisation


class ProductKind(enum.StrEnum):
    product = "product"  # 产品 (or 服务 for a service provider)
    accessory = "accessory"  # 配件
    consumable = "consumable"  # 耗材


product_parts = Table(
    "product_parts",
    Base.metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("part_id", ForeignKey("products.id"), primary_key=True),
)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[ProductKind] = mapped_column(
        Enum(ProductKind, native_enum=False, length=16), default=ProductKind.product
    )
    # 品目: the lot's subject (e.g. 台式计算机) the product answers.
    category: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(200))
    parameters: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="台")
    stocked_at: Mapped[datetime | None] = mapped_column(DateTime)  # 入库; None: 未入库
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    org: Mapped[Organisation] = relationship()
    parts: Mapped[list[Product]] = relationship(
        secondary=product_parts,
        primaryjoin=lambda: Product.id == product_parts.c.product_id,
        secondaryjoin=lambda: Product.id == product_parts.c.part_id,
        order_by=lambda: Product.id,
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def label(self) -> str:
        return f"{self.brand} {self.model}"
