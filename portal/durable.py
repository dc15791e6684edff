"""Durable work: the database, not Redis, says what must be rendered or sealed.

A revision whose ``render_status`` is queued, or a seal that is preparing or finishing, *is*
the intent to do that work; it is written in the same transaction as the state change that
asks for it. Redis only carries a copy of the intent (a job with the item's id), so a job lost
with Redis, a worker killed mid-job or a failure is found again by ``portal.dispatch``.

Each attempt claims the item for one worker with a conditional UPDATE; only the claimant may
finish it (the finishing UPDATE names the worker too), so whatever is retried, a revision is
rendered and a seal applied exactly once. A failed or abandoned attempt is released with a
back-off, and the last one marks the item failed with a readable reason.
"""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, and_, or_, update
from sqlalchemy.orm import Session

from portal.models import RenderStatus, Revision, Seal, SealStatus, utcnow

#: Seconds to wait before the 2nd, 3rd, … attempt; one more attempt than delays is made.
RENDER_BACKOFF = (5, 30, 120)
SEAL_BACKOFF = (5, 15, 30)
#: A claim younger than this is never taken for abandoned, whatever the heartbeats say (the
#: worker may not have sent its first heartbeat since it claimed the item).
CLAIM_GRACE = timedelta(seconds=20)


def worker_name() -> str:
    """The RQ worker running this job, or this process when a job is called directly."""
    from rq import get_current_job

    job = get_current_job()
    if job is not None and job.worker_name:
        return job.worker_name
    return f"inline:{socket.gethostname()}:{os.getpid()}"


_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[^\s/'\"]+){2,}/?")


def reason(exc: BaseException) -> str:
    """A reason people may read: no server paths, no tracebacks."""
    if isinstance(exc, OSError) and not isinstance(exc, ConnectionError | TimeoutError):
        return _("存储读写失败（磁盘已满或不可写），请联系管理员。")
    text = str(exc) if _is_permanent(exc) else f"{type(exc).__name__}: {exc}"
    return _PATH.sub("…", text)[:500]


def _is_permanent(exc: BaseException) -> bool:
    """Errors the libraries raise on purpose (bad data, refused certificate): retrying gives
    the same answer, so the item fails at once."""
    import documents
    import seals

    return isinstance(exc, documents.DocumentError | seals.SealsError)


def updated(db: Session, statement: Any) -> int:
    """Run an UPDATE and say how many rows it changed."""
    return cast("CursorResult[Any]", db.execute(statement)).rowcount


@dataclass(frozen=True)
class Outcome:
    status: str  # "retry" or "failed"
    due_at: datetime | None


def _next(attempts: int, backoff: tuple[int, ...], exc: BaseException | None,
          now: datetime) -> Outcome:
    if (exc is not None and _is_permanent(exc)) or attempts > len(backoff):
        return Outcome("failed", None)
    return Outcome("retry", now + timedelta(seconds=backoff[max(attempts, 1) - 1]))


# ---- rendering ---------------------------------------------------------------------------

def claim_render(db: Session, revision_id: int, worker: str) -> bool:
    now = utcnow()
    claimed = updated(db,
        update(Revision)
        .where(Revision.id == revision_id, Revision.render_status == RenderStatus.queued)
        .values(render_status=RenderStatus.running, render_worker=worker,
                render_started_at=now, render_attempts=Revision.render_attempts + 1)
    )
    db.commit()
    return bool(claimed)


def finish_render(db: Session, revision_id: int, worker: str, **values: Any) -> bool:
    """Record the result if this worker still holds the claim (else another attempt owns it)."""
    done = updated(db,
        update(Revision)
        .where(Revision.id == revision_id, Revision.render_status == RenderStatus.running,
               Revision.render_worker == worker)
        .values(render_status=RenderStatus.done, render_error=None, render_worker=None,
                render_due_at=None, **values)
    )
    db.commit()
    return bool(done)


def release_render(db: Session, revision: Revision, worker: str | None,
                   exc: BaseException | None, message: str, now: datetime | None = None,
                   failed_message: str | None = None) -> str:
    """After a failed or abandoned attempt: queue it again after a back-off, or fail it."""
    now = now or utcnow()
    outcome = _next(revision.render_attempts, RENDER_BACKOFF, exc, now)
    values: dict[str, Any] = {"render_worker": None, "render_error": message}
    if outcome.status == "failed":
        values["render_status"], values["render_due_at"] = RenderStatus.failed, None
        values["render_error"] = failed_message or message
    else:
        values["render_status"], values["render_due_at"] = RenderStatus.queued, outcome.due_at
    db.execute(update(Revision).where(
        Revision.id == revision.id, Revision.render_status == RenderStatus.running,
        Revision.render_worker == worker).values(**values))
    db.commit()
    return outcome.status


def request_render(revision: Revision) -> None:
    """Reset the dispatch state for a fresh request (submission or 重新生成)."""
    revision.render_status, revision.render_error = RenderStatus.queued, None
    revision.render_attempts, revision.render_due_at, revision.render_worker = 0, None, None


# ---- sealing steps -----------------------------------------------------------------------

SEAL_STEPS = (SealStatus.preparing, SealStatus.finishing)


def request_seal_step(seal: Seal) -> None:
    """The seal enters (or re-enters) a job step: preparing or finishing."""
    seal.step_requested_at, seal.error = utcnow(), None
    seal.job_attempts, seal.job_due_at, seal.job_worker = 0, None, None


def claim_seal(db: Session, seal_id: int, step: SealStatus, worker: str) -> bool:
    claimed = updated(db,
        update(Seal)
        .where(Seal.id == seal_id, Seal.status == step, Seal.job_worker.is_(None))
        .values(job_worker=worker, job_started_at=utcnow(), job_attempts=Seal.job_attempts + 1)
    )
    db.commit()
    return bool(claimed)


def finish_seal_step(db: Session, seal_id: int, step: SealStatus, worker: str,
                     **values: Any) -> bool:
    """Move the seal on if this worker still holds the claim; the caller commits (so an
    audit event can join the same transaction)."""
    return bool(updated(db, update(Seal)
                        .where(Seal.id == seal_id, Seal.status == step, Seal.job_worker == worker)
                        .values(job_worker=None, job_due_at=None, **values)))


def release_seal(db: Session, seal: Seal, worker: str | None, exc: BaseException | None,
                 message: str, now: datetime | None = None,
                 failed_message: str | None = None) -> str:
    now = now or utcnow()
    outcome = _next(seal.job_attempts, SEAL_BACKOFF, exc, now)
    values: dict[str, Any] = {"job_worker": None, "error": message}
    if outcome.status == "failed":
        values["status"], values["job_due_at"] = SealStatus.failed, None
        values["error"] = failed_message or message
    else:
        values["job_due_at"] = outcome.due_at
    db.execute(update(Seal).where(Seal.id == seal.id, Seal.status == seal.status,
                                  Seal.job_worker == worker).values(**values))
    db.commit()
    return outcome.status


# ---- what the dispatcher looks for ---------------------------------------------------------

def due_renders(now: datetime) -> Any:
    return and_(Revision.render_status == RenderStatus.queued,
                or_(Revision.render_due_at.is_(None), Revision.render_due_at <= now))


def due_seals(now: datetime) -> Any:
    return and_(Seal.status.in_(SEAL_STEPS), Seal.job_worker.is_(None),
                or_(Seal.job_due_at.is_(None), Seal.job_due_at <= now))
