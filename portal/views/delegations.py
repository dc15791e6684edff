"""委托代理商 (seed 000 §二 9, §一 16.1, §四 2): the shortlisted supplier delegates, the collector
confirms or rejects, the supplier sets delivery regions, the reseller sets its price."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal import db, uploads
from portal.agreement_forms import DelegateForm, PriceForm, ReasonForm, RegionsForm
from portal.domain import delegations
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.models import Organisation, OrgKind, Region, ResellerDelegation, ShortlistedSupplier
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("delegations", __name__, url_prefix="/delegations")
PARTIES = Access(roles=frozenset({OrgKind.supplier, OrgKind.collector}))
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))
COLLECTORS = Access(roles=frozenset({OrgKind.collector}))
REFUSALS = (InvalidInput, TransitionNotAllowed)


def _regions() -> list[Region]:
    return list(db.session().scalars(select(Region).order_by(Region.code)))


def _page(status: int = 200, refusal: str | None = None, **forms: Any) -> Any:
    session = db.session()
    resellers = delegations.resellers(session)
    delegate_form = forms.get("delegate") or DelegateForm()
    delegate_form.reseller.choices = [(0, _("请选择代理商"))] + [(o.id, o.name) for o in resellers]
    return render(
        "delegations/index.html", status, refusal=refusal, delegate_form=delegate_form,
        mine=delegations.shortlisted_of_org(session, current_user.org_id)
        if current_user.role is OrgKind.supplier else [],
        of_shortlisted=lambda s: delegations.of_shortlisted(session, s),
        received=delegations.for_reseller(session, current_user.org_id),
        to_decide=delegations.for_collector(session, current_user.org_id)
        if current_user.role is OrgKind.collector else [],
        regions=_regions(), regions_form=forms.get("regions") or RegionsForm(),
        price_form=forms.get("price") or PriceForm(), reject_form=forms.get("reject")
        or ReasonForm(), failed=forms.get("failed"), counting=delegations.counting,
        may_delegate=delegations.may_delegate, may_decide=delegations.may_decide)


@bp.get("")
@access(PARTIES)
def index() -> Any:
    return _page()


def _delegation(delegation_id: int) -> ResellerDelegation:
    """A delegation its supplier, its reseller or its project's collector may see."""
    d = db.session().get(ResellerDelegation, delegation_id)
    if d is None or current_user.org_id not in (
            d.shortlisted.supplier_org_id, d.reseller_org_id,
            d.shortlisted.project.collector_org_id):
        raise NotFound()
    return d


@bp.post("/shortlisted/<int:supplier_id>")
@access(SUPPLIERS)
def delegate(supplier_id: int) -> Any:
    s = db.session().get(ShortlistedSupplier, supplier_id)
    if s is None or s.supplier_org_id != current_user.org_id:
        raise NotFound()
    form = DelegateForm()
    form.reseller.choices = [(0, "")] + [(o.id, o.name) for o in
                                         delegations.resellers(db.session())]
    if not form.validate_on_submit():
        return _page(400, delegate=form, failed=s.id)
    try:
        letter = uploads.checked_pdf(form.letter.data)
        delegations.delegate(db.session(), current_user, s,
                             db.session().get(Organisation, form.reseller.data),
                             form.letter.data.filename, letter)
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message, delegate=form, failed=s.id)
    flash(_("已上传委托协议，等待征集人确认委托结果。"))
    return redirect(url_for(".index"))


@bp.post("/<int:delegation_id>/confirm")
@access(COLLECTORS)
def confirm(delegation_id: int) -> Any:
    d = _delegation(delegation_id)
    try:
        delegations.confirm(db.session(), current_user, d)
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message)
    flash(_("已确认委托结果：%(name)s。", name=d.reseller.name))
    return redirect(_back())


@bp.post("/<int:delegation_id>/reject")
@access(COLLECTORS)
def reject(delegation_id: int) -> Any:
    d, form = _delegation(delegation_id), ReasonForm()
    if not form.validate_on_submit():
        return _page(400, reject=form, failed=d.id)
    try:
        delegations.reject(db.session(), current_user, d, form.reason.data)
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message, reject=form, failed=d.id)
    flash(_("委托未通过，已告知供应商原因。"))
    return redirect(_back())


@bp.post("/<int:delegation_id>/withdraw")
@access(SUPPLIERS)
def withdraw(delegation_id: int) -> Any:
    d = _delegation(delegation_id)
    try:
        delegations.withdraw(db.session(), current_user, d)
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message)
    flash(_("已撤销委托。"))
    return redirect(url_for(".index"))


@bp.post("/<int:delegation_id>/regions")
@access(SUPPLIERS)
def regions(delegation_id: int) -> Any:
    d, form = _delegation(delegation_id), RegionsForm()
    form.regions.choices = [(r.id, r.name) for r in _regions()]
    if not form.validate_on_submit():
        return _page(400, regions=form, failed=d.id)
    try:
        delegations.set_regions(db.session(), current_user, d, form.regions.data or [])
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message, regions=form, failed=d.id)
    flash(_("已设置代理商配送范围。"))
    return redirect(url_for(".index"))


@bp.post("/<int:delegation_id>/price")
@access(SUPPLIERS)
def price(delegation_id: int) -> Any:
    d, form = _delegation(delegation_id), PriceForm()
    if not form.validate_on_submit():
        return _page(400, price=form, failed=d.id)
    try:
        delegations.set_price(db.session(), current_user, d,
                              delegations.parse_price(form.price.data or ""))
    except REFUSALS as refused:
        return _page(refused.status_code, refused.message, price=form, failed=d.id)
    flash(_("报价已提交，产品已上架。"))
    return redirect(url_for(".index"))


@bp.get("/<int:delegation_id>/letter.pdf")
@access(PARTIES)
def letter(delegation_id: int) -> Any:
    d = _delegation(delegation_id)
    response = Response(d.letter, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=delegation-{d.id}.pdf"
    return response


def _back() -> str:
    """Back to the supplier's page in 入围供应商管理 when the decision was taken there."""
    target = request.form.get("back", "")
    return target if target.startswith("/shortlisted/") else url_for(".index")
