"""Documents per second through the queue (two ``kuangcai worker`` processes) beside bare
WeasyPrint in two processes on the same HTML, in the same run; then sealed documents per second.

    .venv/bin/python benchmarks/worker_throughput.py [--renders 40] [--seals 20] [--no-gc-stub]

Phases (each on a fresh SQLite database and a private redis-server, workers warmed first):

1. bare: two processes render the kind's sample HTML with ``HTML(string).write_pdf()``;
2. library: two processes call ``documents.render_pdf`` (our pipeline without the queue);
3. queue: ``--renders`` submissions rendered by two ``kuangcai worker`` processes, timed from
   the first submission to the last PDF stored; each worker's peak memory (VmHWM) is read from
   /proc before it stops. ``--gc-compare`` runs this phase a second time with workers whose
   renderer calls ``gc.collect()`` after every document (the behaviour before issue 18);
4. seals: ``--seals`` approved contracts sealed through the queue (prepare job, the PIN step
   in this process as the web request would, finish job with a time-stamp), first start to
   last applied; with the sizes the seal adds to the PDF.

Prints documents/s for each and the ratio queue / bare (target ≥ 0.9) and sealed/s (≥ 4).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
VENV_BIN = Path(sys.executable).parent
KIND = "requirements"

# A worker whose renderer collects garbage after every document, as before issue 18.
GC_WORKER = ("import gc, documents.rendering as r\n"
             "original = r.html_to_pdf\n"
             "def collecting(*a, **k):\n"
             "    result = original(*a, **k)\n"
             "    gc.collect()\n"
             "    return result\n"
             "r.html_to_pdf = collecting\n"
             "from portal.cli import main\n"
             "main(['worker'])\n")


def _bare(count: int) -> float:
    from weasyprint import HTML

    import documents

    html = documents.render_html(KIND, documents.get_kind(KIND).sample())
    HTML(string=html).write_pdf()  # warm
    start = time.perf_counter()
    for _ in range(count):
        HTML(string=html).write_pdf()
    return time.perf_counter() - start


def _library(count: int) -> float:
    import documents

    sample = documents.get_kind(KIND).sample()
    documents.render_pdf(KIND, sample)  # warm
    start = time.perf_counter()
    for _ in range(count):
        documents.render_pdf(KIND, sample)
    return time.perf_counter() - start


def two_processes(target: Any, total: int) -> float:
    """Documents per second of two warm processes sharing ``total`` documents."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(time.sleep, [0.1, 0.1])
        start = time.perf_counter()
        pool.map(target, [total // 2, total - total // 2])
        return total / (time.perf_counter() - start)


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Setup:
    """A fresh database, a private Redis and two workers."""

    def __init__(self, collect: bool) -> None:
        from fault_drill import RedisServer

        self.dir = Path(tempfile.mkdtemp(prefix="kuangcai-throughput."))
        self.redis = RedisServer(self.dir)
        self.redis.start()
        self.env = {**os.environ, "KUANGCAI_ENV": "development",
                    "DATABASE_URL": f"sqlite:///{self.dir / 'db.sqlite'}",
                    "REDIS_URL": self.redis.url, "KUANGCAI_VAR_DIR": str(self.dir / "var")}
        os.environ.update({k: self.env[k] for k in ("DATABASE_URL", "REDIS_URL",
                                                     "KUANGCAI_VAR_DIR")})
        subprocess.run([str(VENV_BIN / "kuangcai"), "db", "upgrade"], env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        command = ([sys.executable, "-c", GC_WORKER] if collect
                   else [str(VENV_BIN / "kuangcai"), "worker"])
        self.workers = [subprocess.Popen(command, env=self.env, cwd=ROOT,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        for _ in range(2)]

    def stop(self) -> list[float]:
        memory = [peak_memory_mb(w.pid) for w in self.workers]
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.wait(timeout=60)
        self.redis.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
        return memory


def wait_rendered(session: Any, ids: list[int]) -> None:
    from sqlalchemy import func, select

    from portal.models import RenderStatus, Revision

    while session.scalar(select(func.count()).select_from(Revision).where(
            Revision.id.in_(ids), Revision.render_status != RenderStatus.done)):
        failed = session.scalar(select(func.count()).select_from(Revision).where(
            Revision.id.in_(ids), Revision.render_status == RenderStatus.failed))
        if failed:
            raise RuntimeError("a render failed")
        time.sleep(0.02)
        session.expire_all()


def queue_phase(renders: int, seals: int, collect: bool) -> dict[str, Any]:
    from sqlalchemy import func, select

    import documents
    from portal import create_app, storage
    from portal import db as portal_db
    from portal.demo import DEMO_PIN, seed, seed_credentials
    from portal.domain import lifecycle, sealing
    from portal.models import Organisation, Seal, SealStatus, User
    from portal.views.auth import hasher

    setup = Setup(collect)
    result: dict[str, Any] = {}
    try:
        app = create_app()
        with app.app_context():
            session = portal_db.session()
            seed(session, hasher())
            seed_credentials(session)

            def user(name: str) -> Any:
                return session.scalar(select(User).where(User.username == name))

            clerk = user("zj_clerk")
            sample = documents.get_kind(KIND).sample()
            drafts = [lifecycle.create_draft(session, clerk, KIND, f"吞吐 {i}",
                                             start_from=sample) for i in range(renders + 2)]
            # warm both workers (imports, fonts) before timing
            wait_rendered(session, [lifecycle.submit(session, clerk, d, None).id
                                    for d in drafts[:2]])
            start = time.perf_counter()
            ids = [lifecycle.submit(session, clerk, d, None).id for d in drafts[2:]]
            wait_rendered(session, ids)
            result["queue docs/s"] = renders / (time.perf_counter() - start)
            if seals:
                supplier, reviewer = user("gys_mfr"), user("cg_reviewer")
                purchaser = session.scalar(select(Organisation).where(
                    Organisation.name == "呼和浩特市第一中学"))
                contracts = []
                for i in range(seals):
                    doc = lifecycle.create_draft(
                        session, supplier, "contract", f"吞吐合同 {i}",
                        parties={"purchaser": purchaser},
                        start_from=documents.get_kind("contract").sample())
                    lifecycle.submit(session, supplier, doc, None)
                    lifecycle.approve(session, reviewer, doc, None)
                    contracts.append(doc)
                wait_rendered(session, [c.current_revision.id for c in contracts])
                start = time.perf_counter()
                seal_ids = [sealing.start(session, supplier, c, None, 0, None, None).id
                            for c in contracts]
                while True:
                    session.expire_all()
                    for seal in session.scalars(select(Seal).where(
                            Seal.id.in_(seal_ids), Seal.status == SealStatus.awaiting_key)):
                        sealing.sign_with_pin(session, supplier, seal, DEMO_PIN)
                    if session.scalar(select(func.count()).select_from(Seal).where(
                            Seal.id.in_(seal_ids), Seal.status != SealStatus.applied)) == 0:
                        break
                    if session.scalar(select(func.count()).select_from(Seal).where(
                            Seal.id.in_(seal_ids), Seal.status == SealStatus.failed)):
                        raise RuntimeError("a seal failed")
                    time.sleep(0.02)
                result["sealed docs/s"] = seals / (time.perf_counter() - start)
                added = []
                for seal in session.scalars(select(Seal).where(Seal.id.in_(seal_ids))):
                    before = len(storage.read(seal.input_sha256, ".pdf"))
                    added.append(len(storage.read(seal.output_sha256, ".pdf")) - before)
                result["bytes a seal adds (median)"] = int(statistics.median(added))
        portal_db.dispose(app)
    finally:
        result["worker peak memory (MB)"] = [round(m) for m in setup.stop()]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--seals", type=int, default=20)
    parser.add_argument("--gc-compare", action="store_true")
    args = parser.parse_args()

    # bare before and after ours, to even out the load others put on a shared machine
    bare_runs = [two_processes(_bare, args.renders)]
    library = two_processes(_library, args.renders)
    ours = queue_phase(args.renders, args.seals, collect=False)
    bare_runs.append(two_processes(_bare, args.renders))
    bare = statistics.mean(bare_runs)
    print(f"{'bare WeasyPrint, 2 processes':>42}: {bare:.2f} documents/s "
          f"(before {bare_runs[0]:.2f}, after {bare_runs[1]:.2f})")
    print(f"{'documents.render_pdf, 2 processes':>42}: {library:.2f} documents/s")
    print(f"{'kuangcai worker × 2 through the queue':>42}: {ours['queue docs/s']:.2f} "
          f"documents/s  (× {ours['queue docs/s'] / bare:.2f} of bare)")
    print(f"{'  worker peak memory':>42}: {ours['worker peak memory (MB)']} MB")
    if args.seals:
        print(f"{'sealed through the queue (prepare, PIN, finish)':>42}: "
              f"{ours['sealed docs/s']:.2f} documents/s")
        print(f"{'  bytes a seal adds (median)':>42}: {ours['bytes a seal adds (median)']}")
    if args.gc_compare:
        with_gc = queue_phase(args.renders, 0, collect=True)
        print(f"{'same, gc.collect() after each render':>42}: {with_gc['queue docs/s']:.2f} "
              f"documents/s  (× {with_gc['queue docs/s'] / bare:.2f} of bare)")
        print(f"{'  worker peak memory':>42}: {with_gc['worker peak memory (MB)']} MB")


if __name__ == "__main__":
    main()
