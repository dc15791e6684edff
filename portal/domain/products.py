"""产品管理 and 企业信息 (seed 000 §二 2.2 and 3, §四 1): a manufacturer or service provider
enters its products (品目 from the lots it can answer, brand, model, parameters), stocks them
(入库), enters accessories and consumables and links them to products. Only stocked products
answer a lot (响应文件), are shortlisted or reach the catalogue; a stocked product is never
edited (copy it and edit the copy). A reseller (代理商) enters no products: it sells the
products a manufacturer authorises it for. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from documents.fields import PHONE
from portal.domain import audit, participation
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    Organisation,
    OrgKind,
    Position,
    Product,
    ProductKind,
    Project,
    ProjectStatus,
    SupplierKind,
    User,
    utcnow,
)

#: Supplier kinds that enter their own products (a service provider's "products" are services).
MAKERS = frozenset({SupplierKind.manufacturer, SupplierKind.service_provider})
PARTS = frozenset({ProductKind.accessory, ProductKind.consumable})


class ProductInvalid(InvalidInput):
    """The fields that are wrong, each with its messages (shown beside the field)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


# ---- 企业信息 ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    address: str
    contact: str
    phone: str
    supplier_kind: SupplierKind


def may_edit_profile(user: User) -> bool:
    return user.role is OrgKind.supplier and Position.clerk in user.positions


def update_profile(session: Session, actor: User, profile: Profile) -> None:
    """企业信息: address, contact, phone and supplier type; name and uscc stay as registered."""
    if not may_edit_profile(actor):
        raise Forbidden(_("只有供应商的经办岗可以维护企业信息。"))
    errors: dict[str, list[str]] = {}
    address, contact = profile.address.strip(), profile.contact.strip()
    phone = profile.phone.strip()
    if not address or len(address) > 256:
        errors["address"] = [_("请填写单位地址（不超过 256 个字）。")]
    if not contact or len(contact) > 64:
        errors["contact"] = [_("请填写联系人（不超过 64 个字）。")]
    if not PHONE.match(phone):
        errors["phone"] = [_("请输入有效的手机号码或固定电话（如 0471-3318866）")]
    if errors:
        raise ProductInvalid(errors)
    org = actor.org
    before = _org_snapshot(org)
    org.address, org.contact, org.phone = address, contact, phone
    org.supplier_kind = profile.supplier_kind
    after = _org_snapshot(org)
    if after != before:
        audit.record(session, actor=actor, action="supplier.profile_updated",
                     subject_type="organisation", subject_id=org.id,
                     detail={"before": before, "after": after})
    session.commit()


def _org_snapshot(org: Organisation) -> dict[str, object]:
    return {"address": org.address, "contact": org.contact, "phone": org.phone,
            "supplier_kind": org.supplier_kind.value if org.supplier_kind else None}


# ---- 产品管理 ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProductDetails:
    kind: ProductKind
    category: str
    brand: str
    model: str
    parameters: str
    unit: str


def may_manage(user: User) -> bool:
    """A clerk of a manufacturer or service provider; a reseller enters no products."""
    return (user.role is OrgKind.supplier and Position.clerk in user.positions
            and user.org.supplier_kind in MAKERS)


def _require_manager(actor: User) -> None:
    if actor.role is not OrgKind.supplier or Position.clerk not in actor.positions:
        raise Forbidden(_("只有供应商的经办岗可以管理产品。"))
    if actor.org.supplier_kind not in MAKERS:
        raise Forbidden(reseller_refusal())


def reseller_refusal() -> str:
    return _("代理商不能录入产品：代理商销售生产厂家授权的入围产品。"
             "如本单位是生产厂家或服务商，请先在企业信息中修改供应商类型。")


def categories(session: Session) -> list[str]:
    """品目 a supplier can answer: those of the lots of active projects' sealed solicitations."""
    found: set[str] = set()
    for project in session.scalars(select(Project).where(Project.status == ProjectStatus.active)):
        revision = participation.sealed_solicitation(session, project)
        if revision is not None:
            found.update(str(lot["category"]) for lot in revision.data.get("lots") or []
                         if lot.get("category"))
    return sorted(found)


def _checked(session: Session, details: ProductDetails, known: Sequence[str]) -> ProductDetails:
    errors: dict[str, list[str]] = {}
    if details.category not in known:
        errors["category"] = [_("请从已发布征集文件的采购包品目中选择。")]
    for name, value, most, label in (("brand", details.brand, 100, _("品牌")),
                                     ("model", details.model, 200, _("型号")),
                                     ("unit", details.unit, 20, _("计量单位"))):
        if not value.strip():
            errors[name] = [_("请填写%(what)s。", what=label)]
        elif len(value.strip()) > most:
            errors[name] = [_("%(what)s不超过 %(n)s 个字。", what=label, n=most)]
    if not details.parameters.strip() or len(details.parameters.strip()) > 2000:
        errors["parameters"] = [_("请对照采购标的的技术要求填写技术参数（不超过 2000 个字）。")]
    if errors:
        raise ProductInvalid(errors)
    return ProductDetails(details.kind, details.category, details.brand.strip(),
                          details.model.strip(), details.parameters.strip(), details.unit.strip())


def _snapshot(product: Product) -> dict[str, object]:
    return {"kind": product.kind.value, "category": product.category, "brand": product.brand,
            "model": product.model, "parameters": product.parameters, "unit": product.unit}


