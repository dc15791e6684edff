"""响应文件 (seed 000 §二 5): a supplier clerk drafts a lot's response, attaches PDFs, checks,
self-tests the decryption, submits (seal + encrypt, PIN), downloads the receipt, withdraws."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms import SelectChoice

from portal import db, uploads
from portal.domain import participation, products, receipts, responses
from portal.domain.errors import DomainError, InvalidInput
from portal.forms import PinForm, ReceiptCheckForm, ResponseAttachmentForm, ResponseForm
from portal.models import OrgKind, Project, beijing_now
from portal.models import Response as SupplierResponse
from portal.policy import SIGNED_IN, Access, access
from portal.web import render

bp = Blueprint("responses", __name__, url_prefix="/responses")
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))


def _call(project_id: int) -> responses.Call:
    """The project's call, for a supplier that joined it; 404 otherwise."""
    session = db.session()
    project = session.get(Project, project_id)
    if project is None or participation.of_org(session, current_user.org_id, project) is None:
        raise NotFound()
    call = responses.call_of(session, project)
    if call is None:
        raise NotFound()
    return call


def _lot_page(call: responses.Call, lot: str, status: int = 200, form: ResponseForm | None = None,
              refusal: str | None = None) -> Any:
    found = responses.find(db.session(), current_user.org_id, call, lot)
    form = _form(call, lot, form or ResponseForm(data=(found.answers if found else None) or {}))
    return render("responses/lot.html", status, call=call, lot=call.lot(lot), response=found,
                  form=form, upload=ResponseAttachmentForm(), pin_form=PinForm(),
                  stocked=len(form.product_id.choices or []) > 1,
                  refusal=refusal, now=beijing_now(), slots=responses.SLOTS,
                  may_respond=responses.may_respond(db.session(), current_user, call.project))


def _form(call: responses.Call, lot: str, form: ResponseForm) -> ResponseForm:
    """The form with the supplier's stocked products of the lot's 品目 to choose from."""
    category = str(call.lot(lot).get("category", ""))
    form.product_id.choices = [SelectChoice("", _("请选择")), *(
        SelectChoice(str(p.id), f"{p.label}（{p.unit}）")
        for p in products.stocked_for(db.session(), current_user.org, category))]
    return form


@bp.get("/<int:project_id>")
@access(SUPPLIERS)
def index(project_id: int) -> Any:
    call = _call(project_id)
    mine = responses.of_supplier(db.session(), current_user.org_id, call)
    return render("responses/index.html", call=call, mine=mine, now=beijing_now())


@bp.get("/<int:project_id>/<lot>")
@access(SUPPLIERS)
def lot(project_id: int, lot: str) -> Any:
    return _lot_page(_call(project_id), lot)


@bp.post("/<int:project_id>/<lot>")
@access(SUPPLIERS)
def save(project_id: int, lot: str) -> Any:
    call, form = _call(project_id), ResponseForm()
    if not form.validate_on_submit():
        return _lot_page(call, lot, 400, form)
    try:
        response = responses.draft_for(db.session(), current_user, call.project, lot)
        responses.save_answers(db.session(), current_user, response, form.data, beijing_now())
    except DomainError as refused:
        return _lot_page(call, lot, refused.status_code, form, refused.message)
    flash(_("已保存第%(lot)s包的响应内容。", lot=lot))
    return redirect(url_for(".lot", project_id=project_id, lot=lot))


@bp.post("/<int:project_id>/<lot>/attachments")
@access(SUPPLIERS)
def attach(project_id: int, lot: str) -> Any:
    call, form = _call(project_id), ResponseAttachmentForm()
    if not form.validate_on_submit():
        return _lot_page(call, lot, 400, refusal=_("请选择附件类别和 PDF 文件。"))
    try:
        content = uploads.checked_pdf(form.file.data)
        response = responses.draft_for(db.session(), current_user, call.project, lot)
        responses.attach(db.session(), current_user, response, form.slot.data,
                         form.file.data.filename or "附件.pdf", content, beijing_now())
    except DomainError as refused:
        return _lot_page(call, lot, refused.status_code, refusal=refused.message)
    flash(_("已上传%(what)s。", what=responses.SLOTS[form.slot.data]))
    return redirect(url_for(".lot", project_id=project_id, lot=lot))


def _mine(call: responses.Call, lot: str) -> SupplierResponse:
    found = responses.find(db.session(), current_user.org_id, call, lot)
    if found is None:
        raise NotFound()
    return found


