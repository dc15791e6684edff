"""入围供应商管理 (seed 001 §1.3.1.3): a project's shortlisted suppliers per lot, their contacts,
暂停 / 恢复 / 清退 with a reason, their history and their resellers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from portal import db
from portal.agreement_forms import ContactsForm, ReasonForm, StatusForm
from portal.domain import delegations
from portal.domain import shortlisted_admin as admin
from portal.domain.errors import Conflict, InvalidInput, TransitionNotAllowed
from portal.models import OrgKind, Project, ShortlistedSupplier
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("shortlisted", __name__, url_prefix="/shortlisted")
ORGANISERS = Access(roles=frozenset({OrgKind.collector, OrgKind.agency}))
REFUSALS = (InvalidInput, TransitionNotAllowed, Conflict)


@bp.get("")
@access(ORGANISERS)
def index() -> Any:
    return render("shortlisted/index.html",
                  projects=admin.managed_projects(db.session(), current_user))


def _project(project_id: int) -> Project:
    project = db.session().get(Project, project_id)
    if project is None or not admin.may_view(current_user, project):
        raise NotFound()
    return project


@bp.get("/projects/<int:project_id>")
@access(ORGANISERS)
def project(project_id: int) -> Any:
    found = _project(project_id)
    rows = admin.of_project(db.session(), found)
    return render("shortlisted/project.html", project=found, lots=admin.by_lot(rows),
                  may_manage=admin.may_manage(current_user, found))


def _supplier(supplier_id: int) -> ShortlistedSupplier:
    s = db.session().get(ShortlistedSupplier, supplier_id)
    if s is None or not admin.may_view(current_user, s.project):
        raise NotFound()
    return s


def _page(s: ShortlistedSupplier, status: int = 200, refusal: str | None = None,
          contacts: ContactsForm | None = None, change: StatusForm | None = None) -> Any:
    session = db.session()
    contacts = contacts or ContactsForm(address=s.address, contact=s.contact, phone=s.phone,
                                        version=s.version)
    return render("shortlisted/show.html", status, s=s, contacts=contacts,
                  change=change or StatusForm(version=s.version), refusal=refusal,
                  commands=[c for c in admin.COMMANDS if (s.status, c) in admin.TRANSITIONS],
                  may_manage=admin.may_manage(current_user, s.project),
                  history=admin.history(session, s),
                  delegations=delegations.of_shortlisted(session, s), reject_form=ReasonForm(),
                  may_decide=delegations.may_decide)


@bp.get("/<int:supplier_id>")
@access(ORGANISERS)
def show(supplier_id: int) -> Any:
    return _page(_supplier(supplier_id))


@bp.post("/<int:supplier_id>/contacts")
@access(ORGANISERS)
def contacts(supplier_id: int) -> Any:
    s, form = _supplier(supplier_id), ContactsForm()
    if not form.validate_on_submit():
        return _page(s, 400, contacts=form)
    try:
        admin.update_contacts(db.session(), current_user, s, address=form.address.data,
                              contact=form.contact.data, phone=form.phone.data,
                              version=_version(form.version.data))
    except REFUSALS as refused:
        return _page(s, refused.status_code, refused.message, contacts=form)
    flash(_("联系信息已更新。"))
    return redirect(url_for(".show", supplier_id=s.id))


@bp.post("/<int:supplier_id>/status")
@access(ORGANISERS)
def change_status(supplier_id: int) -> Any:
    s, form = _supplier(supplier_id), StatusForm()
    if not form.validate_on_submit():
        return _page(s, 400, change=form)
    try:
        notice = admin.change_status(db.session(), current_user, s, form.command.data or "",
                                     form.reason.data, version=_version(form.version.data))
    except REFUSALS as refused:
        return _page(s, refused.status_code, refused.message, change=form)
    flash(_("已办理，并已起草公告，请完善后提交审核并发布。") if notice else _("已恢复入围资格。"))
    return redirect(url_for(".show", supplier_id=s.id))


def _version(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
