"""参与项目 (seed 000 §二 4): a supplier's open projects, joining one, and its solicitation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound

from portal import db
from portal.domain import participation
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.forms import JoinForm
from portal.models import OrgKind, Project, beijing_now
from portal.policy import Access, access
from portal.web import render, stored_file

bp = Blueprint("participation", __name__, url_prefix="/participation")
SUPPLIERS = Access(roles=frozenset({OrgKind.supplier}))


@bp.get("")
@access(SUPPLIERS)
def index() -> Any:
    session = db.session()
    joined = participation.joined(session, current_user)
    taken = {p.project_id for p in joined}
    openings = [o for o in participation.openings(session, beijing_now())
                if o.project.id not in taken]
    return render("participation/index.html", openings=openings, joined=joined,
                  may_join=participation.may_join(current_user))


def _project(project_id: int) -> Project:
    project = db.session().get(Project, project_id)
    if project is None or participation.opening_of(db.session(), project) is None:
        raise NotFound()  # only projects whose collection announcement is public
    return project


def _join_page(project: Project, form: JoinForm, status: int = 200,
               refusal: str | None = None) -> Any:
    session = db.session()
    return render("participation/join.html", status, project=project, form=form,
                  refusal=refusal, opening=participation.opening_of(session, project),
                  joined=participation.of_org(session, current_user.org_id, project),
                  may_join=participation.may_join(current_user))


@bp.get("/<int:project_id>")
@access(SUPPLIERS)
def join_form(project_id: int) -> Any:
    form = JoinForm(contact=current_user.display_name, phone=current_user.org.phone)
    return _join_page(_project(project_id), form)


@bp.post("/<int:project_id>")
@access(SUPPLIERS)
def join(project_id: int) -> Any:
    project = _project(project_id)
    form = JoinForm()
    if not form.validate_on_submit():
        return _join_page(project, form, 400)
    try:
        participation.join(db.session(), current_user, project, form.contact.data,
                           form.phone.data, form.email.data, beijing_now())
    except (InvalidInput, TransitionNotAllowed) as refused:
        return _join_page(project, form, refused.status_code, refused.message)
    flash(_("已确认参与“%(name)s”，请下载征集文件。", name=project.name))
    return redirect(url_for(".join_form", project_id=project.id))


@bp.get("/<int:project_id>/solicitation.pdf")
@access(SUPPLIERS)
def solicitation(project_id: int) -> Any:
    project = _project(project_id)
    sha = participation.hand_over(db.session(), current_user, project)
    return stored_file(sha, "pdf", f"{project.number}-征集文件.pdf")
