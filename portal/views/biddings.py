"""二次竞价 (issue 16): the purchaser creates a bidding from a product's page, previews its
二次竞价公告 and publishes it; invited sellers join, quote, cancel and quote again while a
polled panel counts down; after the close the purchaser sees every quote and confirms the
winner (an order and the 成交结果公告 follow) or ends the bidding before the close."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from portal import db
from portal.domain import awards, biddings, catalogue
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.errors import NotFound as DomainNotFound
from portal.models import Bidding, NonShortlistedAward, OrgKind, beijing_now, utcnow
from portal.order_forms import BiddingForm, BidForm, OrderReasonForm
from portal.policy import Access, access
from portal.web import carry_out, render

bp = Blueprint("biddings", __name__, url_prefix="/biddings")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))
PARTIES = Access(roles=frozenset({OrgKind.purchaser, OrgKind.supplier}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Forbidden, DomainNotFound)
#: commands without fields (a CSRF token only), and what the page says once done
SIMPLE = {"publish": _l("二次竞价公告已发布，已通知受邀供应商。"), "join": _l("已参与本次竞价。"),
          "cancel": _l("报价已取消，可在竞价结束前重新报价。"),
          "confirm": _l("已确认成交结果：成交结果公告已发布，订单已生成。")}


@bp.get("")
@access(PARTIES)
def index() -> Any:
    return render("biddings/index.html",
                  biddings=biddings.of_org(db.session(), current_user.org_id),
                  label=biddings.label)


def _offer(key: str) -> catalogue.Offer:
    """The goods offer this starts from (its project and lot)."""
    return catalogue.goods_offer(db.session(), current_user.org, key[:40], beijing_now().date())


def _award(raw: str | None) -> NonShortlistedAward | None:
    """The approved 非入围合同授予 a bidding is made from (``?award=`` / the hidden field)."""
    if not raw or not raw.isdigit():
        return None
    return awards.load(db.session(), current_user, int(raw))


def _new_page(offer: catalogue.Offer, form: BiddingForm, status: int = 200,
              refusal: str | None = None, award: NonShortlistedAward | None = None) -> Any:
    form.plan_line.choices = [("", "")] + plans.line_choices(
        db.session(), current_user.org_id, offer.shortlisted.lot_name)
    sellers = biddings.invitees(db.session(), current_user, offer.shortlisted.project,
                                offer.shortlisted.lot_number, beijing_now())
    return render("biddings/new.html", status, offer=offer, form=form, refusal=refusal,
                  sellers=sellers, award=award)


@bp.get("/new/<key>")
@access(PURCHASERS)
def new(key: str) -> Any:
    offer, org = _offer(key), current_user.org
    award = _award(request.args.get("award"))
    soon = beijing_now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    form = BiddingForm(unit=offer.unit, delivery_place=org.address,
                       start=soon - timedelta(minutes=soon.minute % 5))
    if award is not None:
        form.quantity.data = f"{award.quantity.normalize():f}"
        form.max_unit_price.data = f"{award.controlled_price:.2f}"
    return _new_page(offer, form, award=award)


@bp.post("/new/<key>")
@access(PURCHASERS)
def create(key: str) -> Any:
    offer, form = _offer(key), BiddingForm()
    award = _award(request.form.get("award"))
    form.plan_line.choices = [("", "")] + plans.line_choices(
        db.session(), current_user.org_id, offer.shortlisted.lot_name)
    if not form.validate_on_submit():
        return _new_page(offer, form, 400, _("请按提示修改后再保存。"), award)
    session = db.session()
    try:
        bidding = biddings.create(
            session, current_user, offer.shortlisted.project, offer.shortlisted.lot_number,
            *plans.chosen(session, current_user, form.plan_line.data), biddings.Request(
                requirement=form.requirement.data, quantity=form.quantity.data,
                unit=form.unit.data or "", max_unit_price=form.max_unit_price.data,
                delivery_place=form.delivery_place.data, start=form.start.data,
                duration_minutes=form.duration_minutes.data), utcnow(), award=award)
    except REFUSALS as refused:
        session.rollback()
        return _new_page(offer, form, refused.status_code, refused.message, award)
    flash(_("已生成二次竞价公告，请预览后发布。"))
    return redirect(url_for(".show", bidding_id=bidding.id))


def _context(bidding: Bidding) -> dict[str, Any]:
    session, now = db.session(), utcnow()
    seller = biddings.seller_of(bidding, current_user)
    starts_in, ends_in = biddings.seconds_left(bidding, now)
    return {"bidding": bidding, "state": biddings.label(bidding, now), "seller": seller,
            "starts_in": starts_in, "ends_in": ends_in,
            "live": biddings.live_quote(session, seller) if seller else None,
            "quotes": biddings.visible_quotes(session, current_user, bidding),
            "purchaser": current_user.org_id == bidding.purchaser_org_id,
            "quoting": bidding.status.value == "open" and bidding.start_at <= now < bidding.end_at}


def _page(bidding: Bidding, status: int = 200, refusal: str | None = None,
          **forms: Any) -> Any:
    bid_form = forms.get("bid_form") or BidForm()
    seller = biddings.seller_of(bidding, current_user)
    bid_form.product.choices = [(str(p.id), p.label) for p in (
        biddings.product_choices(db.session(), seller) if seller else [])]
    return render("biddings/show.html", status, refusal=refusal, bid_form=bid_form,
                  reason_form=forms.get("reason_form") or OrderReasonForm(),
                  **_context(bidding))


@bp.get("/<int:bidding_id>")
@access(PARTIES)
def show(bidding_id: int) -> Any:
    return _page(biddings.load(db.session(), current_user, bidding_id))


@bp.get("/<int:bidding_id>/state")
@access(PARTIES)
def state(bidding_id: int) -> Any:
    """The polled panel: the countdown and the seller's own quote state."""
    bidding = biddings.load(db.session(), current_user, bidding_id)
    return render("biddings/show.html", block="state", **_context(bidding))


@bp.post("/<int:bidding_id>/<command>")
@access(PARTIES)
def act(bidding_id: int, command: str) -> Any:
    session = db.session()
    bidding = biddings.load(session, current_user, bidding_id)
    forms: dict[str, Any] = {}
    if command == "quote":
        form = forms["bid_form"] = BidForm()
        valid = form.validate_on_submit()

        def run() -> Any:
            return biddings.quote(session, current_user, bidding, form.unit_price.data,
                                  form.product.data or None, utcnow())
        done = _("报价已提交；竞价结束前其他供应商看不到您的报价。")
    elif command == "end":
        reason = forms["reason_form"] = OrderReasonForm()
        valid = reason.validate_on_submit()

        def run() -> Any:
            return biddings.end(session, current_user, bidding, reason.reason.data, utcnow())
        done = _("二次竞价已终止。")
    elif command in SIMPLE:
        valid = FlaskForm().validate_on_submit()

        def run() -> Any:
            if command == "join":
                return biddings.join(session, current_user, bidding)
            step = {"publish": biddings.publish, "cancel": biddings.cancel,
                    "confirm": biddings.confirm}[command]
            return step(session, current_user, bidding, utcnow())
        done = str(SIMPLE[command])
    else:
        raise NotFound()
    if not valid:
        return _page(bidding, 400, _("请按提示修改后再提交。"), **forms)
    return carry_out(run, lambda status, message: _page(bidding, status, message, **forms),
                     done, lambda result: url_for("orders.show", order_id=result.id)
                     if command == "confirm" else url_for(".show", bidding_id=bidding.id),
                     REFUSALS)

