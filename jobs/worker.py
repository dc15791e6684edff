"""The worker entry point: a warm, non-forking RQ worker that runs each job in an app context.

RQ's default worker forks per job, so WeasyPrint's import and font loading would repeat for
every job (about 2 s); ``SimpleWorker`` keeps one warm process. Run one per core.

Beside the work loop, three threads:

- a heartbeat every ``WORKER_HEARTBEAT_INTERVAL`` seconds, idle *and* busy (RQ's
  ``SimpleWorker`` beats only between jobs, so a worker rendering a long document looked dead,
  and an idle one beat every 405 s);
- the dispatcher pass (``portal.dispatch``) every ``DISPATCH_PERIOD_SECONDS``, one process at a
  time, which retries abandoned and due work and queues what Redis lost;
- the closer (``dispatch.run_closer``) every ``CLOSE_PERIOD_SECONDS``: 二次竞价 whose end has come
  are closed within that time, once each whatever number of workers see them.

When Redis goes away the work loop ends (RQ gives up on a connection error after a job); this
loop starts a new worker once Redis answers again, so a Redis outage delays work only.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.exceptions import StopRequested

log = logging.getLogger(__name__)


class AppContextWorker(SimpleWorker):
    flask_app: Flask
    stop_asked = False
    # After a Redis error RQ waits 1, 2, 4 … up to 60 s before asking for work again; an idle
    # worker parked for a minute leaves a new document waiting that long. Seen once in the
    # demo as a run of "Timeout reading from socket" (not reproduced since): a few seconds.
    max_connection_wait_time = 4.0

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stop_asked = True
        super().request_stop(signum, frame)

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        with self.flask_app.app_context():
            done = super().perform_job(*args, **kwargs)
        _collect_if_large(self.flask_app.config["WORKER_GC_ABOVE_MB"])
        return done


def _collect_if_large(limit_mb: int) -> None:
    """Collect garbage only when the process has grown past ``limit_mb``: after every render
    it cost a quarter of the job's time, while Python's own collections keep a warm renderer
    near 250 MB (measured by benchmarks/worker_throughput.py --gc-compare); this bounds the
    rare swing of a long run without paying for it on every job."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return
    if pages * os.sysconf("SC_PAGE_SIZE") > limit_mb * 1024 * 1024:
        gc.collect()


def _beat(worker: AppContextWorker, interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            worker.heartbeat()
        except RedisError:
            pass  # Redis is down: the work loop reconnects; nothing to beat to meanwhile


def _make_worker(app: Flask, queue_names: tuple[str, ...]) -> AppContextWorker:
    from portal.jobs_queue import redis_connection

    with app.app_context():
        connection = redis_connection()
    # a short TTL: an idle worker wakes (and beats) every worker_ttl - 15 s
    worker = AppContextWorker(queue_names, connection=connection,
                              worker_ttl=app.config["WORKER_HEARTBEAT_SECONDS"] + 5)
    worker.flask_app = app
    return worker


def run(app: Flask, queue_names: tuple[str, ...], burst: bool = False,
        dispatcher: bool = True) -> bool:
    """Work until stopped (or, with ``burst``, until the queues are empty)."""
    from portal import dispatch

    if burst:  # tests and one-shot drains: no threads, no reconnecting
        return bool(_make_worker(app, queue_names).work(burst=True, with_scheduler=False))
    if not logging.getLogger().handlers:  # the jobs' and dispatcher's messages, beside RQ's
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    stop = threading.Event()
    if dispatcher:
        threading.Thread(target=dispatch.run_periodically, name="dispatcher", daemon=True,
                         args=(app, app.config["DISPATCH_PERIOD_SECONDS"], stop)).start()
    threading.Thread(target=dispatch.run_closer, name="closer", daemon=True,
                     args=(app, app.config["CLOSE_PERIOD_SECONDS"], stop)).start()
    worked, wait = False, 1.0
    try:
        while True:  # a stop signal between workers raises StopRequested: we end
            try:
                worker = _make_worker(app, queue_names)
                worker.connection.ping()
            except RedisError as exc:
                log.warning("Redis unreachable (%s); retrying in %.0f s", exc, wait)
                time.sleep(wait)
                wait = min(wait * 2, 30.0)
                continue
            wait = 1.0
            beating = threading.Event()
            threading.Thread(target=_beat, name="heartbeat", daemon=True,
                             args=(worker, app.config["WORKER_HEARTBEAT_INTERVAL"],
                                   beating)).start()
            try:
                worked = bool(worker.work(with_scheduler=False)) or worked
            except RedisError as exc:  # e.g. from registering the worker's death
                log.warning("worker %s lost Redis: %s", worker.name, exc)
            finally:
                beating.set()
            if worker.stop_asked:
                return worked
            log.warning("worker %s stopped (Redis connection lost?); starting again", worker.name)
            time.sleep(1)
    except StopRequested:
        return worked
    finally:
        stop.set()
