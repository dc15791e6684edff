"""重新组织征集 rounds (seed 000 §一 10): the approved request's 退回节点 reopens that step.

A new round redoes the chosen step and every step after it up to the collection announcement:
their documents are drafted again, starting from the previous round's data; the steps before
it stay as they were. The round's call cannot be published until each reopened step before it
is done again in this round, and the clerks who draft a reopened step find it on 我的待办.

A project's announcements go out only while the project runs, in the round they were drafted
in, and its call once a round: one drafted before the round began (or a second call) is
refused at publication, and the project page marks what the new round left undone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

import documents
from documents.kinds.reorganisation import RETURN_STEPS
from portal.domain import lifecycle, projects
from portal.models import Document, DocumentStatus, Position, Project, ProjectStatus, User
from portal.todo import TodoItem
from portal.todo import register as register_todo

S = DocumentStatus
#: The steps a round may return to, in the order the flow runs them.
STEPS = tuple(code for code, _label in RETURN_STEPS)
#: When a step's document counts as done again.
DONE = {
    "requirements": (S.approved, S.sealed, S.published),
    "procurement_plan": (S.approved, S.sealed, S.published),
    "solicitation": (S.sealed, S.published),
    "collection_announcement": (S.published,),
}


#: A project's announcements on the board.
ANNOUNCEMENTS = ("collection_announcement", "change_announcement", "termination_announcement",
                 "shortlist_announcement")


@dataclass(frozen=True)
class ReopenedStep:
    kind: str
    document: Document | None  # this round's document of the step, if drafted
    done: bool

    @property
    def title(self) -> str:
        return documents.get_kind(self.kind).title


def reopened(project: Project) -> tuple[str, ...]:
    """The steps this round redoes: the chosen one and those after it (none in round one)."""
    if project.round < 2 or project.restart_step not in STEPS:
        return ()
    return STEPS[STEPS.index(project.restart_step):]


def kept(project: Project) -> tuple[str, ...]:
    """The steps before the chosen one, which stay as the earlier round left them."""
    steps = reopened(project)
    return STEPS[:STEPS.index(steps[0])] if steps else ()


def this_round(session: Session, project: Project, kind_code: str) -> Document | None:
    """The latest document of ``kind_code`` drafted in the project's current round."""
    return session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == kind_code,
        Document.id > projects.round_started_after(session, project))
        .order_by(Document.id.desc()))


def progress(session: Session, project: Project) -> list[ReopenedStep]:
    steps = []
    for code in reopened(project):
        doc = this_round(session, project, code)
        steps.append(ReopenedStep(code, doc, doc is not None and doc.status in DONE[code]))
    return steps


def _previous_round(session: Session, project: Project, kind_code: str) -> dict[str, Any]:
    """A reopened step starts from what the earlier round last submitted for it."""
    if kind_code not in reopened(project):
        return {}
    earlier = session.scalar(select(Document).where(
        Document.project_id == project.id, Document.kind == kind_code,
        Document.id < projects.round_started_after(session, project))
        .order_by(Document.id.desc()))
    revision = earlier.current_revision if earlier else None
    if revision is None:
        return {}
    data = dict(revision.data)
    chosen = _lots_run_again(session, project)
    if chosen and isinstance(data.get("lots"), list):  # only the lots chosen to run again
        data["lots"] = [lot for lot in data["lots"]
                        if isinstance(lot, Mapping) and lot.get("number") in chosen]
    return data


def _lots_run_again(session: Session, project: Project) -> set[str]:
    """The lots the approved 重新组织征集 that began this round chose to run again."""
    request = session.get(Document, projects.round_started_after(session, project))
    revision = request.current_revision if request is not None else None
    return {lot["number"] for lot in revision.data.get("lots", ())} if revision else set()


def _project_in(session: Session, doc: Document) -> Project | None:
    return session.get(Project, doc.project_id) if doc.project_id else None


def _project(doc: Document) -> Project | None:
    from portal import db

    return _project_in(db.session(), doc)


