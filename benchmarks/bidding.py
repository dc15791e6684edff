"""二次竞价 closes: how long after its end time a bidding is closed by the real workers, beside
a timer that fires at the end time itself (the floor a per-bidding timer would give), in the
same run.

    .venv/bin/python benchmarks/bidding.py [--biddings 100] [--workers 2] [--spread 5]

A fresh SQLite database and a private redis-server; ``--workers`` real ``kuangcai worker``
processes (each runs the closer every ``CLOSE_PERIOD_SECONDS``). The agreements in force come
from the tests' set-up (``tests.order_setup``); then ``--biddings`` published biddings are
written with SQLAlchemy Core, their ends spread over ``--spread`` seconds from a few seconds
ahead (a shortcut on purpose: this measures the close, not the publishing). Nobody looks at
them. The delay of each is its recorded ``closed_at`` minus its ``end_at``; the peer is a
``threading.Timer`` per bidding started at the same moment, whose delay is when it fired minus
the same end time. Prints p50, p99 and max for both and the ratio, and how many biddings were
closed more than once (must be 0).

Then, with ``--quoters`` (default 200): that many suppliers, each signed in with its own session,
quote in the last 10 seconds of one bidding against the app under ``gunicorn -w 2`` (the
workers closing it), each at a random moment of those 10 seconds; then the same clients POST
at the same moments to a bare Flask endpoint under the same gunicorn settings. Prints quotes
accepted, refused, lost (answered 302 but not in the database, or no answer: must be 0), and
p50/p99 latency beside the bare endpoint's. The suppliers are invited by rows written straight
into the database (the same shortcut).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
VENV_BIN = Path(sys.executable).parent


# The bare baseline: ``gunicorn benchmarks.bidding:bare_app`` (run from the repository root).
bare_app = Flask("bare")


@bare_app.route("/", methods=["GET", "POST"])
def hello() -> str:
    return "Hello, bidding"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--biddings", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--spread", type=float, default=5.0)
    parser.add_argument("--quoters", type=int, default=200)
    args = parser.parse_args()

    from fault_drill import RedisServer

    work = Path(tempfile.mkdtemp(prefix="kuangcai-bidding."))
    redis = RedisServer(work)
    redis.start()
    env = {**os.environ, "KUANGCAI_ENV": "development",
           "DATABASE_URL": f"sqlite:///{work / 'db.sqlite'}", "REDIS_URL": redis.url,
           "KUANGCAI_VAR_DIR": str(work / "var")}
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "KUANGCAI_VAR_DIR")})
    subprocess.run([str(VENV_BIN / "kuangcai"), "db", "upgrade"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        from sqlalchemy import func, insert, select

        from portal import create_app
        from portal import db as portal_db
        from portal.demo import seed
        from portal.models import AuditEvent, Bidding, BiddingStatus, User, utcnow
        from portal.views.auth import hasher
        from tests.order_setup import in_force

        app = create_app()
        with app.app_context():
            session = portal_db.session()
            seed(session, hasher())
            world = in_force(session, "BENCH-JJ-0001")
            buyer = session.scalar(select(User).where(User.username == "cg_clerk"))
            workers = [subprocess.Popen([str(VENV_BIN / "kuangcai"), "worker"], env=env,
                                        cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                       for _ in range(args.workers)]
            time.sleep(4)  # the workers import and start their closers
            first_end = utcnow() + timedelta(seconds=3)
            step = args.spread / max(1, args.biddings - 1)
            ends = [first_end + timedelta(seconds=i * step) for i in range(args.biddings)]
            session.execute(insert(Bidding), [{
                "number": f"BENCH{i:06d}", "purchaser_org_id": buyer.org_id,
                "project_id": world.setup.project.id, "lot_number": "01",
                "category": "台式计算机", "plan_id": world.plan.id, "plan_line": 1,
                "requirement": "benchmark", "quantity": 1, "unit": "台",
                "max_unit_price": 6000, "delivery_place": "—", "start_at": end - timedelta(
                    minutes=1), "end_at": end, "status": BiddingStatus.open,
                "created_by": buyer.id, "created_at": utcnow(), "version": 1}
                for i, end in enumerate(ends)])
            session.commit()
            fired: list[float] = []
            lock = threading.Lock()

            def fire(end: Any) -> None:
                with lock:
                    fired.append((utcnow() - end).total_seconds())

            now = utcnow()
            timers = [threading.Timer((end - now).total_seconds(), fire, (end,)) for end in ends]
            for timer in timers:
                timer.start()
            deadline = time.monotonic() + args.spread + 30
            while time.monotonic() < deadline:
                session.expire_all()
                waiting = session.scalar(select(func.count()).select_from(Bidding).where(
                    Bidding.status == BiddingStatus.open))
                if not waiting:
                    break
                time.sleep(0.2)
            rows = session.execute(select(Bidding.end_at, Bidding.closed_at)).all()
            closes = session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action.in_(("bidding.closed", "bidding.failed"))))
            for timer in timers:
                timer.join()
            load = quoting_load(session, env, work, world, args.quoters) if args.quoters else None
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        redis.kill()
        shutil.rmtree(work, ignore_errors=True)

    ours = [(closed - end).total_seconds() for end, closed in rows if closed is not None]
    open_left = sum(1 for _end, closed in rows if closed is None)
    print(f"二次竞价 closes: {len(ours)} of {len(rows)} biddings closed by {args.workers} "
          f"workers (period {app.config['CLOSE_PERIOD_SECONDS']} s); "
          f"not closed: {open_left}; close events recorded: {closes} (must equal the "
          f"biddings: none twice)")
    print(f"{'':28}{'p50 s':>10}{'p99 s':>10}{'max s':>10}")
    for name, values in (("workers' closer (ours)", ours), ("threading.Timer (peer)", fired)):
        print(f"{name:28}{percentile(values, .5):10.3f}{percentile(values, .99):10.3f}"
              f"{max(values):10.3f}")
    floor = max(percentile(fired, .99), 0.001)
    print(f"ratio ours / peer at p99: ×{percentile(ours, .99) / floor:.1f} "
          f"(target: closed within 1 s of the end: p99 {percentile(ours, .99):.3f} s)")
    print(f"mean delay ours {statistics.mean(ours):.3f} s")
    if load:
        print()
        print(f"{args.quoters} suppliers quoting in the last 10 s of one bidding "
              "(gunicorn -w 2, each client its own session):")
        print(f"  accepted {load['accepted']}, refused {load['refused']}, "
              f"lost {load['lost']} (must be 0); quotes in the database {load['stored']}")
        print(f"{'':28}{'p50 ms':>10}{'p99 ms':>10}")
        for name in ("quote (ours)", "bare Flask (peer)"):
            values = load[name]
            print(f"{name:28}{percentile(values, .5):10.1f}{percentile(values, .99):10.1f}")
        ours_p99 = percentile(load["quote (ours)"], .99)
        bare_p99 = percentile(load["bare Flask (peer)"], .99)
        print(f"ratio ours / bare at p99: ×{ours_p99 / bare_p99:.1f}")


def quoting_load(session: Any, env: dict[str, str], work: Path, world: Any,
                 count: int) -> dict[str, Any]:
    """Suppliers invited to one bidding, signed in over HTTP, quoting in its last 10 seconds."""
    import random
    import re
    import urllib.error
    import urllib.parse
    import urllib.request
    from http.cookiejar import CookieJar

    from board import _free_port, _serve, _stop
    from sqlalchemy import func, insert, select

    from portal.demo import DEMO_PASSWORD, demo_uscc
    from portal.domain import accounts
    from portal.models import (
        Bidding,
        BiddingQuote,
        BiddingSeller,
        BiddingStatus,
        OrgKind,
        Position,
        Region,
        SupplierKind,
        User,
        utcnow,
    )
    from portal.views.auth import hasher

    region = session.scalar(select(Region).where(Region.code == "150100"))
    password_hasher = hasher()
    users = []
    for i in range(count):
        org = accounts.create_organisation(
            session, actor=None, name=f"压测供应商{i:03d}有限公司",
            uscc=demo_uscc("91", "150100", 5000 + i), kind=OrgKind.supplier, region=region,
            supplier_kind=SupplierKind.manufacturer)
        users.append(accounts.create_user(
            session, actor=None, hasher=password_hasher, username=f"bench{i:03d}",
            display_name=f"压测{i:03d}", password=DEMO_PASSWORD, org=org,
            positions=frozenset({Position.clerk})))
    session.commit()
    buyer = session.scalar(select(User).where(User.username == "cg_clerk"))
    now = utcnow()
    bidding_id = session.execute(insert(Bidding).values(
        number="BENCHLOAD", purchaser_org_id=buyer.org_id, project_id=world.setup.project.id,
        lot_number="01", category="台式计算机", plan_id=world.plan.id, plan_line=1,
        requirement="benchmark", quantity=1, unit="台", max_unit_price=6000,
        delivery_place="—", start_at=now, end_at=now + timedelta(hours=1),
        status=BiddingStatus.open, created_by=buyer.id, created_at=now, version=1)
        .returning(Bidding.id)).scalar_one()
    session.execute(insert(BiddingSeller), [{
        "bidding_id": bidding_id, "seller_org_id": u.org_id,
        "shortlisted_id": world.setup.suppliers[0].id, "cap_price": 6000, "own_price": 6000,
        "joined_at": now} for u in users])
    session.commit()

    port = _free_port()
    server = _serve("portal:create_app()", port, env, work / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        """A 302 is the answer (a quote accepted, a sign-in done): not followed."""

        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        clients = []
        for user in users:  # each its own session, as 200 browsers
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())
            page = opener.open(f"{base}/login").read().decode()
            try:
                opener.open(urllib.request.Request(f"{base}/login", data=urllib.parse.urlencode({
                    "username": user.username, "password": DEMO_PASSWORD,
                    "csrf_token": token.search(page).group(1)}).encode(),
                    headers={"Origin": base}))
            except urllib.error.HTTPError as signed_in:  # 302 to 我的待办
                assert signed_in.code == 302, signed_in.code
            page = opener.open(f"{base}/biddings/{bidding_id}").read().decode()
            clients.append((opener, token.search(page).group(1)))
        end = utcnow() + timedelta(seconds=12)
        session.execute(Bidding.__table__.update().where(Bidding.id == bidding_id)
                        .values(end_at=end))
        session.commit()
        start_in = (end - utcnow()).total_seconds() - 10
        moments = sorted(random.uniform(0, 9.8) for _ in clients)
        results: list[tuple[int, float]] = []
        lock = threading.Lock()

        def quote(opener: Any, csrf: str, at: float, url: str) -> None:
            time.sleep(max(0.0, at))
            request = urllib.request.Request(url, data=urllib.parse.urlencode({
                "csrf_token": csrf, "unit_price": f"{random.randint(5000, 5999)}.00"}).encode(),
                headers={"Origin": base})
            began = time.perf_counter()
            try:
                status = opener.open(request, timeout=30).status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with lock:
                results.append((status, (time.perf_counter() - began) * 1000))

        threads = [threading.Thread(target=quote, args=(
            opener, csrf, start_in + at, f"{base}/biddings/{bidding_id}/quote"))
            for (opener, csrf), at in zip(clients, moments, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = session.scalar(select(func.count()).select_from(BiddingQuote).where(
            BiddingQuote.bidding_id == bidding_id))
    finally:
        _stop(server)
    accepted = sum(1 for status, _ms in results if status == 302)
    refused = sum(1 for status, _ms in results if 400 <= status < 500)
    lost = (count - accepted - refused) + max(0, accepted - stored)

    bare_port = _free_port()
    bare = _serve("benchmarks.bidding:bare_app", bare_port, env, work / "bare.log")
    try:
        timings: list[float] = []

        def hit(at: float) -> None:
            time.sleep(at)
            began = time.perf_counter()
            urllib.request.urlopen(urllib.request.Request(  # noqa: S310
                f"http://127.0.0.1:{bare_port}/", data=b"unit_price=5000.00"), timeout=30).read()
            with lock:
                timings.append((time.perf_counter() - began) * 1000)

        threads = [threading.Thread(target=hit, args=(at,)) for at in moments]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        _stop(bare)
    return {"accepted": accepted, "refused": refused, "lost": lost, "stored": stored,
            "quote (ours)": [ms for _status, ms in results], "bare Flask (peer)": timings}


if __name__ == "__main__":
    main()
