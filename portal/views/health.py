"""/healthz: database, Redis, workers, queues and the dispatcher, for people and load balancers.

A worker counts as alive while its heartbeats (sent every few seconds, idle or busy) are newer
than ``WORKER_HEARTBEAT_SECONDS``; a killed worker stops counting once that has passed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from rq import Queue
from rq.job import Job
from sqlalchemy import func, select, text

from portal import db, dispatch, durable
from portal.jobs_queue import QUEUES, redis_connection
from portal.models import Revision, Seal
from portal.policy import PUBLIC, access
from portal.web import render

bp = Blueprint("health", __name__)


def clock() -> datetime:
    """Now, in UTC (a seam for tests that need time to pass)."""
    return datetime.now(UTC)


def _check_database() -> tuple[bool, str]:
    try:
        db.session().execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001  (any failure means "down"; the detail is shown)
        db.session().rollback()
        return False, type(exc).__name__
    return True, db.engine().dialect.name


def _check_redis() -> tuple[bool, str]:
    try:
        info = redis_connection().info("server")
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, f"redis {info.get('redis_version', '?')}"


def _age(then: datetime | None, now: datetime) -> float | None:
    if then is None:
        return None
    return round((now - then.replace(tzinfo=then.tzinfo or UTC)).total_seconds(), 1)


def _queues(now: datetime) -> dict[str, dict[str, Any]]:
    connection = redis_connection()
    report = {}
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        first = queue.get_job_ids(0, 1)  # FIFO: the first is the oldest waiting
        job = Job.fetch(first[0], connection=connection) if first else None
        report[name] = {"waiting": queue.count,
                        "oldest_seconds": _age(job.enqueued_at if job else None, now)}
    return report


def _pending_in_database(now: datetime) -> dict[str, Any]:
    """What the database still wants done, whatever Redis holds (it may have lost jobs)."""
    session = db.session()
    naive = now.replace(tzinfo=None)
    renders = session.execute(select(func.count(), func.min(Revision.submitted_at)).where(
        durable.due_renders(naive))).one()
    seals = session.execute(select(func.count(), func.min(Seal.step_requested_at)).where(
        durable.due_seals(naive))).one()
    oldest = min((t for t in (renders[1], seals[1]) if t is not None), default=None)
    return {"renders": renders[0], "seals": seals[0], "oldest_seconds": _age(oldest, now)}


def report(now: datetime) -> dict[str, Any]:
    database_ok, database = _check_database()
    redis_ok, redis = _check_redis()
    config = current_app.config
    workers = sorted(dispatch.alive_workers(redis_connection(), config[
        "WORKER_HEARTBEAT_SECONDS"], now)) if redis_ok else []
    queues = _queues(now) if redis_ok else {}
    last_run = dispatch.last_run() if redis_ok else None
    since = _age(last_run, now)
    scheduler_ok = since is not None and since <= 3 * config["DISPATCH_PERIOD_SECONDS"]
    ages = [q["oldest_seconds"] for q in queues.values() if q["oldest_seconds"] is not None]
    return {
        "status": "ok" if database_ok and redis_ok and workers and scheduler_ok else
                  "degraded" if database_ok and redis_ok else "down",
        "database": {"ok": database_ok, "detail": database},
        "redis": {"ok": redis_ok, "detail": redis},
        "workers": {"ok": bool(workers), "count": len(workers), "names": workers},
        "queues": queues,
        "oldest_waiting_seconds": max(ages, default=None),
        "pending": _pending_in_database(now) if database_ok else None,
        "scheduler": {"ok": scheduler_ok, "last_run": last_run.isoformat() if last_run else None,
                      "seconds_ago": since},
    }


@bp.get("/healthz")
@access(PUBLIC)
def healthz() -> Any:
    result = report(clock())
    status = 200 if result["database"]["ok"] and result["redis"]["ok"] else 503
    if request.accept_mimetypes.best == "application/json" or request.args.get("format") == "json":
        return jsonify(result), status
    return render("main/health.html", status, report=result)
