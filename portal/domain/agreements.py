"""框架协议 generated from the shortlist (seed 000 §一 15, §一 17.2, §二 8).

生成框架协议: whoever ran the project (its agency, else the collector) generates one 框架协议 per
入围供应商: 甲方 the collector, 乙方 the supplier (never a free choice), the solicitation's
agreement terms, the lot's requirements and maximum price, the supplier's shortlisted product
and price, the term. Generating again makes nothing twice. The clerk checks and submits it;
the collector's reviewer reviews it with an opinion (the one document lifecycle); each
supplier seals its own (协议签订); once every supplier has, the collector seals them all with
one PIN entry (一键签订), each seal a durable job whose progress the page polls.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.domain import audit, lifecycle, participation, projects, sealing, shortlisted
from portal.domain.errors import Forbidden, NotFound, TransitionNotAllowed
from portal.models import (
    Document,
    DocumentStatus,
    FrameworkAgreement,
    Position,
    Project,
    Seal,
    SealStatus,
    ShortlistedStatus,
    ShortlistedSupplier,
    User,
    beijing,
    beijing_now,
)
from portal.models.seal import live_seals
from portal.todo import TodoItem
from portal.todo import register as register_todo

KIND = "framework_agreement"
SUPPLIER_POSITION, COLLECTOR_POSITION = 0, 1  # the kind seals supplier, then collector


# ---- who may act -------------------------------------------------------------------------

def organiser_id(project: Project) -> int:
    """The organisation that ran the project and drafts its agreements."""
    return project.agency_org_id or project.collector_org_id


def may_generate(user: User, project: Project) -> bool:
    return user.org_id == organiser_id(project) and Position.clerk in user.positions


def _require_organiser(actor: User, project: Project) -> None:
    if not may_generate(actor, project):
        raise Forbidden(_("只有组织本项目的代理机构或征集人的经办岗可以生成框架协议。"))


def may_seal_all(user: User, project: Project) -> bool:
    return user.org_id == project.collector_org_id and Position.clerk in user.positions


# ---- generating --------------------------------------------------------------------------

def _plain(html: str | None) -> str:
    text = re.sub(r"<br\s*/?>|</p>|</li>", "\n", html or "")
    return re.sub(r"\n{2,}", "\n", re.sub(r"<[^>]+>", "", text)).strip()


def term(start: date, months: int) -> tuple[date, date]:
    """From ``start`` for ``months`` months, ending the day before the same date."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start, date(year, month, day) - timedelta(days=1)


def start_data(session: Session, row: ShortlistedSupplier) -> dict[str, Any]:
    """The 框架协议 of one 入围供应商, from the sealed solicitation, the plan and the shortlist."""
    project = row.project
    solicitation = participation.sealed_solicitation(session, project)
    rules: dict[str, Any] = dict(solicitation.data) if solicitation else {}
    lot: dict[str, Any] = next(
        (lot for lot in rules.get("lots") or () if lot.get("number") == row.lot_number), {})
    plan = projects.approved_plan(session, project)
    plan_data = plan.current_revision.data if plan and plan.current_revision else {}
    today = beijing_now().date()
    starts, ends = term(today, int(rules.get("agreement_term_months") or project.term_months))
    sequence = row.rank or row.id
    return {
        "agreement_number": f"{project.number}-{row.lot_number}-{sequence:02d}",
        "agreement_name": f"{project.name}框架协议（第{row.lot_number}包）",
        "project_name": project.name, "project_number": project.number,
        "project_category": project.category,
        "supplier": {"address": row.address, "contact": row.contact, "phone": row.phone},
        "lot_number": row.lot_number, "lot_name": row.lot_name,
        "requirements": f"<p>{escape(str(lot.get('summary') or row.lot_name))}</p>",
        "max_unit_price": str(lot.get("max_unit_price") or row.unit_price),
        "products": [{"name": row.lot_name, "model": row.product[:300] or row.lot_name,
                      "unit": str(lot.get("unit") or "台"),
                      "agreement_price": f"{row.unit_price:.2f}"}],
        "upgrade_rules": _plain(rules.get("upgrade_rules")) or "—",
        "second_stage_methods": list(rules.get("second_stage_methods") or ()),
        "eligible_purchasers": plan_data.get("eligible_purchasers") or project.region,
        "region": plan_data.get("region") or project.region,
        "payment_terms": _plain(rules.get("payment_terms")) or "—",
        "contract_text": rules.get("contract_text") or "<p>—</p>",
        "removal_addition_rules": _plain(rules.get("removal_addition_rules")) or "—",
        "rights_duties": rules.get("framework_agreement_text") or "<p>—</p>",
        "term_start": starts.isoformat(), "term_end": ends.isoformat(),
        "signing_date": today.isoformat(),
    }


#: 框架协议 are signed within 30 days of the shortlist's publication (财政部令第110号).
SIGNING_DAYS = 30


