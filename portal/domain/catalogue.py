"""入围产品库 / 入围服务库: what a purchaser may buy today, and from whom, at what price.

An offer is one shortlisted product (or service) sold either by the shortlisted supplier at its
agreement price or by the supplier's confirmed reseller at the reseller's listed price (never
above it). A purchaser sees an offer only while all of these hold:

- the agreement is in force: the supplier active, the 框架协议 sealed by both parties and filed
  where the region requires it (``agreement_filing.require_usable``), today within its term;
- the agreement's scope covers the purchaser: the collector's region is the purchaser's, or the
  province the purchaser's city is in;
- for a reseller: its delegation counts (confirmed, supplier active), it has listed a price, and
  its delivery regions cover the purchaser's region.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import agreement_filing, delegations
from portal.domain.errors import NotFound
from portal.models import (
    Document,
    FrameworkAgreement,
    Organisation,
    Product,
    Region,
    ResellerDelegation,
    ShortlistedStatus,
    ShortlistedSupplier,
)


@dataclass(frozen=True)
class Offer:
    shortlisted: ShortlistedSupplier
    delegation: ResellerDelegation | None  # None: sold by the shortlisted supplier itself
    product: Product | None
    price: Decimal
    term_end: date

    @property
    def key(self) -> str:
        return f"{self.shortlisted.id}-{self.delegation.id if self.delegation else 0}"

    @property
    def seller(self) -> Organisation:
        return self.delegation.reseller if self.delegation else self.shortlisted.supplier

    @property
    def category(self) -> str:
        return self.product.category if self.product else self.shortlisted.lot_name

    @property
    def name(self) -> str:
        return self.product.label if self.product else self.shortlisted.product

    @property
    def unit(self) -> str:
        if self.product:
            return self.product.unit
        return "项" if self.shortlisted.project.category == "services" else "台"

    @property
    def brand(self) -> str:
        return self.product.brand if self.product else ""


def covers(scope: Region, region: Region) -> bool:
    """``scope`` (a province or city) includes ``region``."""
    return region.id == scope.id or region.parent_id == scope.id


def _term(session: Session, agreement: FrameworkAgreement) -> tuple[date, date] | None:
    doc = session.get(Document, agreement.document_id)
    revision = doc.current_revision if doc else None
    if revision is None:
        return None
    try:
        return (date.fromisoformat(revision.data["term_start"]),
                date.fromisoformat(revision.data["term_end"]))
    except (KeyError, TypeError, ValueError):
        return None


def in_force(session: Session, row: ShortlistedSupplier, today: date) -> date | None:
    """The last day of the row's agreement if a call-off may use it today, else None."""
    try:
        agreement_filing.require_usable(session, row)
    except agreement_filing.AgreementNotUsable:
        return None
    agreement = row.agreement
    term = _term(session, agreement) if agreement else None
    if term is None or not term[0] <= today <= term[1]:
        return None
    return term[1]


def _delivers(delegation: ResellerDelegation, region: Region) -> bool:
    return any(covers(d.region, region) for d in delegation.regions)


def offers_of(session: Session, row: ShortlistedSupplier, purchaser: Organisation,
              today: date) -> list[Offer]:
    """The row's offers to ``purchaser`` today: the supplier's own, then its reseller's."""
    ends = in_force(session, row, today)
    if ends is None or not covers(row.project.collector.region, purchaser.region):
        return []
    product = session.get(Product, row.product_id) if row.product_id else None
    found = [Offer(row, None, product, row.unit_price, ends)]
    reseller = delegations.confirmed_for(session, row)
    if reseller is not None and delegations.counting(reseller) and reseller.price is not None \
            and _delivers(reseller, purchaser.region):
        found.append(Offer(row, reseller, product, reseller.price, ends))
    return found


def offers(session: Session, purchaser: Organisation, today: date, *, category: str = "",
           query: str = "", max_price: Decimal | None = None) -> list[Offer]:
    """Every offer open to ``purchaser`` today, filtered, cheapest first within a category."""
    rows = session.scalars(select(ShortlistedSupplier).join(
        FrameworkAgreement, FrameworkAgreement.shortlisted_id == ShortlistedSupplier.id).where(
        ShortlistedSupplier.status == ShortlistedStatus.active).order_by(ShortlistedSupplier.id))
    found = [offer for row in rows for offer in offers_of(session, row, purchaser, today)]
    query = query.strip().lower()
    return sorted(
        (o for o in found
         if (not category or o.category == category)
         and (not query or query in f"{o.name} {o.brand} {o.seller.name}".lower())
         and (max_price is None or o.price <= max_price)),
        key=lambda o: (o.category, o.price, o.key))


def categories(found: list[Offer]) -> list[str]:
    return sorted({o.category for o in found})


def goods_offer(session: Session, purchaser: Organisation, key: str, today: date) -> Offer:
    """An offer of goods (what a 二次竞价 or a 非入围合同授予 starts from), as :func:`offer`."""
    found = offer(session, purchaser, key, today)
    if found.shortlisted.project.category != "goods":
        raise NotFound(_("没有该产品，或它已不在您可以采购的范围内。"))
    return found


def offer(session: Session, purchaser: Organisation, key: str, today: date) -> Offer:
    """One offer by its key (``<shortlisted id>-<delegation id or 0>``), if open to the
    purchaser today."""
    try:
        row_id, delegation_id = (int(part) for part in key.split("-", 1))
    except ValueError:
        raise NotFound(_("没有该产品，或它已不在您可以采购的范围内。")) from None
    row = session.get(ShortlistedSupplier, row_id)
    match = None if row is None else next(
        (o for o in offers_of(session, row, purchaser, today)
         if (o.delegation.id if o.delegation else 0) == delegation_id), None)
    if match is None:
        raise NotFound(_("没有该产品，或它已不在您可以采购的范围内。"))
    return match
