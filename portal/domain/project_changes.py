"""After the call is out (seed 000 §一 8–10): 发起变更 and the change announcement, 终止采购
(request, then announcement, which stops the project), and 重新组织征集 in a new round."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import documents
from portal.domain import audit, lifecycle, projects
from portal.domain.projects import ANNOUNCEMENT, project_data
from portal.models import Document, DocumentStatus, Position, Project, ProjectStatus, User
from portal.todo import TodoItem
from portal.todo import register as register_todo

TERMINATION = "termination_announcement"
CHANGE = "change_announcement"


def _change_leaves_time(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """变更公告: a change that affects how responses are prepared must leave at least N days
    (default 15) before the deadline, otherwise the deadline moves."""
    from portal import db
    from portal.domain import deadlines

    project = _project_of(doc)
    announcement = (projects.project_document(db.session(), project, ANNOUNCEMENT)
                    if project else None)
    revision = announcement.current_revision if announcement else None
    changed = _day(data.get("change_date"))
    deadline = data.get("new_submission_deadline") or (
        datetime.fromisoformat(revision.data["submission_deadline"]) if revision else None)
    affects = any(row.get("target") == "solicitation" for row in data.get("corrections", ()))
    minimum = deadlines.rule_value(doc, "change_min_days")
    until = _day(deadline)
    if affects and until is not None and changed is not None and (until - changed).days < minimum:
        return {"new_submission_deadline": [_(
            "更正征集文件后距提交截止不足%(n)s日，须顺延提交截止时间。", n=minimum)]}
    return {}


def _day(value: Any) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _of_a_project(session: Session, doc: Document) -> str | None:
    """(A terminated project or one of an earlier round: portal.domain.rounds.)"""
    if doc.project_id is None or session.get(Project, doc.project_id) is None:
        return _("终止公告须属于一个采购项目。")
    return None


def _terminate(session: Session, actor: User, doc: Document) -> None:
    """终止: once the termination announcement is published, the project's lots stop."""
    project = session.get(Project, doc.project_id)
    assert project is not None  # the publish guard checked it
    project.status = ProjectStatus.terminated
    audit.record(session, actor=actor, action="project.terminated", subject_type="project",
                 subject_id=project.id, before=ProjectStatus.active.value,
                 after=ProjectStatus.terminated.value, detail={"announcement": doc.id})


TERMINATION_REQUEST = "termination_request"


def _project_of(doc: Document) -> Project | None:
    from portal import db

    return db.session().get(Project, doc.project_id) if doc.project_id else None


