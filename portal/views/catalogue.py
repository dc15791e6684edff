"""入围产品库 (issue 15): the offers open to the signed-in purchaser today, filtered, and one
product's page with every seller that delivers here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from portal import db
from portal.domain import cart, catalogue, direct_selection
from portal.models import OrgKind, beijing_now
from portal.order_forms import AddForm
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
    return render("catalogue/show.html", offer=offer, sellers=sellers, form=AddForm(),
                  may_buy=cart.may_buy(current_user),
                  service=direct_selection.is_service(offer))
