"""非入围合同授予 (issue 16): the purchaser applies from a product's page, the collector's clerk
approves or rejects it, and an approved application becomes a 二次竞价."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import db, uploads
from portal.domain import awards, catalogue
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.errors import NotFound as DomainNotFound
from portal.models import NonShortlistedAward, OrgKind, beijing_now
from portal.order_forms import AwardDecisionForm, AwardForm
from portal.policy import Access, access
from portal.web import render, stored_file

bp = Blueprint("awards", __name__, url_prefix="/awards")
PURCHASERS = Access(roles=frozenset({OrgKind.purchaser}))
READERS = Access(roles=frozenset({OrgKind.purchaser, OrgKind.collector}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Forbidden, DomainNotFound)


@bp.get("")
@access(READERS)
def index() -> Any:
    return render("awards/index.html", awards=awards.of_org(db.session(), current_user.org_id),
                  label=awards.label)


def _offer(key: str) -> catalogue.Offer:
    """The goods offer this starts from (its project and lot)."""
    return catalogue.goods_offer(db.session(), current_user.org, key[:40], beijing_now().date())


def _new_page(offer: catalogue.Offer, form: AwardForm, status: int = 200,
              refusal: str | None = None) -> Any:
    form.supplier.choices = [(0, "")] + [
        (o.id, o.name) for o in awards.candidates(db.session(), offer.shortlisted)]
    return render("awards/new.html", status, offer=offer, form=form, refusal=refusal)


@bp.get("/new/<key>")
@access(PURCHASERS)
def new(key: str) -> Any:
    return _new_page(_offer(key), AwardForm())


@bp.post("/new/<key>")
@access(PURCHASERS)
def apply(key: str) -> Any:
    offer, form = _offer(key), AwardForm()
    form.supplier.choices = [(0, "")] + [
        (o.id, o.name) for o in awards.candidates(db.session(), offer.shortlisted)]
    if not form.validate_on_submit():
        return _new_page(offer, form, 400, _("请按提示修改后再提交。"))
    session = db.session()
    try:
        evidence = uploads.checked_pdf(form.evidence.data)
        award = awards.apply(session, current_user, key[:40], form.supplier.data,
                             form.quantity.data, form.controlled_price.data, form.reason.data,
                             form.evidence.data.filename, evidence, beijing_now().date())
    except REFUSALS as refused:
        session.rollback()
        return _new_page(offer, form, refused.status_code, refused.message)
    flash(_("申请已提交，等待征集人审核。"))
    return redirect(url_for(".show", award_id=award.id))


def _page(award: NonShortlistedAward, status: int = 200, refusal: str | None = None,
          form: AwardDecisionForm | None = None) -> Any:
    return render("awards/show.html", status, award=award, refusal=refusal,
                  label=awards.label, may_decide=awards.may_decide(current_user, award),
                  bidding=awards.bidding_of(db.session(), award),
                  form=form or AwardDecisionForm())


@bp.get("/<int:award_id>")
@access(READERS)
def show(award_id: int) -> Any:
    return _page(awards.load(db.session(), current_user, award_id))


@bp.get("/<int:award_id>/evidence.pdf")
@access(READERS)
def evidence(award_id: int) -> Any:
    award = awards.load(db.session(), current_user, award_id)
    return stored_file(award.evidence_sha256, "pdf", award.evidence_filename)


@bp.post("/<int:award_id>/decide")
@access(READERS)
def decide(award_id: int) -> Any:
    session = db.session()
    award = awards.load(session, current_user, award_id)
    form = AwardDecisionForm()
    if not form.validate_on_submit():
        return _page(award, 400, _("表单已过期，请刷新页面后重试。"), form)
    approve = request.form.get("decision") == "approve"
    try:
        awards.decide(session, current_user, award, approve, form.note.data or "")
    except REFUSALS as refused:
        session.rollback()
        return _page(award, refused.status_code, refused.message, form)
    flash(_("已审核通过。") if approve else _("已审核不通过。"))
    return redirect(url_for(".show", award_id=award.id))
