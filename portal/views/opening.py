"""开标大厅 (seed 000 §一 12, §二 6): the opener opens a lot with a decryption window, each
supplier decrypts its own response, everyone present watches the progress (HTMX polling),
then the 开标记录表 is generated, confirmed or objected to, and answered."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from portal import db
from portal.domain import opening, opening_record, responses
from portal.domain.errors import DomainError
from portal.forms import AnswerForm, ObjectionForm, OpenLotForm, PinForm
from portal.models import LotOpening, OpeningConfirmation, OrgKind, Project, beijing_now
from portal.policy import SIGNED_IN, Access, access
from portal.web import render

bp = Blueprint("opening", __name__, url_prefix="/opening")
OPENERS = Access(roles=frozenset({OrgKind.agency, OrgKind.collector}))
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))


def _call(project_id: int) -> responses.Call:
    session = db.session()
    project = session.get(Project, project_id)
    if project is None or not opening.may_attend(session, current_user, project):
        raise NotFound()
    call = responses.call_of(session, project)
    if call is None:
        raise NotFound()
    return call


def _hall(call: responses.Call, lot: str, status: int = 200, refusal: str | None = None,
          block: str = "content", **forms: Any) -> Any:
    session = db.session()
    found = opening.opening_of(session, call, call.lot(lot)["number"])
    progress = opening.progress(session, found) if found else None
    confirmations = opening_record.confirmations(session, found) if found else {}
    return render("opening/hall.html", status, block=block, call=call, lot=call.lot(lot),
                  found=found, progress=progress, confirmations=confirmations,
                  opener=opening.may_open(current_user, call.project), refusal=refusal,
                  now=beijing_now(), open_form=forms.get("open_form") or OpenLotForm(),
                  pin_form=forms.get("pin_form") or PinForm(),
                  objection_form=forms.get("objection_form") or ObjectionForm(),
                  answer_form=AnswerForm(), submitted_before=call.deadline <= beijing_now())


@bp.get("/<int:project_id>")
@access(SIGNED_IN)
def index(project_id: int) -> Any:
    call = _call(project_id)
    found = {lot["number"]: opening.opening_of(db.session(), call, lot["number"])
             for lot in call.lots}
    return render("opening/index.html", call=call, found=found, now=beijing_now())


@bp.get("/<int:project_id>/<lot>")
@access(SIGNED_IN)
def hall(project_id: int, lot: str) -> Any:
    return _hall(_call(project_id), lot)


@bp.get("/<int:project_id>/<lot>/progress")
@access(SIGNED_IN)
def progress(project_id: int, lot: str) -> Any:
    """The hall's progress block, polled by everyone present."""
    return _hall(_call(project_id), lot, block="progress")


def _opening(call: responses.Call, lot: str) -> LotOpening:
    found = opening.opening_of(db.session(), call, call.lot(lot)["number"])
    if found is None:
        raise NotFound()
    return found


def _back(project_id: int, lot: str, message: str) -> Any:
    flash(message)
    return redirect(url_for(".hall", project_id=project_id, lot=lot))


@bp.post("/<int:project_id>/<lot>/open")
@access(OPENERS)
def open_lot(project_id: int, lot: str) -> Any:
    call, form = _call(project_id), OpenLotForm()
    if not form.validate_on_submit():
        return _hall(call, lot, 400, open_form=form)
    try:
        opening.open_lot(db.session(), current_user, call.project, lot, form.minutes.data,
                         beijing_now())
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message, open_form=form)
    return _back(project_id, lot, _("已开标，解密时限 %(n)s 分钟。", n=form.minutes.data))


@bp.post("/<int:project_id>/<lot>/decrypt")
@access(SUPPLIERS)
def decrypt(project_id: int, lot: str) -> Any:
    call, form = _call(project_id), PinForm()
    if not form.validate_on_submit():
        return _hall(call, lot, 400, pin_form=form)
    try:
        opening.decrypt(db.session(), current_user, _opening(call, lot), form.pin.data)
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message)
    return _back(project_id, lot, _("本单位响应文件已解密。"))


@bp.post("/<int:project_id>/<lot>/confirm")
@access(SUPPLIERS)
def confirm(project_id: int, lot: str) -> Any:
    call = _call(project_id)
    try:
        opening_record.confirm(db.session(), current_user, _opening(call, lot), None)
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message)
    return _back(project_id, lot, _("已确认开标记录表。"))


@bp.post("/<int:project_id>/<lot>/objection")
@access(SUPPLIERS)
def objection(project_id: int, lot: str) -> Any:
    call, form = _call(project_id), ObjectionForm()
    if not form.validate_on_submit():
        return _hall(call, lot, 400, objection_form=form)
    try:
        opening_record.confirm(db.session(), current_user, _opening(call, lot), form.objection.data)
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message, objection_form=form)
    return _back(project_id, lot, _("已提出异议，等待代理机构答复。"))


@bp.post("/<int:project_id>/<lot>/answer/<int:confirmation_id>")
@access(OPENERS)
def answer(project_id: int, lot: str, confirmation_id: int) -> Any:
    call, form = _call(project_id), AnswerForm()
    row = db.session().get(OpeningConfirmation, confirmation_id)
    if row is None:
        raise NotFound()
    if not form.validate_on_submit():
        return _hall(call, lot, 400, _("请填写答复（不超过 1000 字）。"))
    try:
        opening_record.answer(db.session(), current_user, call.project, _opening(call, lot), row,
                       form.answer.data)
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message)
    return _back(project_id, lot, _("已答复异议，答复已写入开标记录表。"))


@bp.post("/<int:project_id>/<lot>/record")
@access(OPENERS)
def record(project_id: int, lot: str) -> Any:
    call = _call(project_id)
    try:
        doc = opening_record.generate_record(db.session(), current_user, call.project,
                                      _opening(call, lot))
    except DomainError as refused:
        return _hall(call, lot, refused.status_code, refused.message)
    flash(_("已生成开标记录表；供应商确认、异议答复后提交并盖章。"))
    return redirect(url_for("documents.show", document_id=doc.id))
