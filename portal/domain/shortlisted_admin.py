"""入围供应商管理 (seed 001 §1.3.1.3, seed 000 §一 16): the collector keeps a project's
shortlisted suppliers current.

Name and uscc stay as the shortlist published them; address, contact and phone may change. A
supplier may be suspended (暂停, and resumed) or removed (清退, final) with a reason; either
drafts a 变更公告 (采购结果 corrected) for the collector to review and publish, linked from the
supplier's row. Every change is an audit event on the supplier, which is also its history.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit, projects
from portal.domain.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Document,
    Position,
    Project,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
    beijing_now,
)

SUBJECT = "shortlisted_supplier"
CHANGE = "change_announcement"
A, S, R = ShortlistedStatus.active, ShortlistedStatus.suspended, ShortlistedStatus.removed
#: (status, command) -> the status it leads to.
TRANSITIONS: dict[tuple[ShortlistedStatus, str], ShortlistedStatus] = {
    (A, "suspend"): S,
    (S, "resume"): A,
    (A, "remove"): R,
    (S, "remove"): R,
}
COMMANDS = ("suspend", "resume", "remove")
#: What the 变更公告 says the supplier became.
OUTCOME = {"suspend": "暂停入围资格", "remove": "清退出入围供应商名单"}


def is_active(s: ShortlistedSupplier) -> bool:
    """Whether the supplier may be chosen, delegate and appear in the catalogue."""
    return s.status is ShortlistedStatus.active


def active_suppliers(session: Session, project: Project, lot: str) -> list[ShortlistedSupplier]:
    """The active shortlisted suppliers of ``lot``, in rank order (admitted ones last)."""
    return [s for s in of_project(session, project) if s.lot_number == lot and is_active(s)]


def of_project(session: Session, project: Project) -> list[ShortlistedSupplier]:
    """Every shortlisted supplier of the project, by lot and rank."""
    rows = session.scalars(select(ShortlistedSupplier).where(
        ShortlistedSupplier.project_id == project.id))
    return sorted(rows, key=lambda s: (s.lot_number, s.rank is None, s.rank or 0, s.id))


def by_lot(rows: Sequence[ShortlistedSupplier]) -> dict[tuple[str, str], list[ShortlistedSupplier]]:
    lots: dict[tuple[str, str], list[ShortlistedSupplier]] = {}
    for s in rows:
        lots.setdefault((s.lot_number, s.lot_name), []).append(s)
    return lots


def managed_projects(session: Session, user: User) -> list[Project]:
    """Projects with shortlisted suppliers that the user's organisation collects or runs."""
    ids = select(ShortlistedSupplier.project_id)
    return list(session.scalars(select(Project).where(
        Project.id.in_(ids),
        (Project.collector_org_id == user.org_id) | (Project.agency_org_id == user.org_id))
        .order_by(Project.id.desc())))


def may_view(user: User, project: Project) -> bool:
    return user.org_id in (project.collector_org_id, project.agency_org_id)


def may_manage(user: User, project: Project) -> bool:
    """入围供应商管理 is the collector's: its clerk (经办岗) acts."""
    return user.org_id == project.collector_org_id and Position.clerk in user.positions


def _require_manager(actor: User, s: ShortlistedSupplier) -> None:
    if not may_manage(actor, s.project):
        raise Forbidden(_("只有该项目征集人的经办岗可以维护入围供应商。"))


def _check_version(s: ShortlistedSupplier, version: int | None) -> None:
    if version is not None and version != s.version:
        raise Conflict(_("该入围供应商已被他人修改，请刷新页面查看最新内容后再操作。"))


def update_contacts(session: Session, actor: User, s: ShortlistedSupplier, *, address: str,
                    contact: str, phone: str, version: int | None = None) -> None:
    """Address, contact and phone; name and uscc are locked."""
    _require_manager(actor, s)
    _check_version(s, version)
    if s.status is ShortlistedStatus.removed:
        raise TransitionNotAllowed(_("已清退的入围供应商不能再修改。"))
    before = {"address": s.address, "contact": s.contact, "phone": s.phone}
    after = {"address": address.strip(), "contact": contact.strip(), "phone": phone.strip()}
    if before == after:
        raise InvalidInput(_("信息没有变化。"))
    s.address, s.contact, s.phone = after["address"], after["contact"], after["phone"]
    audit.record(session, actor=actor, action="shortlisted.contacts", subject_type=SUBJECT,
                 subject_id=s.id, before=s.status.value, after=s.status.value,
                 detail={"before": before, "after": after, "project": s.project_id})
    session.commit()


def change_status(session: Session, actor: User, s: ShortlistedSupplier, command: str,
                  reason: str, *, version: int | None = None) -> Document | None:
    """暂停 / 恢复 / 清退 with a reason; a suspension or removal drafts a 变更公告 (returned)."""
    _require_manager(actor, s)
    _check_version(s, version)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("请填写原因。"))
    if len(reason) > 500:
        raise InvalidInput(_("原因不能超过500字。"))
    to = TRANSITIONS.get((s.status, command))
    if to is None:
        raise TransitionNotAllowed(_("该入围供应商当前状态下不能执行此操作。"))
    before = s.status
    s.status, s.status_reason = to, reason
    audit.record(session, actor=actor, action=f"shortlisted.{command}", subject_type=SUBJECT,
                 subject_id=s.id, before=before.value, after=to.value,
                 detail={"reason": reason, "project": s.project_id, "lot": s.lot_number,
                         "supplier": s.name})
    if command not in OUTCOME:
        session.commit()
        return None
    notice = _draft_notice(session, actor, s, command, reason)  # commits the change with it
    s.status_notice_id = notice.id
    session.commit()
    return notice


def _draft_notice(session: Session, actor: User, s: ShortlistedSupplier, command: str,
                  reason: str) -> Document:
    """A 变更公告 correcting the result: the supplier's status, old → new, and the reason.
    Drafted in the collector's name, in Chinese whatever the clerk's language."""
    project = s.project
    today = beijing_now().date().isoformat()
    call = projects.current_call(session, project)
    first = call.current_revision.data.get("publication_date") if call and \
        call.current_revision else None
    start = {
        "original_project_number": project.number, "original_project_name": project.name,
        "original_announcement_date": first or today,
        "corrections": [{
            "target": "result",
            "item": f"第{s.lot_number}包（{s.lot_name}）入围供应商{s.name}",
            "old_value": "入围",
            "new_value": f"{OUTCOME[command]}。原因：{reason}",
        }],
        "change_date": today,
    }
    title = f"{project.name}入围供应商{'暂停' if command == 'suspend' else '清退'}公告"
    return projects.draft_document(session, actor, project, CHANGE, title[:200],
                                   start_from=start)


def history(session: Session, s: ShortlistedSupplier) -> list[AuditEvent]:
    """The supplier's changes, oldest first (the audit events about it)."""
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == SUBJECT, AuditEvent.subject_id == str(s.id))
        .order_by(AuditEvent.seq)))
