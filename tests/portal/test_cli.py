"""The ``kuangcai`` command as a newcomer meets it: a quick --help that loads no web app or
renderer, library commands found by name, and ``serve`` stopping everything it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from portal.cli import LIBRARY_COMMANDS, main

KUANGCAI = [sys.executable, "-m", "portal.cli"]
HEAVY = ("flask", "sqlalchemy", "weasyprint", "pyhanko", "documents", "seals", "rq", "redis")


def test_help_lists_every_command_without_loading_the_app_or_libraries() -> None:
    probe = ("import sys\nfrom portal.cli import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))")
    result = subprocess.run([sys.executable, "-c", probe, *HEAVY], capture_output=True,
                            text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]", result.stdout
    for name in ("serve", "worker", "demo", "db", "holidays", *LIBRARY_COMMANDS):
        assert f"\n  {name} " in result.stdout


def test_each_library_command_shows_its_own_help() -> None:
    for name, (_path, short_help) in LIBRARY_COMMANDS.items():
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.get_short_help_str(limit=200) == short_help
    result = CliRunner().invoke(main, ["render", "--help"])
    assert result.exit_code == 0 and "--region" in result.output


def _cwd(process: psutil.Process) -> Path | None:
    try:
        return Path(process.cwd())
    except psutil.Error:
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_runs_gunicorn_and_stops_what_it_started(tmp_path: Path, stop: int) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(KUANGCAI_VAR_DIR=str(tmp_path), KUANGCAI_ENV="development")
    subprocess.run([*KUANGCAI, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([*KUANGCAI, "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?format=json"):
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, \
                    (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        started = psutil.Process(server.pid).children(recursive=True)
        commands = [" ".join(p.cmdline()) for p in started]
        assert any("gunicorn" in c for c in commands) and any(" worker" in c for c in commands)
        redis = [p for p in psutil.process_iter(["name"])
                 if "redis-server" in (p.info["name"] or "") and _cwd(p) == tmp_path]
        assert len(redis) == 1  # the embedded Redis, daemonised in the var folder
        server.send_signal(stop)
        assert server.wait(timeout=60) == 0
        gone, alive = psutil.wait_procs([*started, *redis], timeout=30)
        assert not alive, [p.pid for p in alive]
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert "Kuangcai stopped" in output and "development server" not in output