def _may_request_termination(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """终止采购 is for an active project whose collection announcement is out (seed 000 §一 9)."""
    from portal import db

    project = _project_of(doc)
    if project is None or project.status is not ProjectStatus.active:
        return {"project_number": [_("只有进行中的采购项目才能申请终止采购。")]}
    if projects.current_call(db.session(), project) is None:
        return {"project_number": [_("征集公告发布后才能申请终止采购。")]}
    return {}


def approved_termination_request(session: Session, project: Project) -> Document | None:
    """The project's latest termination request, if approved and not yet used by a published
    termination announcement."""
    request = projects.project_document(session, project, TERMINATION_REQUEST)
    if request is None or request.status is not DocumentStatus.approved:
        return None
    used = session.scalar(select(Document.id).where(
        Document.project_id == project.id, Document.kind == TERMINATION,
        Document.status == DocumentStatus.published, Document.id > request.id))
    return None if used else request


def _termination_requested(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    from portal import db

    project = _project_of(doc)
    if project is not None and approved_termination_request(db.session(), project) is None:
        return {"reason": [_("须先提交终止采购申请并经审核通过，才能提交终止公告。")]}
    return {}


REORGANISATION = "reorganisation"


def _terminated_project(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    project = _project_of(doc)
    if project is None or project.status is not ProjectStatus.terminated:
        return {"project_number": [_("只有已终止的采购项目才能重新组织征集。")]}
    known = {lot.get("number") for lot in project_data(project).get("lots", ())}
    unknown = [lot["number"] for lot in data.get("lots", ()) if lot["number"] not in known]
    if unknown:
        return {"lots": [_("项目中没有这些分包：%(lots)s", lots="、".join(unknown))]}
    return {}


def _reorganise(session: Session, actor: User, doc: Document) -> None:
    """The reviewed request resumes the project from the chosen step, in a new round."""
    project = session.get(Project, doc.project_id)
    assert project is not None  # the rule checked it at submission
    revision = doc.current_revision
    assert revision is not None
    project.status, project.round = ProjectStatus.active, project.round + 1
    project.restart_step = revision.data["return_step"]
    audit.record(session, actor=actor, action="project.reorganised", subject_type="project",
                 subject_id=project.id, before=ProjectStatus.terminated.value,
                 after=ProjectStatus.active.value,
                 detail={"round": project.round, "return_step": project.restart_step,
                         "lots": [lot["number"] for lot in revision.data["lots"]]})


def corrections(session: Session, project: Project) -> list[dict[str, str]]:
    """更正事项 generated from the difference between the solicitation's last two revisions:
    one row per changed field, labelled as the wizard labels it, old → new."""
    from portal.presenters import field_label

    solicitation = projects.project_document(session, project, "solicitation")
    if solicitation is None or len(solicitation.revisions) < 2:
        return []
    kind = documents.get_kind("solicitation")
    old, new = (documents.to_formdata(r.data) for r in solicitation.revisions[-2:])
    rows = []
    for key in dict.fromkeys([*old.keys(), *new.keys()]):
        before, after = "；".join(old.getlist(key)), "；".join(new.getlist(key))
        if before != after:
            rows.append({"target": "solicitation", "item": field_label(kind, key),
                         "old_value": before or "（无）", "new_value": after or "（无）"})
    return rows


def _change_prefill(session: Session, project: Project) -> dict[str, Any]:
    announcement = projects.project_document(session, project, ANNOUNCEMENT)
    data: dict[str, Any] = {"original_project_number": project.number,
                            "original_project_name": project.name}
    revision = announcement.current_revision if announcement else None
    if revision is not None:
        data["original_announcement_date"] = revision.data.get("publication_date")
    rows = corrections(session, project)
    if rows:
        data["corrections"] = rows
    return data


def _termination_prefill(session: Session, project: Project) -> dict[str, Any]:
    request = approved_termination_request(session, project)
    if request is None or request.current_revision is None:
        return {}
    return {"reason": f"<p>{escape(request.current_revision.data['reason'])}</p>"}


SHORTLIST = "shortlist_announcement"
#: The field beside which a missing project or call is reported, per kind.
CALL_FIELDS = {CHANGE: "original_project_number", SHORTLIST: "project_number"}


def _call_missing(session: Session, doc: Document) -> str | None:
    """Result and change announcements follow the project's published call (seed 001
    §1.3.1.2: 变更公告 and 结果公告 are issued on a project whose 征集公告 is out)."""
    project = session.get(Project, doc.project_id) if doc.project_id else None
    if project is None:
        return _("“%(kind)s”须在采购项目中编制（从项目页面新建）。",
                 kind=lifecycle.kind_of(doc).title)
    if projects.current_call(session, project) is None:
        return _("该项目本轮的征集公告尚未发布，不能编制“%(kind)s”。",
                 kind=lifecycle.kind_of(doc).title)
    return None


def _call_published(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    from portal import db

    missing = _call_missing(db.session(), doc)
    return {CALL_FIELDS[doc.kind]: [missing]} if missing else {}


for _kind_code in (CHANGE, SHORTLIST):
    lifecycle.register_rule(_kind_code, _call_published)
    lifecycle.register_publish_guard(_kind_code, _call_missing)

lifecycle.register_rule(TERMINATION_REQUEST, _may_request_termination)
lifecycle.register_rule(TERMINATION, _termination_requested)
lifecycle.register_rule(REORGANISATION, _terminated_project)
lifecycle.register_on_approved(REORGANISATION, _reorganise)
lifecycle.register_final(REORGANISATION)
lifecycle.register_rule(CHANGE, _change_leaves_time)
lifecycle.register_publish_guard(TERMINATION, _of_a_project)
lifecycle.register_on_published(TERMINATION, _terminate)
projects.register_prefill(CHANGE, _change_prefill)
projects.register_prefill(TERMINATION, _termination_prefill)


@register_todo
def follow_up_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """Seed 000 §一 8.2 and 9.3: a changed solicitation sealed again waits for its change
    announcement, an approved termination request for its termination announcement; both for
    the clerks of the organisation that owns the solicitation or the request."""
    if Position.clerk not in user.positions:
        return
    owned = session.scalars(select(Document).where(
        Document.owner_org_id == user.org_id, Document.project_id.is_not(None),
        Document.kind.in_(("solicitation", TERMINATION_REQUEST))))
    for doc in owned:
        project = session.get(Project, doc.project_id)
        assert project is not None
        if doc.kind == TERMINATION_REQUEST:
            drafted = _later(session, project, TERMINATION, doc.id)
            if doc.status is DocumentStatus.approved and not drafted:
                yield TodoItem(_("待编制终止公告"), project.name,
                               url_for("documents.new", kind=TERMINATION, project=project.id),
                               doc.updated_at)
        elif doc.status in (DocumentStatus.sealed, DocumentStatus.published):
            changes = session.scalar(select(func.count(Document.id)).where(
                Document.project_id == project.id, Document.kind == CHANGE)) or 0
            if len(doc.revisions) - 1 > changes:
                yield TodoItem(_("待编制变更公告"), project.name,
                               url_for("documents.new", kind=CHANGE, project=project.id),
                               doc.updated_at)


def _later(session: Session, project: Project, kind_code: str, after_id: int) -> bool:
    return session.scalar(select(Document.id).where(
        Document.project_id == project.id, Document.kind == kind_code,
        Document.id > after_id)) is not None
