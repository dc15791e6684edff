"""参与项目 / 获取征集文件 (seed 000 §二 4): a supplier joins a project whose collection
announcement is published, within the announcement's obtaining period, and is handed the
solicitation document as last sealed. Those who joined are notified when the project's change
or termination announcement is published (documents.md: 终止公告 … everyone who obtained the
solicitation document is notified).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit, lifecycle, notices, projects, sealing
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.domain.project_changes import CHANGE, TERMINATION
from portal.domain.projects import ANNOUNCEMENT
from portal.models import (
    Document,
    DocumentStatus,
    OrgKind,
    Participation,
    Position,
    Project,
    ProjectStatus,
    Revision,
    User,
    utcnow,
)


@dataclass(frozen=True)
class Opening:
    """A project a supplier may join: its published collection announcement and the period."""

    project: Project
    announcement: Document
    starts: datetime
    ends: datetime

    def is_open(self, now: datetime) -> bool:
        return self.starts <= now <= self.ends


def opening_of(session: Session, project: Project) -> Opening | None:
    """The current round's published collection announcement and its obtaining period: after
    重新组织征集, an announcement of an earlier round opens nothing."""
    announcement = projects.current_call(session, project)
    revision = announcement.current_revision if announcement else None
    if announcement is None or revision is None:
        return None
    data = revision.data
    return Opening(project, announcement, datetime.fromisoformat(data["obtain_start"]),
                   datetime.fromisoformat(data["obtain_end"]))


def openings(session: Session, now: datetime) -> list[Opening]:
    """Active projects whose solicitation document can be obtained at ``now``."""
    active = session.scalars(select(Project).where(
        Project.status == ProjectStatus.active,
        Project.id.in_(select(Document.project_id).where(
            Document.kind == ANNOUNCEMENT, Document.status == DocumentStatus.published)))
        .order_by(Project.id.desc()))
    found = (opening_of(session, project) for project in active)
    return [o for o in found if o is not None and o.is_open(now)]


def of_org(session: Session, org_id: int, project: Project) -> Participation | None:
    return session.scalar(select(Participation).where(
        Participation.project_id == project.id, Participation.supplier_org_id == org_id))


def joined(session: Session, user: User) -> list[Participation]:
    return list(session.scalars(select(Participation).where(
        Participation.supplier_org_id == user.org_id).order_by(Participation.id.desc())))


def may_join(user: User) -> bool:
    return user.role is OrgKind.supplier and Position.clerk in user.positions


def join(session: Session, actor: User, project: Project, contact: str, phone: str,
         email: str, now: datetime) -> Participation:
    """确认参与: only a supplier's clerk, once per supplier, while the period is open."""
    if not may_join(actor):
        raise Forbidden(_("只有供应商的经办岗可以参与项目。"))
    if project.status is not ProjectStatus.active:
        raise TransitionNotAllowed(_("该项目已终止，不能参与。"))
    opening = opening_of(session, project)
    if opening is None:
        raise TransitionNotAllowed(_("该项目的征集公告尚未发布，不能参与。"))
    if not opening.is_open(now):
        raise TransitionNotAllowed(_(
            "不在征集文件获取时间内（%(start)s 至 %(end)s）。",
            start=opening.starts.strftime("%Y-%m-%d %H:%M"),
            end=opening.ends.strftime("%Y-%m-%d %H:%M")))
    if of_org(session, actor.org_id, project) is not None:
        raise InvalidInput(_("本单位已参与该项目，可直接下载征集文件。"))
    joining = Participation(project_id=project.id, supplier_org_id=actor.org_id,
                            user_id=actor.id, contact=contact, phone=phone, email=email)
    session.add(joining)
    try:
        session.flush()
    except IntegrityError:  # a colleague confirmed at the same moment
        session.rollback()
        raise InvalidInput(_("本单位已参与该项目，可直接下载征集文件。")) from None
    audit.record(session, actor=actor, action="participation.joined",
                 subject_type="project", subject_id=project.id, before=None,
                 after=actor.org_id, detail={"participation": joining.id})
    session.commit()
    return joining


def sealed_solicitation(session: Session, project: Project) -> Revision | None:
    """The solicitation as last sealed by all its sealers; a change in progress does not count
    until its new revision is sealed."""
    solicitation = projects.solicitation_of(session, project)
    if solicitation is None:
        return None
    needed = len(lifecycle.sealers(solicitation))
    return next((revision for revision in reversed(solicitation.revisions)
                 if len(sealing.confirmed_seals(session, revision)) == needed), None)


def hand_over(session: Session, actor: User, project: Project) -> str:
    """The sealed solicitation's PDF for a supplier that joined; records which revision it got."""
    joining = of_org(session, actor.org_id, project)
    if joining is None:
        raise Forbidden(_("请先参与项目（确认参与）后再获取征集文件。"))
    if project.status is not ProjectStatus.active or opening_of(session, project) is None:
        raise TransitionNotAllowed(_("本轮征集公告尚未发布（或项目已终止），暂不能获取征集文件。"))
    revision = sealed_solicitation(session, project)
    sha = sealing.current_pdf(session, revision) if revision else None
    if revision is None or sha is None:
        raise TransitionNotAllowed(_("征集文件尚未盖章完成，暂不能获取。"))
    if joining.revision_id != revision.id:
        before = joining.revision_id
        joining.revision_id, joining.obtained_at = revision.id, utcnow()
        audit.record(session, actor=actor, action="solicitation.obtained",
                     subject_type="project", subject_id=project.id, before=before,
                     after=revision.id, detail={"participation": joining.id})
        session.commit()
    return sha


def _notify(subject: str, body: str) -> Callable[[Session, User, Document], None]:
    """On publication of ``doc``: a notice to every supplier that joined its project."""
    def action(session: Session, actor: User, doc: Document) -> None:
        project = session.get(Project, doc.project_id) if doc.project_id else None
        if project is None:
            return
        orgs = session.scalars(select(Participation.supplier_org_id).where(
            Participation.project_id == project.id)).all()
        facts = {"name": project.name, "number": project.number}
        notices.send(session, list(orgs), subject % facts, body % facts, doc)
    return action


lifecycle.register_on_published(TERMINATION, _notify(
    "项目终止：%(name)s", "贵单位已获取征集文件的项目“%(name)s”（%(number)s）已终止采购，"
    "详见终止公告。"))
lifecycle.register_on_published(CHANGE, _notify(
    "项目变更：%(name)s", "贵单位已获取征集文件的项目“%(name)s”（%(number)s）发布了变更公告，"
    "请查看更正事项并重新下载征集文件。"))

