"""The portal's side of background work: the Redis connection, queues and worker state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from redis import Redis
from rq import Callback, Queue, Retry, Worker
from rq.job import Job, JobStatus

EXTENSION = "kuangcai.redis"
QUEUES = ("render", "default")
PENDING = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def redis_connection() -> Redis:
    connection = current_app.extensions.get(EXTENSION)
    if connection is None:
        url = current_app.config["REDIS_URL"]
        if not url:
            raise RuntimeError("REDIS_URL is not set (kuangcai serve starts an embedded Redis)")
        connection = Redis.from_url(url)
        current_app.extensions[EXTENSION] = connection
    return connection


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=redis_connection())


def worker_states(heartbeat_seconds: int) -> list[str]:
    """Names of workers whose last heartbeat is recent enough to count as alive."""
    cutoff = datetime.now(UTC) - timedelta(seconds=heartbeat_seconds)
    alive = []
    for worker in Worker.all(connection=redis_connection()):
        beat = worker.last_heartbeat
        if beat is not None and beat.replace(tzinfo=beat.tzinfo or UTC) >= cutoff:
            alive.append(worker.name)
    return sorted(alive)


def enqueue_render(revision_id: int) -> None:
    """Queue the rendering of a revision; while its job is waiting or running, asking again
    does nothing (the job id is derived from the revision)."""
    job_id = f"render-{revision_id}"
    existing = Job.fetch(job_id, connection=redis_connection()) if Job.exists(
        job_id, connection=redis_connection()) else None
    if existing is not None:
        if existing.get_status() in PENDING:
            return
        existing.delete()
    queue("render").enqueue(
        "jobs.render.render_revision",
        revision_id,
        job_id=job_id,
        retry=Retry(max=3, interval=[5, 30, 120]),
        on_failure=Callback("jobs.render.mark_failed"),
        failure_ttl=7 * 24 * 3600,
    )


def enqueue_seal_step(function: str, seal_id: int) -> None:
    """Prepare or finish a seal. The arguments are ids only: no PIN, no key, ever."""
    queue("default").enqueue(
        function,
        seal_id,
        retry=Retry(max=2, interval=[2, 10]),
        on_failure=Callback("jobs.sealing.mark_failed"),
        failure_ttl=7 * 24 * 3600,
    )
