"""框架协议备案 (seed 001 §1.3.1.4): where the region requires it, the collector files each
sealed agreement with the regulator of its province, who receives it (已备案) or returns it with
a reason (the collector may file it again). Until then no call-off may use the agreement:
:func:`require_usable` is what stage two asks before it does.

Whether a region requires filing is a switch an administrator sets per province
(:class:`RegionSetting`; 河南 requires it in the demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import agreements, audit, notices, sealing, workdays
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    Document,
    FilingStatus,
    FrameworkAgreement,
    Organisation,
    OrgKind,
    Position,
    Project,
    Region,
    RegionSetting,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
    beijing,
    utcnow,
)
from portal.todo import TodoItem, register

MAX_REASON = 500


class AgreementNotUsable(TransitionNotAllowed):
    """A call-off may not use the agreement (not sealed, not filed, supplier not active)."""


# ---- the region switch -------------------------------------------------------------------

def province_of(project: Project) -> Region:
    return project.collector.region.province


def filing_required(session: Session, project: Project) -> bool:
    setting = session.get(RegionSetting, province_of(project).id)
    return bool(setting and setting.agreement_filing_required)


def settings(session: Session) -> list[tuple[Region, bool]]:
    """Every province with its switch, by code."""
    chosen = {s.region_id: s.agreement_filing_required for s in session.scalars(
        select(RegionSetting))}
    provinces = session.scalars(select(Region).where(Region.parent_id.is_(None))
                                .order_by(Region.code))
    return [(region, chosen.get(region.id, False)) for region in provinces]


def set_required(session: Session, actor: User | None, region: Region, required: bool) -> None:
    """The administrator's switch (actor None: the demo seed). Audited; takes effect at once."""
    if region.parent_id is not None:
        raise InvalidInput(_("备案要求按省级区域设置。"))
    setting = session.get(RegionSetting, region.id)
    before = setting.agreement_filing_required if setting else False
    if setting is None:
        setting = RegionSetting(region_id=region.id)
        session.add(setting)
    setting.agreement_filing_required = required
    setting.updated_at, setting.updated_by = utcnow(), actor.id if actor else None
    audit.record(session, actor=actor, action="region.agreement_filing_set",
                 subject_type="region", subject_id=region.code, before=str(before).lower(),
                 after=str(required).lower(), detail={"region": region.name})
    session.commit()


# ---- filing ------------------------------------------------------------------------------

def regulator_of(session: Session, project: Project) -> Organisation | None:
    province = province_of(project)
    return session.scalar(select(Organisation).where(
        Organisation.kind == OrgKind.regulator, Organisation.region_id == province.id)
        .order_by(Organisation.id))


#: Filed within 7 working days of signing (documents.md: 框架协议).
FILING_WORKING_DAYS = 7


def filing_deadline(session: Session, agreement: FrameworkAgreement) -> date | None:
    """The last day to file a sealed agreement: 7 working days after the collector's seal."""
    doc = session.get(Document, agreement.document_id)
    revision = doc.current_revision if doc else None
    if revision is None or not agreements.is_sealed(session, agreement):
        return None
    signed = max((s.confirmed_at for s in sealing.confirmed_seals(session, revision)
                  if s.confirmed_at), default=None)
    if signed is None:
        return None
    day, left, days = beijing(signed).date(), FILING_WORKING_DAYS, workdays.calendar(session)
    while left:
        day += timedelta(days=1)
        if days.is_working_day(day):
            left -= 1
    return day


def may_file(user: User, project: Project) -> bool:
    return user.org_id == project.collector_org_id and Position.clerk in user.positions


def may_decide(session: Session, user: User, project: Project) -> bool:
    regulator = regulator_of(session, project)
    return (regulator is not None and user.org_id == regulator.id
            and Position.reviewer in user.positions)


def _project(agreement: FrameworkAgreement) -> Project:
    return agreement.shortlisted.project


def _audit(session: Session, actor: User, agreement: FrameworkAgreement, action: str,
           before: FilingStatus | None, detail: dict[str, object] | None = None) -> None:
    audit.record(session, actor=actor, action=f"agreement.filing_{action}",
                 subject_type="framework_agreement", subject_id=agreement.id,
                 before=before.value if before else None,
                 after=agreement.filing_status.value if agreement.filing_status else None,
                 detail={"supplier": agreement.shortlisted.name, **(detail or {})})


def submit(session: Session, actor: User, agreement: FrameworkAgreement) -> None:
    """报送备案: a sealed agreement, first time or after it was returned. The caller commits."""
    project = _project(agreement)
    if not may_file(actor, project):
        raise Forbidden(_("只有本项目征集人的经办岗可以报送框架协议备案。"))
    if not filing_required(session, project):
        raise TransitionNotAllowed(_("%(region)s不要求框架协议备案。",
                                     region=province_of(project).name))
    if not agreements.is_sealed(session, agreement):
        raise TransitionNotAllowed(_("框架协议须由供应商和征集人签订后才能报送备案。"))
    if agreement.filing_status in (FilingStatus.submitted, FilingStatus.received):
        raise TransitionNotAllowed(_("该框架协议已报送备案，不能重复报送。"))
    if regulator_of(session, project) is None:
        raise TransitionNotAllowed(_("%(region)s尚无财政部门账号，无法报送备案。",
                                     region=province_of(project).name))
    before = agreement.filing_status
    agreement.filing_status, agreement.filing_submitted_at = FilingStatus.submitted, utcnow()
    agreement.filing_decided_at = agreement.filing_decided_by = None
    _audit(session, actor, agreement, "submitted", before)


