"""/healthz reports database, Redis and worker state, with a real worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.db


def test_health_without_a_worker_is_degraded_but_up(app) -> None:
    response = app.test_client().get("/healthz?format=json")
    assert response.status_code == 200
    report = response.get_json()
    assert report["database"]["ok"] and report["redis"]["ok"]
    assert report["workers"] == {"ok": False, "count": 0, "names": []}
    assert report["status"] == "degraded"


def test_health_sees_a_running_worker(app, database_url, redis_url) -> None:
    env = {**os.environ, "KUANGCAI_ENV": "test", "DATABASE_URL": database_url,
           "REDIS_URL": redis_url}
    worker = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env)
    try:
        deadline = time.monotonic() + 30
        report = {}
        while time.monotonic() < deadline:
            report = app.test_client().get("/healthz?format=json").get_json()
            if report["workers"]["count"]:
                break
            time.sleep(0.2)
        assert report["workers"]["count"] == 1
        assert report["status"] == "ok"
        page = app.test_client().get("/healthz").get_data(as_text=True)
        assert "系统状态：正常" in page
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_health_reports_redis_down_with_503(make_app) -> None:
    app = make_app(REDIS_URL="unix:///nonexistent/redis.sock")
    response = app.test_client().get("/healthz", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["redis"]["ok"] is False
    assert response.get_json()["status"] == "down"
