"""Appending to and verifying the hash-chained audit trail.

Each event's hash covers its own fields and the previous event's hash, so changing, removing
or reordering any row breaks the chain from that row on; the head row catches a cut tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import AuditEvent, AuditHead, Organisation, Region, User, utcnow

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    payload = [
        event.seq,
        event.occurred_at.isoformat(timespec="microseconds"),
        event.actor_user_id,
        event.actor_org_id,
        event.action,
        event.subject_type,
        event.subject_id,
        event.before,
        event.after,
        event.detail,
        event.prev_hash,
    ]
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


#: The length of the before/after columns.
STATE_LENGTH = 128


def record(
    db: Session,
    *,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: object,
    before: object = None,
    after: object = None,
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction; the caller commits. ``before`` and
    ``after`` are short states (a status, an id); anything longer belongs in ``detail`` (the
    columns hold 128 characters, which PostgreSQL enforces and SQLite does not)."""
    for name, value in (("before", before), ("after", after)):
        if value is not None and len(str(value)) > STATE_LENGTH:
            raise ValueError(f"audit {action}: {name} longer than {STATE_LENGTH} characters; "
                             "put it in detail")
    head = db.execute(select(AuditHead).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        db.add(head)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=utcnow(),
        actor_user_id=actor.id if actor else None,
        actor_org_id=actor.org_id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before=None if before is None else str(before),
        after=None if after is None else str(after),
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event)
    head.last_seq, head.last_hash = event.seq, event.hash
    db.add(event)
    return event


def events_in_scope(db: Session, viewer: User, before: int | None,
                    limit: int) -> list[AuditEvent]:
    """The events a regulator may read, newest first: those done by organisations of the
    viewer's province (the province and its cities). Events without an acting organisation
    (the system's own steps, failed sign-ins) name no one's region and are left out."""
    province = viewer.org.region.province
    regions = select(Region.id).where((Region.id == province.id)
                                      | (Region.parent_id == province.id))
    orgs = select(Organisation.id).where(Organisation.region_id.in_(regions))
    query = (select(AuditEvent).where(AuditEvent.actor_org_id.in_(orgs))
             .order_by(AuditEvent.seq.desc()).limit(limit))
    if before:
        query = query.where(AuditEvent.seq < before)
    return list(db.scalars(query))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    broken_at: int | None = None
    reason: str = ""


def verify_chain(db: Session) -> ChainReport:
    events: Iterable[AuditEvent] = db.execute(
        select(AuditEvent).order_by(AuditEvent.seq)
    ).scalars()
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for event in events:
        if event.seq != expected_seq:
            return ChainReport(False, count, expected_seq, "事件序号不连续（有记录被删除）")
        if event.prev_hash != expected_prev:
            return ChainReport(False, count, event.seq, "前一事件哈希不符（记录被改动或重排）")
        if _digest(event) != event.hash:
            return ChainReport(False, count, event.seq, "事件内容与其哈希不符（记录被改动）")
        expected_prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    head = db.get(AuditHead, 1)
    if head is not None and (head.last_seq, head.last_hash) != (count, expected_prev):
        return ChainReport(False, count, count + 1, "链尾与链头记录不符（末尾记录被删除）")
    return ChainReport(True, count)
