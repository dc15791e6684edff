"""入围产品库 (issue 15): the offers open to the signed-in purchaser today, filtered, and one
product's page with every seller that delivers here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import db
from portal.domain import cart, catalogue, direct_selection, rotation
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.errors import NotFound as DomainNotFound
from portal.models import OrgKind, beijing_now
from portal.order_forms import AddForm, RotationForm
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))


def _max_price(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


@bp.get("")
@access(PURCHASERS)
def index() -> Any:
    session, today = db.session(), beijing_now().date()
    every = catalogue.offers(session, current_user.org, today)
    args = {k: request.args.get(k, "").strip()[:100] for k in ("category", "q", "max_price")}
    found = catalogue.offers(session, current_user.org, today, category=args["category"],
                             query=args["q"], max_price=_max_price(args["max_price"]))
    return render("catalogue/index.html", offers=found, categories=catalogue.categories(every),
                  args=args, form=AddForm(), may_buy=cart.may_buy(current_user),
                  in_cart=cart.shortlisted_in_cart(session, current_user))


@bp.get("/<key>")
@access(PURCHASERS)
def show(key: str) -> Any:
    session, today = db.session(), beijing_now().date()
    offer = catalogue.offer(session, current_user.org, key[:40], today)
    sellers = catalogue.offers_of(session, offer.shortlisted, current_user.org, today)
    return _show(offer, sellers)


def _show(offer: catalogue.Offer, sellers: list[catalogue.Offer], status: int = 200,
          refusal: str | None = None, rotation_form: RotationForm | None = None) -> Any:
    session, org = db.session(), current_user.org
    row = offer.shortlisted
    rotating = rotation.uses_rotation(session, row.project, row.lot_number)
    if rotation_form is None and rotating:
        rotation_form = RotationForm(delivery_address=org.address,
                                     contact=current_user.display_name, phone=org.phone)
    if rotation_form is not None:
        rotation_form.plan_line.choices = [("", "")] + plans.line_choices(
            session, current_user.org_id, row.lot_name)
    return render("catalogue/show.html", status, offer=offer, sellers=sellers, form=AddForm(),
                  may_buy=cart.may_buy(current_user), refusal=refusal,
                  service=direct_selection.is_service(offer), rotation_form=rotation_form)


@bp.post("/<key>/rotation")
@access(PURCHASERS)
def rotate(key: str) -> Any:
    """轮候下单: the order goes to the supplier whose turn it is."""
    session, today = db.session(), beijing_now().date()
    offer = catalogue.offer(session, current_user.org, key[:40], today)
    sellers = catalogue.offers_of(session, offer.shortlisted, current_user.org, today)
    form = RotationForm()
    form.plan_line.choices = [("", "")] + plans.line_choices(
        session, current_user.org_id, offer.shortlisted.lot_name)
    if not form.validate_on_submit():
        return _show(offer, sellers, 400, _("请按提示修改后再下单。"), form)
    try:
        order, entry = rotation.assign(
            session, current_user, offer.shortlisted.project, offer.shortlisted.lot_number,
            *plans.chosen(session, current_user, form.plan_line.data), form.quantity.data,
            delivery_address=form.delivery_address.data, contact=form.contact.data,
            phone=form.phone.data, today=today)
    except (InvalidInput, TransitionNotAllowed, Forbidden, Conflict, DomainNotFound) as refused:
        session.rollback()
        return _show(offer, sellers, refused.status_code, refused.message, form)
    flash(_("按顺序轮候，本次由%(name)s供货（轮候记录第 %(n)d 条）。请核对后发送订单。",
            name=entry.supplier_name, n=entry.seq))
    return redirect(url_for("orders.show", order_id=order.id))