def _kept_as_it_was(doc: Document, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """A step before the 退回节点 is not drafted again in the new round."""
    from portal import db

    project = _project(doc)
    if project is None or doc.kind not in kept(project):
        return {}
    if doc.id < projects.round_started_after(db.session(), project):
        return {}
    return {"project_number": [_(
        "第 %(n)s 轮自“%(step)s”起重新组织，“%(kind)s”保持上一轮的内容，不再重新编制。",
        n=project.round, step=documents.get_kind(project.restart_step or "").title,
        kind=lifecycle.kind_of(doc).title)]}


def _reopened_steps_done(session: Session, doc: Document) -> str | None:
    """The round's call goes out only once every reopened step before it is done again."""
    project = _project_in(session, doc)
    if project is None:
        return None
    waiting = [step.title for step in progress(session, project)
               if step.kind != doc.kind and not step.done]
    if waiting:
        return _("第 %(n)s 轮须先重新完成：%(steps)s。", n=project.round,
                 steps="、".join(waiting))
    return None


def superseded(doc: Document, project: Project, started_after: int) -> bool:
    """``doc`` was drafted before this round began (``started_after``: see
    :func:`projects.round_started_after`) for a step the round redoes or as an announcement of
    that round, and was never published: it is no longer to be done."""
    return (doc.id < started_after and doc.status is not S.published
            and doc.kind in (*reopened(project), *ANNOUNCEMENTS) and not _of_the_result(doc))


def _of_the_result(doc: Document) -> bool:
    """A 变更公告 correcting only the shortlist's result (a supplier suspended or removed:
    portal.domain.shortlisted_admin) concerns the agreements in force, not a round's call."""
    if doc.kind != "change_announcement":
        return False
    revision = doc.current_revision
    if revision is not None:
        targets = {str(row.get("target")) for row in revision.data.get("corrections", ())
                   if isinstance(row, Mapping)}
    else:
        targets = {value for key, value in lifecycle.draft_formdata(doc).items(multi=True)
                   if key.startswith("corrections-") and key.endswith("-target")}
    return targets == {"result"}


def _running(session: Session, doc: Document) -> str | None:
    project = _project_in(session, doc)
    if project is not None and project.status is not ProjectStatus.active:
        return _("该项目已终止，不能发布“%(kind)s”。", kind=lifecycle.kind_of(doc).title)
    return None


def _retired(session: Session, doc: Document) -> str | None:
    project = _project_in(session, doc)
    if project is None or project.round < 2:
        return None
    if superseded(doc, project, projects.round_started_after(session, project)):
        return _("此“%(kind)s”编制于第 %(n)s 轮重新组织之前，本轮不再办理；请在本轮重新编制。",
                 kind=lifecycle.kind_of(doc).title, n=project.round)
    return None


def _one_call_a_round(session: Session, doc: Document) -> str | None:
    project = _project_in(session, doc)
    if project is not None and projects.current_call(session, project) is not None:
        return _("该项目本轮的征集公告已发布，不能再发布一份。")
    return None


def _prefill_from(kind_code: str) -> projects.Prefill:
    return lambda session, project: _previous_round(session, project, kind_code)


for _code in STEPS:
    lifecycle.register_rule(_code, _kept_as_it_was)
    projects.register_prefill(_code, _prefill_from(_code))
for _code in ANNOUNCEMENTS:  # first: a terminated project says it all
    lifecycle.register_publish_guard(_code, _running)
lifecycle.register_retired(_retired)
lifecycle.register_publish_guard("collection_announcement", _reopened_steps_done)
lifecycle.register_publish_guard("collection_announcement", _one_call_a_round)


def drafting_org(project: Project, kind_code: str) -> int:
    """Who drafts a reopened step: the agency the project is entrusted to when the kind lets
    it, otherwise the collector."""
    kind = documents.get_kind(kind_code)
    if "agency" in kind.drafted_by and project.agency_org_id is not None:
        return project.agency_org_id
    return project.collector_org_id


def _round_began(session: Session, project: Project) -> datetime:
    request = session.get(Document, projects.round_started_after(session, project))
    return request.updated_at if request is not None else project.created_at


@register_todo
def reopened_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """待重新编制: a reopened step nobody has drafted yet in this round leads to the project
    page, which says where the round starts and what must be redone."""
    if Position.clerk not in user.positions:
        return
    mine = session.scalars(select(Project).where(
        Project.round > 1, Project.status == ProjectStatus.active))
    for project in mine:
        for step in progress(session, project):
            if step.document is None and drafting_org(project, step.kind) == user.org_id:
                yield TodoItem(_("待重新编制"), f"{project.name}：{step.title}",
                               url_for("projects.show", project_id=project.id),
                               _round_began(session, project),
                               _("第 %(n)s 轮自“%(step)s”起重新组织", n=project.round,
                                 step=documents.get_kind(project.restart_step or "").title))
