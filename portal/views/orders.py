"""订单管理 (issue 15): both sides' orders, one order's page with its lines, state, history and
the commands its side may give now, and its files."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from portal import db, uploads
from portal.domain import contract_filing, order_contracts, orders
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.errors import NotFound as DomainNotFound
from portal.models import Order, OrgKind
from portal.order_forms import FileForm, FilingForm, OrderReasonForm, PaymentForm, ShipForm
from portal.policy import Access, access
from portal.web import carry_out, render, stored_file

bp = Blueprint("orders", __name__, url_prefix="/orders")
PARTIES = Access(roles=frozenset({OrgKind.purchaser, OrgKind.supplier}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Forbidden)
FILES = {"invoice": ("invoice_sha256", "发票"), "acceptance": ("acceptance_sha256", "验收单"),
         "payment": ("payment_sha256", "支付凭证")}


@bp.get("")
@access(PARTIES)
def index() -> Any:
    return render("orders/index.html", orders=orders.of_org(db.session(), current_user.org_id),
                  label=orders.label)


def _page(order: Order, status: int = 200, refusal: str | None = None, **forms: Any) -> Any:
    return render("orders/show.html", status, order=order, refusal=refusal,
                  label=orders.label, allowed=orders.allowed(current_user, order),
                  side=orders.side_of(current_user, order),
                  history=orders.steps(db.session(), order),
                  contract=order_contracts.contract_of(db.session(), order),
                  contract_state=order_contracts.state(db.session(), order),
                  may_draft_contract=order_contracts.may_draft(current_user, order),
                  sealed=order_contracts.is_sealed(db.session(), order),
                  announcement=order_contracts.announcement_of(db.session(), order),
                  announce_by=order_contracts.announcement_deadline(db.session(), order),
                  filing=contract_filing.of_order(db.session(), order),
                  filing_label=lambda status: contract_filing.LABELS[status],
                  may_file=contract_filing.may_file(current_user, order),
                  filing_form=forms.get("filing_form") or _filing_form(order),
                  reason_form=forms.get("reason_form") or OrderReasonForm(),
                  ship_form=forms.get("ship_form") or ShipForm(),
                  file_form=forms.get("file_form") or FileForm(),
                  payment_form=forms.get("payment_form") or PaymentForm())


def _filing_form(order: Order, formdata: Any = None) -> FilingForm:
    """The plan lines of the order's 品目, the order's own first and chosen."""
    form = FilingForm(formdata=formdata, plan_line=f"{order.plan_id}:{order.plan_line}")
    form.plan_line.choices = plans.line_choices(db.session(), order.purchaser_org_id,
                                                order.lines[0].category)
    return form


@bp.get("/<int:order_id>")
@access(PARTIES)
def show(order_id: int) -> Any:
    return _page(orders.load(db.session(), current_user, order_id))


def _act(order: Order, command: Any, done: str, **forms: Any) -> Any:
    return carry_out(command, lambda status, message: _page(order, status, message, **forms),
                     done, lambda _result: url_for(".show", order_id=order.id), REFUSALS)


@bp.post("/<int:order_id>/<command>")
@access(PARTIES)
def act(order_id: int, command: str) -> Any:
    session = db.session()
    order = orders.load(session, current_user, order_id)
    if command in ("send", "accept", "receive"):
        if not FlaskForm().validate_on_submit():
            return _page(order, 400, _("表单已过期，请刷新页面后重试。"))
        simple = {"send": orders.send, "accept": orders.accept, "receive": orders.receive}[command]
        return _act(order, lambda: simple(session, current_user, order), _("订单已更新。"))
    if command in ("cancel", "return"):
        form = OrderReasonForm()
        if not form.validate_on_submit():
            return _page(order, 400, _("请填写原因。"), reason_form=form)
        with_reason = orders.cancel if command == "cancel" else orders.return_order
        return _act(order, lambda: with_reason(session, current_user, order, form.reason.data),
                    _("订单已更新。"), reason_form=form)
    if command in ("contract", "announcement"):
        return _draft(order, command)
    if command == "filing":
        return _file(order)
    if command == "ship":
        return _ship(order)
    if command == "acceptance":
        return _acceptance(order)
    if command == "payment":
        return _payment(order)
    raise NotFound()


def _draft(order: Order, which: str) -> Any:
    """起草合同 (the seller) or 起草合同公告 (the purchaser), then on to the document."""
    if not FlaskForm().validate_on_submit():
        return _page(order, 400, _("表单已过期，请刷新页面后重试。"))
    draft = order_contracts.draft if which == "contract" else order_contracts.draft_announcement
    try:
        doc = draft(db.session(), current_user, order)
    except REFUSALS as refused:
        return _page(order, refused.status_code, refused.message)
    return redirect(url_for("documents.show", document_id=doc.id))


def _file(order: Order) -> Any:
    """合同备案 against the chosen plan line."""
    form = _filing_form(order, request.form)
    if not form.validate_on_submit():
        return _page(order, 400, _("请选择采购计划明细。"), filing_form=form)
    session = db.session()
    try:
        filing = contract_filing.file(session, current_user, order,
                                      *plans.chosen(session, current_user, form.plan_line.data))
    except (*REFUSALS, DomainNotFound) as refused:
        session.rollback()
        return _page(order, refused.status_code, refused.message, filing_form=form)
    flash(_("合同已报送备案，等待财政部门审核。"))
    return redirect(url_for("filings.show", filing_id=filing.id))


def _pdf(field: Any) -> tuple[str, bytes]:
    """The uploaded file's name and bytes, once checked as a well-formed PDF."""
    content = uploads.checked_pdf(field.data)
    return field.data.filename, content


def _ship(order: Order) -> Any:
    form = ShipForm()
    if not form.validate_on_submit():
        return _page(order, 400, _("请按提示修改后再发货。"), ship_form=form)
    def ship() -> None:
        name, invoice = _pdf(form.invoice)
        orders.ship(db.session(), current_user, order, company=form.company.data,
                    tracking=form.tracking.data, invoice_name=name, invoice=invoice)

    return _act(order, ship, _("已发货。"), ship_form=form)


def _acceptance(order: Order) -> Any:
    form = FileForm()
    if not form.validate_on_submit():
        return _page(order, 400, _("表单已过期，请刷新页面后重试。"), file_form=form)
    return _act(order, lambda: orders.upload_acceptance(
        db.session(), current_user, order, *_pdf(form.report)), _("已上传验收单。"),
        file_form=form)


def _payment(order: Order) -> Any:
    form = PaymentForm()
    if not form.validate_on_submit():
        return _page(order, 400, _("请按提示修改后再上传。"), payment_form=form)
    try:
        amount = Decimal(form.amount.data.replace(",", ""))
    except InvalidOperation:
        return _page(order, 400, _("支付金额须为数字。"), payment_form=form)
    return _act(order, lambda: orders.upload_payment(
        db.session(), current_user, order, *_pdf(form.voucher), amount, form.paid_on.data),
        _("已上传支付凭证。"), payment_form=form)


@bp.get("/<int:order_id>/files/<which>.pdf")
@access(PARTIES)
def file(order_id: int, which: str) -> Any:
    order = orders.load(db.session(), current_user, order_id)
    column, name = FILES.get(which, (None, ""))
    sha256 = getattr(order, column) if column else None
    if not sha256:
        raise NotFound()
    return stored_file(sha256, "pdf", f"{order.number}-{name}.pdf")
