"""Which OCDS contracting process each announcement is a release of.

OCDS models a framework-agreement procedure with second-stage competition as separate
contracting processes (its guidance "Framework agreements"): the first stage, which sets up the
agreement, and one process per call-off, which names the first stage as a related process with
the relationship ``framework``. The portal has no call-off aggregate yet, so the processes are
derived here from what the published announcements themselves say:

- 征集, 变更, 终止 and 入围结果 announcements are releases of their project's stage-one process
  (the ocid carries the project number). A project re-organised after its termination
  (重新组织征集) runs its next round as a new process that follows on from the terminated one
  (``unsuccessfulProcess``).
- 二次竞价, 成交结果 and 合同 announcements that share a second-stage project number (项目编号)
  are releases of one call-off. Its framework is the stage-one project whose number the
  framework agreement's number extends (``NMGZC-KJ-2027-0011-KX01`` →
  ``NMGZC-KJ-2027-0011``: agreements are numbered within their project), among the projects
  already on the board. An announcement that names no agreement (合同公告) takes the link from
  the call-off's earlier releases.
  A 合同公告 of an order (直接选定) is a release of the order's call-off, whose framework is the
  project of the agreement the order calls off (``portal.board.call_offs`` adds the order's
  award, contract and implementation releases).
- Anything else (采购意向) is a process of its own.

Every process of a project (its rounds and call-offs) shares the ocid of the project's first
stage-one process, ``project_ocid``, so a project's record package is one query.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Announcement, AnnouncementProcess, Document, Order, Project

OCID_PREFIX = "ocds-kuangcai-"
STAGE_ONE = frozenset({"collection", "change", "termination", "shortlist"})
CALL_OFF = frozenset({"bidding", "deal", "contract"})
FRAMEWORK = "framework"
UNSUCCESSFUL = "unsuccessfulProcess"


def place(db: Session, doc: Document, a: Announcement) -> AnnouncementProcess:
    """The process of ``a``, being published from ``doc``; the caller adds and commits it."""
    ocid = OCID_PREFIX + (a.project_number or f"A{a.document_id}")
    if a.board_category in STAGE_ONE:
        project = db.get(Project, doc.project_id) if doc.project_id else None
        round_ = project.round if project else 1
        if round_ > 1:
            return AnnouncementProcess(
                document_id=a.document_id, ocid=_round(ocid, round_), project_ocid=ocid,
                related_ocid=_round(ocid, round_ - 1), relation=UNSUCCESSFUL)
    elif a.board_category in CALL_OFF:
        revision = doc.current_revision
        assert revision is not None
        found = (_ordered_from(db, doc) or _framework(db, revision.data.get("agreement_number"))
                 or _linked_before(db, ocid))
        if found is not None:
            framework, project_ocid = found
            return AnnouncementProcess(
                document_id=a.document_id, ocid=ocid, project_ocid=project_ocid,
                related_ocid=framework, relation=FRAMEWORK)
    return AnnouncementProcess(document_id=a.document_id, ocid=ocid, project_ocid=ocid)


def _round(first: str, round_: int) -> str:
    return first if round_ == 1 else f"{first}-R{round_}"


def _framework(db: Session, agreement_number: object) -> tuple[str, str] | None:
    """(framework ocid, project ocid) of the stage-one project on the board with the longest
    number that is ``agreement_number`` or a ``-``-separated beginning of it; its newest
    round, which is the one that concluded the agreement."""
    if not isinstance(agreement_number, str) or not agreement_number.strip():
        return None
    parts = agreement_number.strip().split("-")
    numbers = ["-".join(parts[:n]) for n in range(len(parts), 0, -1)]
    A, P = Announcement, AnnouncementProcess
    row = db.execute(
        select(P.ocid, P.project_ocid).join(A, A.document_id == P.document_id)
        .where(A.board_category.in_(STAGE_ONE), A.project_number.in_(numbers))
        .order_by(func.length(A.project_number).desc(), A.published_at.desc(),
                  A.document_id.desc())
        .limit(1)).first()
    return (row[0], row[1]) if row else None


def _ordered_from(db: Session, doc: Document) -> tuple[str, str] | None:
    """An order's 合同公告: the stage-one process of the project whose agreement it calls off
    (its current round, which concluded the agreement)."""
    order = db.scalar(select(Order).where(Order.announcement_id == doc.id))
    if order is None or not order.lines:
        return None
    project = order.lines[0].shortlisted.project
    first = OCID_PREFIX + project.number
    return _round(first, project.round), first


def _linked_before(db: Session, ocid: str) -> tuple[str, str] | None:
    """The framework an earlier release of the call-off ``ocid`` named."""
    P = AnnouncementProcess
    row = db.execute(select(P.related_ocid, P.project_ocid)
                     .where(P.ocid == ocid, P.relation == FRAMEWORK).limit(1)).first()
    return (row[0], row[1]) if row and row[0] else None


def project_of(db: Session, ocid: str) -> list[Announcement]:
    """Every announcement of the project the process ``ocid`` belongs to (all its rounds and
    call-offs), oldest first; empty when no announcement on the board has that ocid."""
    A, P = Announcement, AnnouncementProcess
    projects = select(P.project_ocid).where(P.ocid == ocid)
    return list(db.scalars(
        select(A).join(P, A.document_id == P.document_id)
        .where(P.project_ocid.in_(projects))
        .order_by(A.published_at, A.document_id)
        .options(selectinload(A.process))))
