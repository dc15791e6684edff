"""Projects (采购项目): created by an approved initiation, carrying what later documents reuse.

Registered on the document lifecycle for the kinds whose rules depend on the collector:
- 采购项目立项: a supervising unit (主管预算单位) may only run services projects (seed 001), and
  project numbers are unique; approval creates the project.
- 采购方案: a central agency's plan is reviewed by the collector, then by the regulator; a
  supervising unit's plan is reviewed by the collector and filed (备案) with the regulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from wtforms import FieldList, Form, FormField

import documents
from portal.domain import audit, lifecycle
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    CollectorType,
    Document,
    DocumentParty,
    DocumentStatus,
    Organisation,
    OrgKind,
    Position,
    Project,
    User,
    utcnow,
)
from portal.todo import TodoItem
from portal.todo import register as register_todo

INITIATION = "project_initiation"
PLAN = "procurement_plan"


def _collector_of(doc: Document) -> Organisation | None:
    org_id = doc.party_org_id("collector")
    return next((p.org for p in doc.parties if p.org_id == org_id), None)


def _initiation_rule(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    collector = doc.owner_org
    if (collector.collector_type is CollectorType.supervising_unit
            and data.get("project_category") != "services"):
        errors["project_category"] = [_("主管预算单位作为征集人只能选择服务类项目。")]
    return errors


def _unique_number(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    from portal import db

    taken = db.session().scalar(select(Project.id).where(
        Project.number == data.get("project_number"), Project.initiation_id != doc.id))
    return {"project_number": [_("项目编号已被其他项目使用。")]} if taken else {}


def _project_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"number": data["project_number"], "name": data["project_name"],
            "category": data["project_category"], "agreement_type": data["agreement_type"],
            "term_months": int(data["agreement_term_months"]),
            "budget": Decimal(data["budget_amount"]), "region": data["region"]}


def _create_project(session: Session, actor: User, doc: Document) -> None:
    """The first approval creates the project; approving a revised initiation updates it."""
    revision = doc.current_revision
    assert revision is not None
    fields = _project_fields(revision.data)
    project = session.get(Project, doc.project_id) if doc.project_id else None
    if project is not None:
        changed = {key: [str(getattr(project, key)), str(value)] for key, value in fields.items()
                   if getattr(project, key) != value}
        for key, value in fields.items():
            setattr(project, key, value)
        audit.record(session, actor=actor, action="project.updated", subject_type="project",
                     subject_id=project.id, after=project.number,
                     detail={"initiation": doc.id, "revision": revision.number,
                             "changed": changed})
        return
    project = Project(collector_org_id=doc.owner_org_id, initiation_id=doc.id, **fields)
    session.add(project)
    session.flush()
    doc.project_id = project.id
    audit.record(session, actor=actor, action="project.created", subject_type="project",
                 subject_id=project.id, after=project.number, detail={"initiation": doc.id})


def _plan_reviewers(doc: Document) -> tuple[str, ...]:
    collector = _collector_of(doc)
    if collector is not None and collector.collector_type is CollectorType.supervising_unit:
        return ("collector",)  # the regulator receives it as a filing instead
    return ("collector", "regulator")


def _file_plan(session: Session, actor: User, doc: Document) -> None:
    if _plan_reviewers(doc) == ("collector",):
        audit.record(session, actor=actor, action="plan.filed", subject_type="document",
                     subject_id=doc.id, after="filed",
                     detail={"regulator": doc.party_org_id("regulator")})


ANNOUNCEMENT = "collection_announcement"


def _collector_details(doc: Document) -> dict[str, str]:
    """征集公告: the collector's name, contact and phone as filed (the address stays editable),
    and the name of the agency the project is entrusted to, which seals it with the collector
    (none when the collector runs the project itself)."""
    if doc.project_id is None:
        return {}
    from portal import db

    project = db.session().get(Project, doc.project_id)
    if project is None:
        return {}
    org = project.collector
    locked = {"collector-name": org.name, "collector-contact": org.contact,
              "collector-phone": org.phone}
    if project.agency is not None:
        locked["agency-name"] = project.agency.name
    else:  # no agency block at all
        locked.update({f"agency-{key}": "" for key in NO_AGENCY})
    return locked


def _plan_before_announcement(session: Session, doc: Document) -> str | None:
    project = session.get(Project, doc.project_id) if doc.project_id else None
    if project is None or approved_plan(session, project) is None:
        return _("采购方案审核通过或备案前，不能发布征集公告。")
    return None


lifecycle.register_locked(ANNOUNCEMENT, _collector_details)
lifecycle.register_publish_guard(ANNOUNCEMENT, _plan_before_announcement)
lifecycle.register_rule(INITIATION, _initiation_rule)
lifecycle.register_rule(INITIATION, _unique_number)
lifecycle.register_on_approved(INITIATION, _create_project)
lifecycle.register_reviewers(PLAN, _plan_reviewers)
lifecycle.register_on_approved(PLAN, _file_plan)


def visible_to(session: Session, user: User) -> list[Project]:
    involved = select(Document.project_id).join(DocumentParty).where(
        DocumentParty.org_id == user.org_id)
    return list(session.scalars(select(Project).where(
        or_(Project.collector_org_id == user.org_id, Project.agency_org_id == user.org_id,
            Project.id.in_(involved)))
        .order_by(Project.created_at.desc())))


# ---- entrustment (seed 000 §一 4–5) -------------------------------------------------------

def approved_plan(session: Session, project: Project) -> Document | None:
    return session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == PLAN,
        Document.status.in_([DocumentStatus.approved, DocumentStatus.sealed,
                             DocumentStatus.published])))


def _require_clerk(actor: User, org_id: int | None, what: str) -> None:
    if org_id is None or actor.org_id != org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有%(who)s的经办岗可以办理此项。", who=what))


def issue_to_agency(session: Session, actor: User, project: Project,
                    agency: Organisation) -> None:
    """下达方案: the collector entrusts the project, once its plan is approved or filed."""
    _require_clerk(actor, project.collector_org_id, _("征集人"))
    if approved_plan(session, project) is None:
        raise TransitionNotAllowed(_("采购方案审核通过（或备案）后才能下达。"))
    if project.accepted_at is not None:
        raise TransitionNotAllowed(_("代理机构已受理委托，不能重新下达。"))
    if agency.kind is not OrgKind.agency:
        raise InvalidInput(_("请选择一家代理机构。"))
    project.agency_org_id, project.issued_at = agency.id, utcnow()
    audit.record(session, actor=actor, action="project.issued", subject_type="project",
                 subject_id=project.id, after=str(agency.id))
    session.commit()


def accept_entrustment(session: Session, actor: User, project: Project) -> None:
    """受理: the agency accepts the entrustment."""
    _require_clerk(actor, project.agency_org_id, _("受托代理机构"))
    if project.issued_at is None or project.accepted_at is not None:
        raise TransitionNotAllowed(_("该项目当前没有待受理的委托。"))
    project.accepted_at = utcnow()
    audit.record(session, actor=actor, action="project.accepted", subject_type="project",
                 subject_id=project.id)
    session.commit()


def assign_lead(session: Session, actor: User, project: Project, lead: User,
                handler: User) -> None:
    """设置项目负责人: the agency names the project lead and handler from its own staff."""
    _require_clerk(actor, project.agency_org_id, _("受托代理机构"))
    if project.accepted_at is None:
        raise TransitionNotAllowed(_("受理委托后才能设置项目负责人。"))
    if lead.org_id != project.agency_org_id or handler.org_id != project.agency_org_id:
        raise InvalidInput(_("项目负责人和经办人须为本代理机构人员。"))
    before = project.lead_user_id
    project.lead_user_id, project.handler_user_id = lead.id, handler.id
    audit.record(session, actor=actor, action="project.lead_assigned", subject_type="project",
                 subject_id=project.id, before=before, after=lead.id,
                 detail={"handler": handler.id})
    session.commit()


Prefill = Callable[[Session, Project], dict[str, Any]]
_prefills: dict[str, Prefill] = {}


def register_prefill(kind_code: str, extra: Prefill) -> None:
    """What a kind takes from the project's other documents (a change, its corrections)."""
    _prefills[kind_code] = extra


