"""Stocked products for tests that answer lots: a response chooses one of the supplier's stocked
products of the lot's 品目 (产品管理, :mod:`portal.domain.products`)."""

from __future__ import annotations

from typing import Any

from portal.domain import products, responses
from portal.models import ProductKind, SupplierKind
from tests.helpers import user


def lot_category(db: Any, project: Any, lot: str = "01") -> str:
    call = responses.call_of(db, project)
    assert call is not None
    return str(call.lot(lot)["category"])


def as_maker(db: Any, username: str) -> None:
    """The demo's reseller (代理商) enters no products: where a test has it answer a lot, it
    first registers as a manufacturer in its 企业信息, as a supplier that makes its goods would."""
    clerk = user(db, username)
    org = clerk.org
    if org.supplier_kind not in products.MAKERS:
        products.update_profile(db, clerk, products.Profile(
            org.address, org.contact, org.phone, SupplierKind.manufacturer))


def stocked(db: Any, username: str, category: str, brand: str = "曙光天阔",
            model: str = "TK-9527专用型", parameters: str = "国产八核处理器，16GB内存",
            unit: str = "台") -> Any:
    """A product entered and stocked (入库) by the user's organisation."""
    as_maker(db, username)
    clerk = user(db, username)
    product = products.enter(db, clerk, products.ProductDetails(
        ProductKind.product, category, brand, model, parameters, unit))
    products.stock(db, clerk, product)
    return product


def answers_for(db: Any, username: str, project: Any, answers: dict[str, str], lot: str = "01",
                **overrides: str) -> dict[str, str]:
    """``answers`` (and ``overrides``) with a freshly stocked product of their brand, model and
    parameters chosen (``product_id``)."""
    given = {**answers, **overrides}
    product = stocked(db, username, lot_category(db, project, lot), given["brand"],
                      given["model"], given["parameters"])
    return {**given, "product_id": str(product.id)}
