"""我的购物车 and 确认下单 (issue 15): choose the seller and quantity per line, choose a plan
line, one order per seller."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import db
from portal.domain import cart, catalogue
from portal.domain import purchasing_plans as plans
from portal.domain.errors import InvalidInput, NotFound, TransitionNotAllowed
from portal.models import OrgKind, beijing_now
from portal.order_forms import AddForm, CartLineForm, CheckoutForm
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("cart", __name__, url_prefix="/cart")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))
REFUSALS = (InvalidInput, TransitionNotAllowed)


def _plan_lines() -> list[tuple[str, str]]:
    return plans.line_choices(db.session(), current_user.org_id)


def _page(status: int = 200, refusal: str | None = None,
          checkout: CheckoutForm | None = None) -> Any:
    org = current_user.org
    if checkout is None:
        checkout = CheckoutForm(delivery_address=org.address, contact=current_user.display_name,
                                phone=org.phone)
    checkout.plan_line.choices = [("", "")] + _plan_lines()
    lines = cart.lines(db.session(), current_user, beijing_now().date())
    chosen = set(request.form.getlist("items")) if request.method == "POST" else None
    return render("cart/index.html", status, lines=lines, checkout=checkout, refusal=refusal,
                  line_form=CartLineForm(), chosen=chosen, may_buy=cart.may_buy(current_user))


@bp.get("")
@access(PURCHASERS)
def index() -> Any:
    return _page()


def _act(form: FlaskForm, command: Callable[[], object], done: str) -> Any:
    """Validate ``form``, run the domain command, flash ``done``; a refusal is shown on the
    cart page with what was there."""
    if not form.validate_on_submit():
        return _page(400, "；".join(e for errors in form.errors.values() for e in errors))
    try:
        command()
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message)
    flash(done)
    return redirect(url_for(".index"))


@bp.post("/add/<key>")
@access(PURCHASERS)
def add(key: str) -> Any:
    catalogue.offer(db.session(), current_user.org, key[:40], beijing_now().date())  # or 404
    form = AddForm()
    return _act(form, lambda: cart.add(db.session(), current_user, key[:40], form.quantity.data,
                                       beijing_now().date()), _("已加入购物车。"))


@bp.post("/<int:item_id>")
@access(PURCHASERS)
def update(item_id: int) -> Any:
    cart.item_of(db.session(), current_user, item_id)  # or 404
    form = CartLineForm()
    form.seller.choices = [(request.form.get("seller", ""), "")]
    return _act(form, lambda: cart.update(
        db.session(), current_user, item_id, form.quantity.data, form.seller.data,
        beijing_now().date()), _("已更新购物车。"))


@bp.post("/<int:item_id>/remove")
@access(PURCHASERS)
def remove(item_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        return _page(400, _("表单已过期，请刷新页面后重试。"))
    cart.remove(db.session(), current_user, item_id)
    flash(_("已移出购物车。"))
    return redirect(url_for(".index"))


@bp.post("/checkout")
@access(PURCHASERS)
def checkout() -> Any:
    form = CheckoutForm()
    form.plan_line.choices = [("", "")] + _plan_lines()
    if not form.validate_on_submit():
        return _page(400, _("请按提示修改后再下单。"), checkout=form)
    session = db.session()
    try:
        made = cart.checkout(
            session, current_user, [int(i) for i in request.form.getlist("items") if i.isdigit()],
            *plans.chosen(session, current_user, form.plan_line.data),
            delivery_address=form.delivery_address.data, contact=form.contact.data,
            phone=form.phone.data, today=beijing_now().date())
    except (*REFUSALS, NotFound) as refused:
        return _page(refused.status_code, refused.message, checkout=form)
    flash(_("已生成 %(n)d 张订单，请核对后发送给供应商。", n=len(made)))
    return redirect(url_for("orders.index"))
