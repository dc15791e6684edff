"""The dispatcher: copies the database's intents (``portal.durable``) into Redis queues.

Two triggers: right after the commit that asks for the work (``after_commit``: if Redis is
down the request still succeeds, and the user sees 已提交，排队中), and a periodic ``sweep``
that every worker runs in a thread (``jobs.worker``) and ``kuangcai scheduler`` runs on its
own. One sweep at a time across all processes (a Redis lock); each pass

1. releases claims whose worker stopped sending heartbeats (killed, or lost with its machine):
   the item is retried with a back-off, or failed after the last attempt;
2. enqueues every item that is due and has no waiting or running job in Redis;
3. records when it ran, for /healthz.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.job import Job, JobStatus
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db, durable
from portal.jobs_queue import redis_connection
from portal.models import RenderStatus, Revision, Seal, SealStatus, utcnow

log = logging.getLogger(__name__)

WAITING = {JobStatus.SCHEDULED, JobStatus.DEFERRED}
LAST_RUN_KEY = "kuangcai:scheduler:last_run"
LOCK_KEY = "kuangcai:scheduler:lock"
#: Job time limits sized to the work (a long document renders in a few seconds when warm).
RENDER_TIMEOUT = 300
SEAL_TIMEOUT = 120
SEAL_STEP_FUNCTIONS = {SealStatus.preparing: "jobs.sealing.prepare_seal",
                       SealStatus.finishing: "jobs.sealing.finish_seal"}


def render_job_id(revision_id: int) -> str:
    return f"render-{revision_id}"


def seal_job_id(seal_id: int, step: SealStatus) -> str:
    return f"seal-{seal_id}-{step.value}"


def _live_copy(job: Job, queue: Queue, alive: set[str] | None) -> bool:
    """Whether ``job`` will still run or is running: queued and really in its queue's list
    (a Redis restored from its append-only file may hold the job but not the list entry), or
    started on a worker that is alive (``alive`` None: trust it)."""
    status = job.get_status(refresh=False)
    if status == JobStatus.QUEUED:
        return queue.connection.lpos(queue.key, job.id) is not None
    if status == JobStatus.STARTED:
        return alive is None or job.worker_name in alive
    return status in WAITING


def _enqueue(queue_name: str, function: str, item_id: int, job_id: str, timeout: int,
             alive: set[str] | None = None) -> bool:
    """Queue the job unless a live copy exists; True if queued now."""
    connection = redis_connection()
    queue = Queue(queue_name, connection=connection)
    if Job.exists(job_id, connection=connection):
        existing = Job.fetch(job_id, connection=connection)
        if _live_copy(existing, queue, alive):
            return False
        existing.delete()  # finished, failed, or stale (its worker died): replaced
    queue.enqueue(
        function, item_id, job_id=job_id, job_timeout=timeout, result_ttl=3600,
        failure_ttl=7 * 24 * 3600)
    return True


def enqueue_render(revision_id: int, alive: set[str] | None = None) -> bool:
    return _enqueue("render", "jobs.render.render_revision", revision_id,
                    render_job_id(revision_id), RENDER_TIMEOUT, alive)


def enqueue_seal_step(seal_id: int, step: SealStatus, alive: set[str] | None = None) -> bool:
    """Ids only: no PIN, no key, ever."""
    return _enqueue("default", SEAL_STEP_FUNCTIONS[step], seal_id, seal_job_id(seal_id, step),
                    SEAL_TIMEOUT, alive)


def after_commit(action: str, item_id: int, step: SealStatus | None = None) -> bool:
    """Try to queue what a committed command asked for. If Redis is unreachable the intent
    stays in the database and the next sweep queues it; the request does not fail."""
    try:
        if action == "render":
            enqueue_render(item_id)
        else:
            assert step is not None
            enqueue_seal_step(item_id, step)
    except RedisError as exc:
        log.warning("queueing %s %s deferred to the dispatcher: %s", action, item_id, exc)
        return False
    return True


# ---- the periodic pass -------------------------------------------------------------------

def alive_workers(connection: object, window: int, now: datetime | None = None) -> set[str]:
    """Workers whose last heartbeat is within ``window`` seconds."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(seconds=window)
    alive = set()
    for worker in Worker.all(connection=connection):  # type: ignore[arg-type]
        beat = worker.last_heartbeat
        if beat is not None and beat.replace(tzinfo=beat.tzinfo or UTC) >= cutoff:
            alive.add(worker.name)
    return alive


