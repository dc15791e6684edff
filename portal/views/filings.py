"""合同备案 (issue 15): the regulator's filings to receive or return, and the page of one filing
(its contract's data, the sealed PDF as its main document) for the regulator and the order's
parties."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import db
from portal.domain import contract_filing
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import ContractFiling, Document, OrgKind
from portal.order_forms import OrderReasonForm
from portal.policy import Access, access
from portal.web import render, stored_file

bp = Blueprint("filings", __name__, url_prefix="/filings")
REGULATORS = Access(roles=frozenset({OrgKind.regulator}))
READERS = Access(roles=frozenset({OrgKind.regulator, OrgKind.purchaser, OrgKind.supplier}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Forbidden)


@bp.get("")
@access(REGULATORS)
def index() -> Any:
    return render("filings/index.html",
                  filings=contract_filing.for_regulator(db.session(), current_user),
                  labels=contract_filing.LABELS)


def _page(filing: ContractFiling, status: int = 200, refusal: str | None = None,
          reason_form: OrderReasonForm | None = None) -> Any:
    plan = db.session().get(Document, filing.plan_id)
    return render("filings/show.html", status, filing=filing, refusal=refusal,
                  labels=contract_filing.LABELS, plan_title=plan.title if plan else "",
                  may_decide=contract_filing.may_decide(current_user, filing),
                  reason_form=reason_form or OrderReasonForm())


@bp.get("/<int:filing_id>")
@access(READERS)
def show(filing_id: int) -> Any:
    return _page(contract_filing.load(db.session(), current_user, filing_id))


@bp.get("/<int:filing_id>/contract.pdf")
@access(READERS)
def contract_pdf(filing_id: int) -> Any:
    filing = contract_filing.load(db.session(), current_user, filing_id)
    return stored_file(filing.pdf_sha256, "pdf", f"{filing.contract_number}-采购合同.pdf")


@bp.post("/<int:filing_id>/receive")
@access(REGULATORS)
def receive(filing_id: int) -> Any:
    session = db.session()
    filing = contract_filing.load(session, current_user, filing_id)
    if not FlaskForm().validate_on_submit():
        return _page(filing, 400, _("表单已过期，请刷新页面后重试。"))
    try:
        contract_filing.receive(session, current_user, filing)
    except REFUSALS as refused:
        session.rollback()
        return _page(filing, refused.status_code, refused.message)
    flash(_("合同已备案。"))
    return redirect(url_for(".show", filing_id=filing.id))


@bp.post("/<int:filing_id>/return")
@access(REGULATORS)
def return_filing(filing_id: int) -> Any:
    session = db.session()
    filing = contract_filing.load(session, current_user, filing_id)
    form = OrderReasonForm()
    if not form.validate_on_submit():
        return _page(filing, 400, _("退回备案时必须填写退回原因。"), reason_form=form)
    try:
        contract_filing.return_filing(session, current_user, filing, form.reason.data)
    except REFUSALS as refused:
        session.rollback()
        return _page(filing, refused.status_code, refused.message, reason_form=form)
    flash(_("已退回合同备案。"))
    return redirect(url_for(".show", filing_id=filing.id))
