"""企业信息 and 产品管理 (seed 000 §二 2.2, 3): a supplier's clerk maintains its company
information; a manufacturer's or service provider's clerk enters, stocks (入库) and links its
products, accessories and consumables. Other suppliers' products are not found."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal import db
from portal.domain import products
from portal.domain.errors import DomainError
from portal.forms import EmptyForm
from portal.models import OrgKind, Position, Product, ProductKind, SupplierKind
from portal.policy import Access, access
from portal.product_forms import PRODUCT_KINDS, PartsForm, ProductForm, ProfileForm
from portal.web import render

bp = Blueprint("products", __name__)
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))
SUPPLIER_CLERKS = Access(roles=frozenset({OrgKind.supplier}),
                         positions=frozenset({Position.clerk}))


# ---- 企业信息 ----------------------------------------------------------------------------------

@bp.route("/supplier/profile", methods=["GET", "POST"])
@access(SUPPLIERS)
def profile() -> Any:
    org = current_user.org
    form = ProfileForm(obj=org, supplier_kind=org.supplier_kind.value if org.supplier_kind
                       else None)
    status, refusal = 200, None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                products.update_profile(db.session(), current_user, products.Profile(
                    form.address.data, form.contact.data, form.phone.data,
                    SupplierKind(form.supplier_kind.data)))
            except DomainError as refused:
                db.session().rollback()
                status, refusal = refused.status_code, refused.message
            else:
                flash(_("已保存企业信息。"))
                return redirect(url_for(".profile"))
        else:
            status = 400
    return render("products/profile.html", status, form=form, org=org, refusal=refusal,
                  may_edit=products.may_edit_profile(current_user))


# ---- 产品管理 ----------------------------------------------------------------------------------

STATES = {"stocked": True, "unstocked": False}


@bp.get("/products")
@access(SUPPLIERS)
def index() -> Any:
    kind = request.args.get("kind", "")
    category, state = request.args.get("category", ""), request.args.get("state", "")
    found = products.of_org(db.session(), current_user.org_id,
                            kind=ProductKind(kind) if kind in ProductKind.__members__ else None,
                            category=category or None, stocked=STATES.get(state))
    mine = products.of_org(db.session(), current_user.org_id)
    return render("products/index.html", products=found, kinds=PRODUCT_KINDS, kind=kind,
                  category=category, state=state, form=EmptyForm(),
                  categories=sorted({p.category for p in mine}),
                  may_manage=products.may_manage(current_user))


def _product_form(product: Product | None = None) -> ProductForm:
    form = ProductForm(obj=product)
    known = products.categories(db.session())
    if product is not None and product.category not in known:
        known = [product.category, *known]
    form.category.choices = [SelectChoice("", _("请选择")), *(SelectChoice(c, c) for c in known)]
    return form


def _details(form: ProductForm, kind: ProductKind) -> products.ProductDetails:
    return products.ProductDetails(kind, form.category.data or "", form.brand.data or "",
                                   form.model.data or "", form.parameters.data or "",
                                   form.unit.data or "")


def _save(form: ProductForm, kind: ProductKind, product: Product | None) -> Any:
    """Validate and enter (or edit); the form again, with every field as typed, if refused."""
    refusal, status = None, 400
    if form.validate_on_submit():
        try:
            if product is None:
                product = products.enter(db.session(), current_user, _details(form, kind))
            else:
                products.edit(db.session(), current_user, product, _details(form, kind))
        except products.ProductInvalid as refused:
            for name, messages in refused.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, *messages]
        except DomainError as refused:
            db.session().rollback()
            refusal, status = refused.message, refused.status_code
        else:
            flash(_("已保存“%(label)s”（未入库）。", label=product.label))
            return redirect(url_for(".index"))
    return render("products/form.html", status, form=form, product=product, kind=kind,
                  kinds=PRODUCT_KINDS, refusal=refusal)


@bp.route("/products/new", methods=["GET", "POST"])
@access(SUPPLIER_CLERKS)
def add() -> Any:
    raw = request.args.get("kind", ProductKind.product.value)
    kind = ProductKind(raw) if raw in ProductKind.__members__ else ProductKind.product
    if not products.may_manage(current_user):
        return render("products/form.html", 403, form=None, product=None, kind=kind,
                      kinds=PRODUCT_KINDS, refusal=products.reseller_refusal())
    form = _product_form()
    if request.method == "GET":
        return render("products/form.html", form=form, product=None, kind=kind,
                      kinds=PRODUCT_KINDS)
    return _save(form, kind, None)


def _own(product_id: int) -> Product:
    return products.own(db.session(), current_user, product_id)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@access(SUPPLIER_CLERKS)
def edit(product_id: int) -> Any:
    product = _own(product_id)
    form = _product_form(product)
    if product.stocked_at is not None:
        return render("products/form.html", 409, form=None, product=product, kind=product.kind,
                      kinds=PRODUCT_KINDS, refusal=products.stocked_refusal(product))
    if request.method == "GET":
        return render("products/form.html", form=form, product=product, kind=product.kind,
                      kinds=PRODUCT_KINDS)
    return _save(form, product.kind, product)


def _command(product_id: int, command: Any, done: str) -> Any:
    product = _own(product_id)
    if not EmptyForm().validate_on_submit():
        flash(_("页面已过期，请刷新后重试。"))
        return redirect(url_for(".index"))
    try:
        result = command(db.session(), current_user, product)
    except DomainError as refused:
        db.session().rollback()
        flash(refused.message)
        return redirect(url_for(".index"))
    flash(done % {"label": product.label})
    return result


@bp.post("/products/<int:product_id>/stock")
@access(SUPPLIER_CLERKS)
def stock(product_id: int) -> Any:
    done = _command(product_id, products.stock, _("已入库：%(label)s。"))
    return done or redirect(url_for(".index"))


@bp.post("/products/<int:product_id>/copy")
@access(SUPPLIER_CLERKS)
def copy(product_id: int) -> Any:
    twin = _command(product_id, products.copy,
                    _("已复制“%(label)s”为未入库的新产品，可编辑后入库。"))
    if isinstance(twin, Product):
        return redirect(url_for(".edit", product_id=twin.id))
    return twin


@bp.route("/products/<int:product_id>/parts", methods=["GET", "POST"])
@access(SUPPLIER_CLERKS)
def parts(product_id: int) -> Any:
    product = _own(product_id)
    form = PartsForm(parts=[p.id for p in product.parts] if request.method == "GET" else None)
    form.parts.choices = [
        SelectChoice(p.id, f"{PRODUCT_KINDS[p.kind]}：{p.label}（{p.category}）")
        for p in products.of_org(db.session(), current_user.org_id)
        if p.kind in products.PARTS]
    refusal, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                products.link_parts(db.session(), current_user, product, form.parts.data or [])
            except DomainError as refused:
                db.session().rollback()
                refusal, status = refused.message, refused.status_code
            else:
                flash(_("已关联配件或耗材：%(label)s。", label=product.label))
                return redirect(url_for(".index"))
        else:
            status = 400
    return render("products/parts.html", status, form=form, product=product, refusal=refusal)
