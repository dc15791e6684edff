"""The portal's side of background work: the Redis connection and queues.

What to queue, and when, is ``portal.dispatch``'s business; the database holds the intents
(``portal.durable``).
"""

from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue

EXTENSION = "kuangcai.redis"
QUEUES = ("render", "default")


def redis_connection() -> Redis:
    connection = current_app.extensions.get(EXTENSION)
    if connection is None:
        url = current_app.config["REDIS_URL"]
        if not url:
            raise RuntimeError("REDIS_URL is not set (kuangcai serve starts an embedded Redis)")
        # fail fast when Redis is unreachable: the request answers, the dispatcher retries
        connection = Redis.from_url(url, socket_connect_timeout=3)
        current_app.extensions[EXTENSION] = connection
    return connection


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=redis_connection())