def signing_deadline(session: Session, project: Project) -> date | None:
    """The last day to sign the agreements: 30 days from the shortlist's publication."""
    published = shortlisted.published_shortlist(session, project)
    if published is None:
        return None
    return beijing(published.updated_at).date() + timedelta(days=SIGNING_DAYS)


def of_shortlisted(session: Session, row: ShortlistedSupplier) -> FrameworkAgreement | None:
    return session.scalar(select(FrameworkAgreement).where(
        FrameworkAgreement.shortlisted_id == row.id))


def generate_for(session: Session, actor: User, row: ShortlistedSupplier) -> FrameworkAgreement:
    """The 框架协议 of one 入围供应商 (an admitted open applicant too): made once, then returned."""
    project = row.project
    _require_organiser(actor, project)
    existing = of_shortlisted(session, row)
    if existing is not None:
        return existing
    if row.status is not ShortlistedStatus.active:
        raise TransitionNotAllowed(_("“%(name)s”已被暂停或清退，不能生成框架协议。", name=row.name))
    doc = projects.draft_document(
        session, actor, project, KIND, f"框架协议·第{row.lot_number}包·{row.name}",
        start_from=start_data(session, row), parties={"supplier": row.supplier})
    agreement = FrameworkAgreement(shortlisted_id=row.id, document_id=doc.id,
                                   generated_by=actor.id)
    session.add(agreement)
    try:
        session.flush()
    except IntegrityError:  # generated at the same moment by another request: keep theirs
        session.rollback()
        lifecycle.discard_draft(session, actor, doc, None)
        found = of_shortlisted(session, row)
        assert found is not None
        return found
    audit.record(session, actor=actor, action="agreement.generated",
                 subject_type="framework_agreement", subject_id=agreement.id,
                 after=doc.status.value,
                 detail={"project": project.id, "lot": row.lot_number, "supplier": row.name,
                         "document": doc.id})
    session.commit()
    return agreement


def generate(session: Session, actor: User, project: Project) -> list[FrameworkAgreement]:
    """生成框架协议 for every active 入围供应商 of the published shortlist."""
    _require_organiser(actor, project)
    if shortlisted.published_shortlist(session, project) is None:
        raise TransitionNotAllowed(_("入围结果公告发布后才能生成框架协议。"))
    if shortlisted.synchronise(session, actor, project):
        session.commit()
    return [generate_for(session, actor, row) for row in shortlisted.active(session, project)]


def submit_all(session: Session, actor: User, project: Project) -> int:
    """提交: every generated agreement still in draft goes to review; returns how many."""
    _require_organiser(actor, project)
    count = 0
    for row in of_project(session, project):
        if row.document.status is DocumentStatus.draft:
            lifecycle.submit(session, actor, row.document, None)
            count += 1
    return count


# ---- reading -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AgreementRow:
    shortlisted: ShortlistedSupplier
    agreement: FrameworkAgreement | None
    document: Document | None
    supplier_sealed: bool
    collector_sealed: bool
    collector_seal: Seal | None  # the collector's seal under way or last applied


def _row(session: Session, shortlisted_row: ShortlistedSupplier,
         agreement: FrameworkAgreement | None) -> AgreementRow:
    doc = session.get(Document, agreement.document_id) if agreement else None
    revision = doc.current_revision if doc else None
    seals = live_seals(session, revision.id) if revision else []
    confirmed = [s for s in seals if s.status is SealStatus.confirmed]
    collector = next((s for s in reversed(seals) if s.position == COLLECTOR_POSITION), None)
    return AgreementRow(shortlisted_row, agreement, doc,
                        supplier_sealed=any(s.position == SUPPLIER_POSITION for s in confirmed),
                        collector_sealed=any(s.position == COLLECTOR_POSITION for s in confirmed),
                        collector_seal=collector)


def rows(session: Session, project: Project) -> list[AgreementRow]:
    """Every 入围供应商 of the project with its agreement (if generated) and seal state."""
    return [_row(session, s, of_shortlisted(session, s))
            for s in shortlisted.of_project(session, project)]


@dataclass(frozen=True)
class Generated:
    agreement: FrameworkAgreement
    document: Document


def of_project(session: Session, project: Project) -> list[Generated]:
    found = session.execute(select(FrameworkAgreement, Document).join(
        ShortlistedSupplier, FrameworkAgreement.shortlisted_id == ShortlistedSupplier.id).join(
        Document, FrameworkAgreement.document_id == Document.id).where(
        ShortlistedSupplier.project_id == project.id).order_by(
        ShortlistedSupplier.lot_number, ShortlistedSupplier.rank, ShortlistedSupplier.id))
    return [Generated(a, d) for a, d in found]


