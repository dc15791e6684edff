"""直接选定, services (issue 15, seed 002 1.2): the purchaser publishes a project to a shortlisted
service supplier from the 入围服务库, the supplier quotes, the purchaser confirms the result (an
order follows) or ends the project."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from portal import db
from portal.domain import catalogue, direct_selection
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.errors import NotFound as DomainNotFound
from portal.models import DirectSelection, OrgKind, beijing_now
from portal.order_forms import OrderReasonForm, QuoteForm, SelectionForm
from portal.policy import Access, access
from portal.web import carry_out, render

bp = Blueprint("selections", __name__, url_prefix="/selections")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))
PARTIES = Access(roles=frozenset({OrgKind.purchaser, OrgKind.supplier}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Forbidden, DomainNotFound)


@bp.get("")
@access(PARTIES)
def index() -> Any:
    return render("selections/index.html",
                  selections=direct_selection.of_org(db.session(), current_user.org_id),
                  label=direct_selection.label)


def _service(key: str) -> catalogue.Offer:
    offer = catalogue.offer(db.session(), current_user.org, key[:40], beijing_now().date())
    if not direct_selection.is_service(offer):
        raise NotFound()
    return offer


def _new_page(offer: catalogue.Offer, form: SelectionForm, status: int = 200,
              refusal: str | None = None) -> Any:
    form.plan_line.choices = [("", "")] + plans.line_choices(
        db.session(), current_user.org_id, offer.category)
    return render("selections/new.html", status, offer=offer, form=form, refusal=refusal)


@bp.get("/new/<key>")
@access(PURCHASERS)
def new(key: str) -> Any:
    offer, org = _service(key), current_user.org
    return _new_page(offer, SelectionForm(unit=offer.unit, delivery_address=org.address,
                                          contact=current_user.display_name, phone=org.phone))


@bp.post("/new/<key>")
@access(PURCHASERS)
def publish(key: str) -> Any:
    offer, form = _service(key), SelectionForm()
    form.plan_line.choices = [("", "")] + plans.line_choices(
        db.session(), current_user.org_id, offer.category)
    if not form.validate_on_submit():
        return _new_page(offer, form, 400, _("请按提示修改后再发布。"))
    session = db.session()
    try:
        selection = direct_selection.publish(
            session, current_user, key[:40],
            *plans.chosen(session, current_user, form.plan_line.data),
            direct_selection.Request(
                requirement=form.requirement.data, quantity=form.quantity.data,
                unit=form.unit.data or "", contact=form.contact.data, phone=form.phone.data,
                office_phone=form.office_phone.data or "",
                delivery_address=form.delivery_address.data),
            beijing_now().date())
    except REFUSALS as refused:
        session.rollback()
        return _new_page(offer, form, refused.status_code, refused.message)
    flash(_("项目已发布，等待供应商报价。"))
    return redirect(url_for(".show", selection_id=selection.id))


def _page(selection: DirectSelection, status: int = 200, refusal: str | None = None,
          **forms: Any) -> Any:
    return render("selections/show.html", status, selection=selection, refusal=refusal,
                  label=direct_selection.label,
                  total=direct_selection.quote_total(selection),
                  may_quote=direct_selection.may_quote(current_user, selection),
                  may_decide=direct_selection.may_decide(current_user, selection),
                  quote_form=forms.get("quote_form") or QuoteForm(),
                  reason_form=forms.get("reason_form") or OrderReasonForm())


@bp.get("/<int:selection_id>")
@access(PARTIES)
def show(selection_id: int) -> Any:
    return _page(direct_selection.load(db.session(), current_user, selection_id))


@bp.post("/<int:selection_id>/<command>")
@access(PARTIES)
def act(selection_id: int, command: str) -> Any:
    session = db.session()
    selection = direct_selection.load(session, current_user, selection_id)
    forms: dict[str, Any] = {}
    if command == "quote":
        form = forms["quote_form"] = QuoteForm()
        valid = form.validate_on_submit()
        def run() -> Any:
            return direct_selection.quote(session, current_user, selection, form.unit_price.data,
                                          form.note.data or "", beijing_now().date())
        done = _("已报价，等待采购单位确认成交结果。")
    elif command == "end":
        reason = forms["reason_form"] = OrderReasonForm()
        valid = reason.validate_on_submit()
        def run() -> Any:
            return direct_selection.end(session, current_user, selection, reason.reason.data)
        done = _("项目已终止。")
    elif command == "confirm":
        valid = FlaskForm().validate_on_submit()
        def run() -> Any:
            return direct_selection.confirm(session, current_user, selection)
        done = _("已确认成交结果，订单已生成，等待供应商起草合同。")
    else:
        raise NotFound()
    if not valid:
        return _page(selection, 400, _("请按提示修改后再提交。"), **forms)
    return carry_out(run, lambda status, message: _page(selection, status, message, **forms),
                     done, lambda result: url_for("orders.show", order_id=result.id)
                     if command == "confirm" else url_for(".show", selection_id=selection.id),
                     REFUSALS)