def _abandoned(claimed_by: str | None, started_at: datetime | None, alive: set[str],
               now: datetime) -> bool:
    if claimed_by in alive:
        return False
    return started_at is None or started_at < now - durable.CLAIM_GRACE


def release_abandoned(session: Session, alive: set[str], now: datetime) -> int:
    """Claims held by workers that stopped sending heartbeats; returns how many."""
    released = 0
    message = _("处理进程中断，稍后自动重试。")
    for revision in list(session.scalars(select(Revision).where(
            Revision.render_status == RenderStatus.running))):
        if _abandoned(revision.render_worker, revision.render_started_at, alive, now):
            durable.release_render(session, revision, revision.render_worker, None, message,
                                   now, failed_message=_("处理进程多次中断，未能生成。"))
            released += 1
    for seal in list(session.scalars(select(Seal).where(Seal.status.in_(durable.SEAL_STEPS),
                                                        Seal.job_worker.is_not(None)))):
        if _abandoned(seal.job_worker, seal.job_started_at, alive, now):
            durable.release_seal(session, seal, seal.job_worker, None, message, now,
                                 failed_message=_("处理进程多次中断，未能完成签章。"))
            released += 1
    return released


def enqueue_due(session: Session, now: datetime, alive: set[str]) -> int:
    """Queue every due item that has no live copy in Redis (a job "started" by a worker that
    has died is not one)."""
    queued = 0
    ids: Iterable[int] = session.scalars(select(Revision.id).where(durable.due_renders(now))
                                         .order_by(Revision.id))
    for revision_id in list(ids):
        queued += enqueue_render(revision_id, alive)
    for seal_id, step in list(session.execute(select(Seal.id, Seal.status)
                                              .where(durable.due_seals(now))
                                              .order_by(Seal.id))):
        queued += enqueue_seal_step(seal_id, step, alive)
    return queued


def sweep(now: datetime | None = None, lock_seconds: int | None = None) -> dict[str, int] | None:
    """One pass (see the module's docstring). ``None`` when another process holds the lock."""
    connection = redis_connection()
    if lock_seconds and not connection.set(LOCK_KEY, "1", nx=True, ex=lock_seconds):
        return None
    now_naive = now or utcnow()
    session = db.session()
    try:
        alive = alive_workers(connection, current_app.config["WORKER_HEARTBEAT_SECONDS"],
                              now_naive.replace(tzinfo=UTC))
        released = release_abandoned(session, alive, now_naive)
        queued = enqueue_due(session, now_naive, alive)
        # 开标: decryption windows that ended while nobody looked (each closes exactly once)
        from portal.domain import opening  # the domain imports this module

        closed = opening.close_due(session, now_naive)
        biddings = close_biddings(session, now_naive)  # the workers' closers do it sooner
    finally:
        session.rollback()
    connection.set(LAST_RUN_KEY, now_naive.replace(tzinfo=UTC).isoformat())
    return {"released": released, "queued": queued, "openings_closed": closed,
            "biddings_closed": biddings}


def close_biddings(session: Session, now: datetime) -> int:
    from portal.domain import biddings  # the domain imports this module

    return biddings.close_due(session, now)


def run_closer(app: Flask, period: float, stop: threading.Event) -> None:
    """二次竞价 closes at its end time whether or not anyone is looking: every ``period``
    seconds each worker records the closes that are due (once each, whichever worker is
    first). The database only: a Redis outage does not delay a close."""
    while not stop.is_set():
        try:
            with app.app_context():
                session = db.session()
                try:
                    close_biddings(session, utcnow())
                finally:
                    session.rollback()
        except Exception:  # noqa: BLE001  (the database away: try again next period)
            log.warning("closing due biddings failed; retrying", exc_info=True)
        stop.wait(period)


def last_run() -> datetime | None:
    raw = redis_connection().get(LAST_RUN_KEY)
    if not raw:
        return None
    return datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else str(raw))


def run_periodically(app: Flask, period: float, stop: threading.Event) -> None:
    """The sweep every ``period`` seconds until ``stop``; Redis or database outages only
    delay it."""
    while not stop.is_set():
        try:
            with app.app_context():
                sweep(lock_seconds=max(1, int(period) - 1))
        except Exception:  # noqa: BLE001  (an outage: try again next period)
            log.warning("dispatcher pass failed; retrying in %s s", period, exc_info=True)
        stop.wait(period)