PROBE = "probe"  # the self-test's PIN field, beside the submission's on the same page


def _check_page(call: responses.Call, lot: str, status: int = 200, refusal: str | None = None,
                pin_form: PinForm | None = None) -> Any:
    response = _mine(call, lot)
    probe = pin_form if pin_form is not None and pin_form._prefix else PinForm(prefix=PROBE)
    submit_form = pin_form if pin_form is not None and not pin_form._prefix else PinForm()
    return render("responses/check.html", status, call=call, lot=call.lot(lot),
                  response=response, missing=responses.missing(response), refusal=refusal,
                  pin_form=submit_form, probe_form=probe, slots=responses.SLOTS,
                  now=beijing_now())


@bp.get("/<int:project_id>/<lot>/check")
@access(SUPPLIERS)
def check(project_id: int, lot: str) -> Any:
    return _check_page(_call(project_id), lot)


def _with_pin(project_id: int, lot: str, command: Any, done: str, page: Any,
              prefix: str = "") -> Any:
    call, form = _call(project_id), PinForm(prefix=prefix)
    if not form.validate_on_submit():
        return page(call, lot, 400, pin_form=form)
    try:
        command(db.session(), current_user, _mine(call, lot), form.pin.data)
    except DomainError as refused:
        return page(call, lot, refused.status_code, refusal=refused.message)
    flash(done)
    return None


@bp.post("/<int:project_id>/<lot>/self-test")
@access(SUPPLIERS)
def self_test(project_id: int, lot: str) -> Any:
    failed = _with_pin(project_id, lot, responses.self_test,
                       _("模拟解密成功：证书密码正确，响应文件可以用本单位证书解开。"), _check_page,
                       PROBE)
    return failed or redirect(url_for(".check", project_id=project_id, lot=lot))


@bp.post("/<int:project_id>/<lot>/submit")
@access(SUPPLIERS)
def submit(project_id: int, lot: str) -> Any:
    def command(session: Any, actor: Any, response: Any, pin: str) -> None:
        responses.submit(session, actor, response, pin, beijing_now())

    failed = _with_pin(project_id, lot, command,
                       _("响应文件已签章、加密并提交；请下载回执妥善保存。"), _check_page)
    return failed or redirect(url_for(".lot", project_id=project_id, lot=lot))


@bp.post("/<int:project_id>/<lot>/withdraw")
@access(SUPPLIERS)
def withdraw(project_id: int, lot: str) -> Any:
    def command(session: Any, actor: Any, response: Any, pin: str) -> None:
        responses.withdraw(session, actor, response, pin, beijing_now())

    def page(call: responses.Call, lot: str, status: int = 200, refusal: str | None = None,
             pin_form: PinForm | None = None) -> Any:
        return _lot_page(call, lot, status, refusal=refusal or _("请输入证书密码。"))

    failed = _with_pin(project_id, lot, command,
                       _("响应文件已撤回（视为未提交），可修改后重新提交。"), page)
    return failed or redirect(url_for(".lot", project_id=project_id, lot=lot))


@bp.get("/<int:project_id>/<lot>/receipt.json")
@access(SUPPLIERS)
def receipt(project_id: int, lot: str) -> Any:
    call = _call(project_id)
    body = json.dumps(receipts.receipt_of(_mine(call, lot)), ensure_ascii=False, indent=2)
    download = Response(body, mimetype="application/json")
    name = f"receipt-{call.project.number}-{lot}.json"
    download.headers["Content-Disposition"] = f"attachment; filename={name}"
    return download


@bp.route("/receipts/check", methods=["GET", "POST"])
@access(SIGNED_IN)
def check_receipt() -> Any:
    form, result, refusal, status = ReceiptCheckForm(), None, None, 200
    if form.validate_on_submit():
        try:
            raw = uploads.read_upload(form.file.data, 64 * 1024)
            try:
                receipt = json.loads(raw)
            except ValueError:
                raise InvalidInput(_("回执文件格式错误。")) from None
            if not isinstance(receipt, dict):
                raise InvalidInput(_("回执文件格式错误。"))
            result = receipts.check_receipt(db.session(), receipt)
        except DomainError as refused:
            refusal, status = refused.message, refused.status_code
    return render("responses/receipt_check.html", status, form=form, result=result,
                  refusal=refusal)
