"""The portal's side of background work: the Redis connection, queues and worker state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from redis import Redis
from rq import Queue, Worker

EXTENSION = "kuangcai.redis"
QUEUES = ("render", "default")


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