def enter(session: Session, actor: User, details: ProductDetails) -> Product:
    """录入产品 (or 配件 / 耗材): saved 未入库, editable until stocked."""
    _require_manager(actor)
    details = _checked(session, details, categories(session))
    product = Product(org_id=actor.org_id, kind=details.kind, category=details.category,
                      brand=details.brand, model=details.model, parameters=details.parameters,
                      unit=details.unit, created_by=actor.id)
    session.add(product)
    session.flush()
    audit.record(session, actor=actor, action="product.entered", subject_type="product",
                 subject_id=product.id, after="unstocked", detail=_snapshot(product))
    session.commit()
    return product


def _require_unstocked(product: Product) -> None:
    if product.stocked_at is not None:
        raise TransitionNotAllowed(stocked_refusal(product))


def stocked_refusal(product: Product) -> str:
    return _("产品“%(label)s”已入库，不能修改；如需修改，请复制为新产品后编辑并入库。",
             label=product.label)


def edit(session: Session, actor: User, product: Product, details: ProductDetails) -> None:
    _require_manager(actor)
    _require_own(actor, product)
    _require_unstocked(product)
    details = _checked(session, details, [*categories(session), product.category])
    before = _snapshot(product)
    product.category, product.brand, product.model = details.category, details.brand, details.model
    product.parameters, product.unit = details.parameters, details.unit
    audit.record(session, actor=actor, action="product.edited", subject_type="product",
                 subject_id=product.id, detail={"before": before, "after": _snapshot(product)})
    session.commit()


def stock(session: Session, actor: User, product: Product) -> None:
    """入库: from now on the product answers lots and is never edited."""
    _require_manager(actor)
    _require_own(actor, product)
    _require_unstocked(product)
    product.stocked_at = utcnow()
    audit.record(session, actor=actor, action="product.stocked", subject_type="product",
                 subject_id=product.id, before="unstocked", after="stocked")
    session.commit()


def copy(session: Session, actor: User, product: Product) -> Product:
    """复制: a new, unstocked product with the same details, to edit and stock in its place."""
    _require_manager(actor)
    _require_own(actor, product)
    twin = Product(org_id=product.org_id, kind=product.kind, category=product.category,
                   brand=product.brand, model=product.model, parameters=product.parameters,
                   unit=product.unit, created_by=actor.id, parts=list(product.parts))
    session.add(twin)
    session.flush()
    audit.record(session, actor=actor, action="product.copied", subject_type="product",
                 subject_id=twin.id, after="unstocked", detail={"from": product.id})
    session.commit()
    return twin


def link_parts(session: Session, actor: User, product: Product, part_ids: Sequence[int]) -> None:
    """关联配件或耗材: the product's accessories and consumables become exactly ``part_ids``."""
    _require_manager(actor)
    _require_own(actor, product)
    if product.kind is not ProductKind.product:
        raise InvalidInput(_("配件或耗材只能关联到产品上。"))
    parts = [session.get(Product, part_id) for part_id in part_ids]
    if any(p is None or p.org_id != actor.org_id or p.kind not in PARTS for p in parts):
        raise InvalidInput(_("只能关联本单位录入的配件或耗材。"))
    before = [p.id for p in product.parts]
    product.parts = [p for p in parts if p is not None]
    audit.record(session, actor=actor, action="product.parts_linked", subject_type="product",
                 subject_id=product.id, before=before, after=[p.id for p in product.parts])
    session.commit()


def _require_own(actor: User, product: Product) -> None:
    if product.org_id != actor.org_id:
        raise NotFound(_("没有找到该产品。"))


def own(session: Session, actor: User, product_id: int) -> Product:
    """The actor's organisation's product; another organisation's is not found."""
    product = session.get(Product, product_id)
    if product is None or product.org_id != actor.org_id:
        raise NotFound(_("没有找到该产品。"))
    return product


def of_org(session: Session, org_id: int, *, kind: ProductKind | None = None,
           category: str | None = None, stocked: bool | None = None) -> list[Product]:
    """The organisation's products, filtered by kind, 品目 and 入库 state, newest first."""
    query = select(Product).where(Product.org_id == org_id)
    if kind is not None:
        query = query.where(Product.kind == kind)
    if category:
        query = query.where(Product.category == category)
    if stocked is not None:
        query = query.where(Product.stocked_at.is_not(None) if stocked
                            else Product.stocked_at.is_(None))
    return list(session.scalars(query.order_by(Product.id.desc())))


def stocked_for(session: Session, org: Organisation, category: str) -> list[Product]:
    """The organisation's stocked products (not parts) of the 品目: what may answer a lot of it,
    be shortlisted for it or join an open agreement's lot of it."""
    return [p for p in of_org(session, org.id, kind=ProductKind.product, category=category,
                              stocked=True)]


def require_stocked(session: Session, org: Organisation, product_id: int | str | None,
                    category: str) -> Product:
    """The organisation's stocked product of the 品目, or a refusal saying what to do."""
    if not stocked_for(session, org, category):
        raise InvalidInput(_("本单位没有品目为“%(category)s”的已入库产品，请先在“产品管理”中录入"
                             "产品并入库。", category=category))
    try:
        wanted = int(product_id) if product_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    product = session.get(Product, wanted) if wanted is not None else None
    if (product is None or product.org_id != org.id or product.kind is not ProductKind.product
            or product.stocked_at is None or product.category != category):
        raise InvalidInput(_("请选择本单位品目为“%(category)s”的已入库产品。", category=category))
    return product
