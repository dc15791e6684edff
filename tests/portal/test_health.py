"""/healthz reports database, Redis, workers (by heartbeats), queues and the dispatcher, with
real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.job import Job

pytestmark = pytest.mark.db


def wait_for(condition: Callable[[], Any], seconds: float = 60) -> Any:
    """Poll until ``condition`` holds (a deadline against hanging, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached")


@pytest.fixture
def worker_process(app, database_url, redis_url, var_dir) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "KUANGCAI_ENV": "test", "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "KUANGCAI_VAR_DIR": str(var_dir)}
    process = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def test_health_without_a_worker_is_degraded_but_up(app) -> None:
    response = app.test_client().get("/healthz?format=json")
    assert response.status_code == 200
    report = response.get_json()
    assert report["database"]["ok"] and report["redis"]["ok"]
    assert report["workers"] == {"ok": False, "count": 0, "names": []}
    assert report["status"] == "degraded"


def test_health_sees_a_running_worker_and_its_dispatcher(app, worker_process) -> None:
    def healthy() -> Any:
        report = app.test_client().get("/healthz?format=json").get_json()
        return report if report["status"] == "ok" else None

    report = wait_for(healthy)
    assert report["workers"]["count"] == 1
    assert report["scheduler"]["ok"] and report["scheduler"]["last_run"]
    page = app.test_client().get("/healthz").get_data(as_text=True)
    assert "系统状态：正常" in page and "任务调度" in page


def _health(app, now: datetime | None = None) -> dict[str, Any]:
    with app.test_request_context():
        from portal.views import health

        return health.report(now or datetime.now(UTC))


def test_a_busy_worker_keeps_sending_heartbeats_and_counts_alive(
        app, redis_url, worker_process) -> None:
    with Redis.from_url(redis_url) as connection:
        wait_for(lambda: Worker.all(connection=connection))
        job = Queue("render", connection=connection).enqueue("time.sleep", 30, job_timeout=60)
        wait_for(lambda: job.get_status(refresh=True) == "started")
        [worker] = Worker.all(connection=connection)
        first = worker.last_heartbeat
        # RQ's SimpleWorker beats only between jobs; ours keeps beating while busy
        wait_for(lambda: Worker.find_by_key(worker.key, connection=connection)
                 .last_heartbeat > first, seconds=30)
        assert job.get_status(refresh=True) == "started"
        report = _health(app)
    assert report["workers"]["count"] == 1


def test_a_killed_worker_stops_counting_once_its_heartbeats_stop(
        app, redis_url, worker_process) -> None:
    with Redis.from_url(redis_url) as connection:
        wait_for(lambda: Worker.all(connection=connection))
    assert _health(app)["workers"]["count"] == 1
    worker_process.send_signal(signal.SIGKILL)
    worker_process.wait(timeout=30)
    window = app.config["WORKER_HEARTBEAT_SECONDS"]
    later = datetime.now(UTC) + timedelta(seconds=window + 1)
    assert _health(app, later)["workers"]["count"] == 0


def test_health_shows_queue_lengths_the_oldest_waiting_job_and_the_last_dispatcher_pass(
        app, redis_url) -> None:
    from portal import dispatch

    with Redis.from_url(redis_url) as connection:
        job: Job = Queue("render", connection=connection).enqueue("time.sleep", 0)
    enqueued = job.enqueued_at.replace(tzinfo=UTC)
    report = _health(app, enqueued + timedelta(seconds=42))
    assert report["queues"]["render"]["waiting"] == 1
    assert report["queues"]["default"] == {"waiting": 0, "oldest_seconds": None}
    assert report["oldest_waiting_seconds"] == pytest.approx(42, abs=0.2)
    assert report["scheduler"] == {"ok": False, "last_run": None, "seconds_ago": None}
    with app.app_context():
        dispatch.sweep()
    report = _health(app)
    assert report["scheduler"]["ok"] and report["scheduler"]["last_run"]
    page = app.test_client().get("/healthz").get_data(as_text=True)
    assert "队列 render" in page and "1 个等待" in page


def test_health_reports_redis_down_with_503(make_app) -> None:
    app = make_app(REDIS_URL="unix:///nonexistent/redis.sock")
    response = app.test_client().get("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["redis"]["ok"] is False
    assert response.get_json()["status"] == "down"