def is_sealed(session: Session, agreement: FrameworkAgreement) -> bool:
    """Sealed by the supplier and the collector (the document's last seal submitted)."""
    doc = session.get(Document, agreement.document_id)
    return doc is not None and doc.status in (DocumentStatus.sealed, DocumentStatus.published)


# ---- 一键签订 -------------------------------------------------------------------------------

def _require_collector(actor: User, project: Project) -> None:
    if not may_seal_all(actor, project):
        raise Forbidden(_("只有本项目征集人的经办岗可以一键签订。"))


def waiting_for_suppliers(session: Session, project: Project) -> list[str]:
    """Who has yet to seal (or whose agreement is not generated, reviewed or approved)."""
    missing = []
    for row in rows(session, project):
        if row.shortlisted.status is not ShortlistedStatus.active:
            continue
        if row.document is None or not row.supplier_sealed:
            missing.append(f"{row.shortlisted.name}（第{row.shortlisted.lot_number}包）")
    return missing


def start_collector_sealing(session: Session, actor: User, project: Project) -> list[Seal]:
    """一键签订: start the collector's seal on every agreement every supplier has sealed; each
    is prepared by a job, then :func:`sign_all` signs them with one PIN. Refused, naming who,
    until every active supplier has sealed. Agreements already sealed or under way are left."""
    _require_collector(actor, project)
    missing = waiting_for_suppliers(session, project)
    if missing:
        raise TransitionNotAllowed(_(
            "以下入围供应商尚未签订框架协议，全部签订后才能一键签订：%(who)s",
            who="、".join(missing)))
    started = []
    for row in rows(session, project):
        doc = row.document
        if row.shortlisted.status is not ShortlistedStatus.active or doc is None \
                or row.collector_sealed or sealing.in_progress(session, doc) is not None:
            continue
        if sealing.next_position(session, doc) != COLLECTOR_POSITION:
            continue
        started.append(sealing.start(session, actor, doc, doc.version, 0, None, None))
    if not started and not batch(session, project):
        raise TransitionNotAllowed(_("没有待征集人签订的框架协议。"))
    audit.record(session, actor=actor, action="agreement.collector_sealing_started",
                 subject_type="project", subject_id=project.id,
                 detail={"seals": [s.id for s in started]})
    session.commit()
    return started


def batch(session: Session, project: Project) -> list[Seal]:
    """The collector's seals under way on the project's agreements (not yet submitted)."""
    return [row.collector_seal for row in rows(session, project)
            if row.collector_seal is not None
            and row.collector_seal.status in sealing.IN_PROGRESS | {SealStatus.failed}]


def awaiting_key(session: Session, project: Project) -> list[Seal]:
    return [s for s in batch(session, project) if s.status is SealStatus.awaiting_key]


def sign_all(session: Session, actor: User, project: Project, pin: str) -> int:
    """The one PIN entry: the key opens once per seal in this request, signs every prepared
    agreement, and the jobs embed the signatures. A wrong PIN stops at the first."""
    _require_collector(actor, project)
    waiting = awaiting_key(session, project)
    if not waiting:
        raise TransitionNotAllowed(_("签章尚在准备中，请稍候再输入证书密码。"))
    for seal in waiting:
        sealing.sign_with_pin(session, actor, seal, pin)
    return len(waiting)


def confirm_all(session: Session, actor: User, project: Project) -> int:
    """提交 every applied collector seal: each agreement is then sealed by both parties."""
    _require_collector(actor, project)
    applied = [s for s in batch(session, project) if s.status is SealStatus.applied]
    for seal in applied:
        sealing.confirm(session, actor, seal)
    return len(applied)


def project_of(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(_("没有该项目。"))
    return project


# ---- 我的待办 -------------------------------------------------------------------------------

@register_todo
def agreements_todo(session: Session, user: User) -> Iterator[TodoItem]:
    """The organiser: a published shortlist whose agreements are not generated yet; the
    collector: every supplier has sealed and its one-click signing is due."""
    if Position.clerk not in user.positions:
        return
    for project in session.scalars(select(Project).where(or_(
            Project.collector_org_id == user.org_id, Project.agency_org_id == user.org_id))):
        published = shortlisted.published_shortlist(session, project)
        if published is None:
            continue
        link = url_for("agreements.index", project_id=project.id)
        generated = {g.agreement.shortlisted_id for g in of_project(session, project)}
        if may_generate(user, project) and (
                not generated or any(s.id not in generated
                                     for s in shortlisted.active(session, project))):
            yield TodoItem(_("待生成框架协议"), project.name, link, published.updated_at)
        if may_seal_all(user, project) and generated:
            found = rows(session, project)
            due = [r for r in found if r.document is not None and not r.collector_sealed
                   and r.shortlisted.status is ShortlistedStatus.active]
            if due and not waiting_for_suppliers(session, project):
                yield TodoItem(_("待一键签订框架协议"), project.name, link,
                               max(r.document.updated_at for r in due if r.document))
