"""开放式框架协议申请 (seed 000 §一 17): suppliers apply to join an open agreement during its
term; the agency (or the collector running the project itself) admits them or not."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from portal import db, uploads
from portal.agreement_forms import ApplyForm, ReasonForm
from portal.domain import delegations
from portal.domain import open_applications as oa
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.models import OpenApplication, OrgKind, Project, beijing_now
from portal.policy import Access, access
from portal.web import render

bp = Blueprint("open_applications", __name__, url_prefix="/open-applications")
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))
ORGANISERS = Access(roles=frozenset({OrgKind.collector, OrgKind.agency}))
EVERYONE = Access(roles=frozenset({OrgKind.supplier, OrgKind.collector, OrgKind.agency}))
REFUSALS = (InvalidInput, TransitionNotAllowed)


@bp.get("")
@access(EVERYONE)
def index() -> Any:
    return _index()


def _index(status: int = 200, refusal: str | None = None, form: ReasonForm | None = None,
           failed: int | None = None) -> Any:
    session = db.session()
    supplier = current_user.role is OrgKind.supplier
    return render("open_applications/index.html", status, supplier=supplier,
                  projects=oa.open_projects(session, beijing_now()) if supplier else [],
                  mine=oa.of_supplier(session, current_user.org_id) if supplier else [],
                  to_review=[] if supplier else oa.to_review(session, current_user),
                  may_review=oa.may_review, reject_form=form or ReasonForm(),
                  refusal=refusal, failed=failed)


def _project(project_id: int) -> Project:
    project = db.session().get(Project, project_id)
    if project is None or not oa.is_open_agreement(project) or \
            oa.term(db.session(), project) is None:
        raise NotFound()
    return project


def _apply_page(project: Project, form: ApplyForm, status: int = 200,
                refusal: str | None = None) -> Any:
    session = db.session()
    lots = oa.lots(session, project)
    form.lot.choices = [("", _("请选择"))] + [(x.number, f"{x.number} {x.name}") for x in lots]
    products = [p for x in lots for p in oa.stocked_products(session, current_user.org_id,
                                                              x.category)]
    form.product.choices = [(0, _("请选择"))] + [(p.id, f"{p.label}（{p.category}）")
                                                 for p in products]
    return render("open_applications/apply.html", status, project=project, form=form,
                  refusal=refusal, term=oa.term(session, project),
                  caps=[(x, oa.cap(session, project, x)) for x in lots],
                  may_apply=oa.may_apply(current_user))


@bp.get("/projects/<int:project_id>")
@access(SUPPLIERS)
def apply_form(project_id: int) -> Any:
    return _apply_page(_project(project_id), ApplyForm())


@bp.post("/projects/<int:project_id>")
@access(SUPPLIERS)
def apply(project_id: int) -> Any:
    project, form = _project(project_id), ApplyForm()
    _apply_page(project, form)  # fills the choices the form validates against
    if not form.validate_on_submit():
        return _apply_page(project, form, 400)
    try:
        content = uploads.checked_pdf(form.qualification.data)
        oa.apply(db.session(), current_user, project, lot_number=form.lot.data or "",
                 product_id=form.product.data or None,
                 unit_price=delegations.parse_price(form.unit_price.data or ""),
                 statement=form.statement.data or "",
                 filename=form.qualification.data.filename, qualification=content,
                 now=beijing_now())
    except REFUSALS as refused:
        return _apply_page(project, form, refused.status_code, refused.message)
    flash(_("申请已提交，等待审核。"))
    return redirect(url_for(".index"))


def _application(application_id: int) -> OpenApplication:
    found = db.session().get(OpenApplication, application_id)
    if found is None or current_user.org_id not in (
            found.supplier_org_id, oa.reviewing_org(found.project)):
        raise NotFound()
    return found


@bp.post("/<int:application_id>/admit")
@access(ORGANISERS)
def admit(application_id: int) -> Any:
    found = _application(application_id)
    try:
        oa.admit(db.session(), current_user, found)
    except REFUSALS as refused:
        return _index(refused.status_code, refused.message)
    flash(_("审核通过：%(name)s 已加入入围供应商名单，请其签订框架协议。",
            name=found.supplier.name))
    return redirect(url_for(".index"))


@bp.post("/<int:application_id>/reject")
@access(ORGANISERS)
def reject(application_id: int) -> Any:
    found, form = _application(application_id), ReasonForm()
    try:
        oa.reject(db.session(), current_user, found, form.reason.data or "")
    except REFUSALS as refused:
        return _index(refused.status_code, refused.message, form, found.id)
    flash(_("审核不通过，已告知供应商原因。"))
    return redirect(url_for(".index"))


@bp.get("/<int:application_id>/qualification.pdf")
@access(EVERYONE)
def qualification(application_id: int) -> Any:
    found = _application(application_id)
    response = Response(found.qualification, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=application-{found.id}.pdf"
    return response