def prefill(project: Project, kind: documents.Kind) -> dict[str, Any]:
    """What a new document of ``kind`` can take from its project (only the kind's fields):
    the initiation's data, what a registered prefill adds, and the collector's and agency's
    contact blocks."""
    from portal import db

    data = project_data(project)
    if kind.code in _prefills:
        data.update(_prefills[kind.code](db.session(), project))
    data["collector"] = contact_block(project.collector)
    data["agency"] = contact_block(project.agency) if project.agency is not None else NO_AGENCY
    fitted: dict[str, Any] = {}
    for step in kind.steps:
        fitted.update(_fit(step.form_class, data))
    return fitted


def _fit(form_class: type[Form], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` cut to the fields ``form_class`` has, rows and groups included: the project's
    lots carry a category and prices a shortlist's lots do not have (no 未知字段 errors)."""
    fitted: dict[str, Any] = {}
    for field in form_class():
        if field.short_name not in data:
            continue
        value = data[field.short_name]
        if isinstance(field, FormField) and isinstance(value, Mapping):
            fitted[field.short_name] = _fit(field.form_class, value)
        elif isinstance(field, FieldList) and isinstance(value, list | tuple):
            inner = field.unbound_field
            if inner.field_class is FormField:
                fitted[field.short_name] = [_fit(inner.args[0], row) for row in value
                                            if isinstance(row, Mapping)]
            else:
                fitted[field.short_name] = list(value)
        else:
            fitted[field.short_name] = value
    return fitted


def _overlay(start: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``start`` with ``extra`` laid over it; a group keeps what ``extra`` does not say (the
    collector's uscc a contact block has no field for)."""
    merged = dict(start)
    for key, value in extra.items():
        before = merged.get(key)
        if isinstance(value, Mapping) and isinstance(before, Mapping):
            merged[key] = {**before, **value}
        else:
            merged[key] = value
    return merged


def project_document(session: Session, project: Project, kind_code: str) -> Document | None:
    return session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == kind_code)
        .order_by(Document.id.desc()))


REORGANISATION = "reorganisation"


def round_started_after(session: Session, project: Project) -> int:
    """Documents of the current round have ids above this: the approved 重新组织征集 that
    began it (0 in the first round)."""
    started = session.scalar(select(Document.id).where(
        Document.project_id == project.id, Document.kind == REORGANISATION,
        Document.status == DocumentStatus.approved).order_by(Document.id.desc()))
    return started or 0


def current_call(session: Session, project: Project) -> Document | None:
    """The current round's published collection announcement (None until it is published)."""
    return session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == ANNOUNCEMENT,
        Document.status == DocumentStatus.published,
        Document.id > round_started_after(session, project)).order_by(Document.id.desc()))


def solicitation_of(session: Session, project: Project) -> Document | None:
    return project_document(session, project, "solicitation")


NO_AGENCY = {"name": "", "uscc": "", "address": "", "contact": "", "phone": ""}


def contact_block(org: Organisation) -> dict[str, str]:
    return {"name": org.name, "uscc": org.uscc, "address": org.address, "contact": org.contact,
            "phone": org.phone}


def draft_document(session: Session, actor: User, project: Project | None, kind_code: str,
                   title: str, *, start_from: Mapping[str, Any] | None = None,
                   parties: Mapping[str, Organisation] | None = None) -> Document:
    """A new draft, in ``project`` when given: it starts from ``start_from`` overlaid with what
    the project supplies (its data, the collector's and agency's details), and acts with the
    project's collector and agency besides ``parties``."""
    kind = documents.get_kind(kind_code)
    start = _overlay(start_from or {}, prefill(project, kind) if project else {})
    acting = {**(parties or {}), **(project_parties(project) if project else {})}
    return lifecycle.create_draft(session, actor, kind.code, title, acting, start_from=start,
                                  project_id=project.id if project else None)


def project_parties(project: Project) -> dict[str, Organisation]:
    """The organisations a project's documents act with, by role."""
    parties = {"collector": project.collector}
    if project.agency is not None:
        parties["agency"] = project.agency
    return parties


def project_data(project: Project) -> dict[str, Any]:
    from portal import db

    initiation = db.session().get(Document, project.initiation_id)
    revision = initiation.current_revision if initiation else None
    return dict(revision.data) if revision else {}


@register_todo
def entrustment_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.clerk not in user.positions:
        return
    for project in session.scalars(select(Project).where(Project.agency_org_id == user.org_id)):
        link = url_for("projects.show", project_id=project.id)
        if project.accepted_at is None:
            yield TodoItem(_("待受理委托"), project.name, link, project.issued_at or utcnow())
        elif project.lead_user_id is None:
            yield TodoItem(_("待设置项目负责人"), project.name, link, project.accepted_at)
