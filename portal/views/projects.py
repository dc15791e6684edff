"""采购项目: the list of a user's projects and each project's whole history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound
from wtforms import SelectChoice

from portal import db
from portal.domain import lifecycle, projects, responses, rounds, shortlisted
from portal.forms import IssueForm, LeadForm, VersionForm
from portal.models import Document, Organisation, OrgKind, Project, User
from portal.models.seal import live_seals
from portal.policy import SIGNED_IN, access
from portal.web import render

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("")
@access(SIGNED_IN)
def index() -> Any:
    return render("projects/index.html", projects=projects.visible_to(db.session(), current_user))


def _load(project_id: int) -> Project:
    project = next((p for p in projects.visible_to(db.session(), current_user)
                    if p.id == project_id), None)
    if project is None:
        raise NotFound()
    return project


def _forms(project: Project) -> dict[str, Any]:
    session = db.session()
    issue = IssueForm()
    issue.agency.choices = [SelectChoice(o.id, o.name) for o in session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.agency))]
    lead = LeadForm()
    staff = [SelectChoice(u.id, u.display_name) for u in session.scalars(
        select(User).where(User.org_id == project.agency_org_id))] if project.agency_org_id else []
    lead.lead.choices = lead.handler.choices = staff
    return {"issue_form": issue, "lead_form": lead}


@bp.post("/<int:project_id>/issue")
@access(SIGNED_IN)
def issue(project_id: int) -> Any:
    project = _load(project_id)
    form = _forms(project)["issue_form"]
    if form.validate_on_submit():
        agency = db.session().get(Organisation, form.agency.data)
        assert agency is not None  # a choice of the form
        projects.issue_to_agency(db.session(), current_user, project, agency)
    return redirect(url_for(".show", project_id=project.id))


@bp.post("/<int:project_id>/accept")
@access(SIGNED_IN)
def accept(project_id: int) -> Any:
    project = _load(project_id)
    if VersionForm().validate_on_submit():
        projects.accept_entrustment(db.session(), current_user, project)
    return redirect(url_for(".show", project_id=project.id))


@bp.post("/<int:project_id>/change")
@access(SIGNED_IN)
def change(project_id: int) -> Any:
    """发起变更: the solicitation is edited again; a change announcement follows."""
    project = _load(project_id)
    solicitation = projects.solicitation_of(db.session(), project)
    if solicitation is None or not VersionForm().validate_on_submit():
        raise NotFound()
    lifecycle.reopen_for_change(db.session(), current_user, solicitation, None)
    slug = lifecycle.kind_of(solicitation).steps[0].slug
    return redirect(url_for("documents.step", document_id=solicitation.id, slug=slug))


def _user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        raise NotFound()
    return user


@bp.post("/<int:project_id>/lead")
@access(SIGNED_IN)
def lead(project_id: int) -> Any:
    project = _load(project_id)
    form = _forms(project)["lead_form"]
    if form.validate_on_submit():
        projects.assign_lead(db.session(), current_user, project, _user(form.lead.data),
                             _user(form.handler.data))
    return redirect(url_for(".show", project_id=project.id))


@bp.get("/<int:project_id>")
@access(SIGNED_IN)
def show(project_id: int) -> Any:
    session = db.session()
    project = _load(project_id)
    docs = session.scalars(select(Document).where(or_(
        Document.project_id == project.id, Document.id == project.initiation_id))
        .order_by(Document.created_at)).all()
    seals = {d.id: live_seals(session, d.current_revision.id) if d.current_revision else []
             for d in docs}
    return render("projects/show.html", project=project, docs=docs, seals=seals,
                  data=projects.project_data(project),
                  plan_ready=projects.approved_plan(session, project) is not None,
                  solicitation=projects.solicitation_of(session, project),
                  call_open=responses.call_of(session, project) is not None,
                  has_agreements=shortlisted.published_shortlist(session, project) is not None,
                  reopened=rounds.progress(session, project), kept=rounds.kept(project),
                  superseded=rounds.superseded,
                  started_after=projects.round_started_after(session, project),
                  drafting_org=rounds.drafting_org, **_forms(project))