def submit_all(session: Session, actor: User, project: Project) -> int:
    """报送 every sealed agreement of the project not yet filed or waiting; returns how many."""
    waiting = [g.agreement for g in agreements.of_project(session, project)
               if agreements.is_sealed(session, g.agreement)
               and g.agreement.filing_status in (None, FilingStatus.returned)]
    if not waiting:
        raise TransitionNotAllowed(_("没有待报送备案的已签订框架协议。"))
    for agreement in waiting:
        submit(session, actor, agreement)
    regulator = regulator_of(session, project)
    if regulator is not None:
        notices.send(session, [regulator.id], f"框架协议备案：{project.name}",
                     f"“{project.name}”（{project.number}）报送了{len(waiting)}份框架协议备案，"
                     "请审核。", None)
    session.commit()
    return len(waiting)


def _require_regulator(session: Session, actor: User, agreement: FrameworkAgreement) -> None:
    if not may_decide(session, actor, _project(agreement)):
        raise Forbidden(_("只有该项目所在地区财政部门的审核岗可以办理框架协议备案。"))
    if agreement.filing_status is not FilingStatus.submitted:
        raise TransitionNotAllowed(_("该框架协议当前不在待备案状态。"))


def receive(session: Session, actor: User, agreement: FrameworkAgreement) -> None:
    """已备案: the regulator receives the filing."""
    _require_regulator(session, actor, agreement)
    agreement.filing_status = FilingStatus.received
    agreement.filing_decided_at, agreement.filing_decided_by = utcnow(), actor.id
    agreement.filing_note = None
    _audit(session, actor, agreement, "received", FilingStatus.submitted)
    session.commit()


def return_filing(session: Session, actor: User, agreement: FrameworkAgreement,
                  reason: str) -> None:
    """退回 with a reason; the collector may file it again."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("退回备案时必须填写退回原因。"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(_("退回原因不能超过%(n)s字。", n=MAX_REASON))
    _require_regulator(session, actor, agreement)
    agreement.filing_status = FilingStatus.returned
    agreement.filing_decided_at, agreement.filing_decided_by = utcnow(), actor.id
    agreement.filing_note = reason
    _audit(session, actor, agreement, "returned", FilingStatus.submitted, {"reason": reason})
    project = _project(agreement)
    notices.send(session, [project.collector_org_id], f"框架协议备案退回：{project.name}",
                 f"“{agreement.shortlisted.name}”的框架协议备案被退回，原因：{reason}", None)
    session.commit()


# ---- what stage two asks -----------------------------------------------------------------

def require_usable(session: Session, shortlisted: ShortlistedSupplier) -> None:
    """Raise :class:`AgreementNotUsable` (a Chinese message) unless a call-off may use this
    supplier's agreement: supplier active, agreement sealed by both parties, and filed where
    the region requires it."""
    if shortlisted.status is not ShortlistedStatus.active:
        state = _("已暂停") if shortlisted.status is ShortlistedStatus.suspended else _("已清退")
        raise AgreementNotUsable(_("入围供应商“%(name)s”%(state)s，不能据此框架协议采购。",
                                   name=shortlisted.name, state=state))
    agreement = agreements.of_shortlisted(session, shortlisted)
    if agreement is None or not agreements.is_sealed(session, agreement):
        raise AgreementNotUsable(_("“%(name)s”的框架协议尚未由双方签订，不能据此采购。",
                                   name=shortlisted.name))
    project = shortlisted.project
    if filing_required(session, project) and agreement.filing_status is not FilingStatus.received:
        raise AgreementNotUsable(_("%(region)s要求框架协议备案，“%(name)s”的框架协议尚未备案，"
                                   "不能据此采购。", region=province_of(project).name,
                                   name=shortlisted.name))


# ---- 我的待办 -------------------------------------------------------------------------------

@register
def filing_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """The regulator's filings to decide; the collector's sealed agreements to file."""
    if user.role is OrgKind.regulator and Position.reviewer in user.positions:
        found = session.execute(select(FrameworkAgreement, ShortlistedSupplier).join(
            ShortlistedSupplier, FrameworkAgreement.shortlisted_id == ShortlistedSupplier.id)
            .where(FrameworkAgreement.filing_status == FilingStatus.submitted))
        for agreement, row in found:
            if may_decide(session, user, row.project):
                yield TodoItem(_("框架协议待备案"), f"{row.project.name} · {row.name}",
                               url_for("agreements.index", project_id=row.project_id),
                               agreement.filing_submitted_at or agreement.generated_at)
    if user.role is OrgKind.collector and Position.clerk in user.positions:
        for project in session.scalars(select(Project).where(
                Project.collector_org_id == user.org_id)):
            if not filing_required(session, project):
                continue
            waiting = [g for g in agreements.of_project(session, project)
                       if g.agreement.filing_status in (None, FilingStatus.returned)
                       and agreements.is_sealed(session, g.agreement)]
            if waiting:
                yield TodoItem(_("框架协议待报送备案"), project.name,
                               url_for("agreements.index", project_id=project.id),
                               max(g.document.updated_at for g in waiting))
