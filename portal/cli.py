"""The ``kuangcai`` console script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from portal.config import load_config


def _app() -> Any:
    from portal import create_app

    return create_app()


@contextmanager
def _app_context() -> Iterator[Any]:
    """An app context for a one-shot command; its database connections close afterwards."""
    from portal import db

    app = _app()
    try:
        with app.app_context():
            yield app
    finally:
        db.dispose(app)


@click.group()
def main() -> None:
    """框采 — framework-agreement e-procurement portal."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="RQ worker processes")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app; without REDIS_URL also start an embedded Redis and the workers."""
    from portal import embedded_redis, migrate

    config = load_config()
    if migrate.current_revision(config.DATABASE_URL) is None:
        raise click.ClickException(
            "数据库尚未初始化：请先运行 kuangcai db upgrade（演示数据：kuangcai demo）"
        )
    embedded = None
    children: list[subprocess.Popen[bytes]] = []
    if not os.environ.get("REDIS_URL"):
        embedded, url = embedded_redis.start(config.VAR_DIR)
        os.environ["REDIS_URL"] = url
        click.echo(f"embedded Redis at {url}")
        children = [
            subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"])
            for _ in range(workers)
        ]
    # a service manager stops us with SIGTERM: exit through ``finally`` so the workers and the
    # embedded Redis stop too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        click.echo(f"Kuangcai on http://{host}:{port}/")
        _app().run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(timeout=30)
        if embedded is not None:
            embedded.shutdown()


@main.command()
@click.option("--burst", is_flag=True, help="exit when the queues are empty")
@click.option("--queue", "queues", multiple=True, help="queue names (default: render, default)")
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run one warm RQ worker (one per core is right for rendering)."""
    from jobs.worker import run
    from portal.jobs_queue import QUEUES

    run(_app(), queues or QUEUES, burst=burst)


@main.command()
@click.option("--once", is_flag=True, help="one pass, print what it did and exit")
def scheduler(once: bool) -> None:
    """The dispatcher pass alone (every worker already runs it): retry abandoned and due jobs,
    queue what Redis lost."""
    import threading

    from portal import dispatch

    if once:
        from portal.jobs_queue import redis_connection

        with _app_context():
            click.echo(dispatch.sweep())
            redis_connection().close()
        return
    app = _app()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        dispatch.run_periodically(app, app.config["DISPATCH_PERIOD_SECONDS"], stop)
    except KeyboardInterrupt:
        pass


@main.command()
def demo() -> None:
    """Seed demo data (idempotent) and print the demo accounts."""
    from jobs.worker import AppContextWorker
    from portal import db, embedded_redis
    from portal.demo import DEMO_PASSWORD, DEMO_PIN, seed, seed_credentials
    from portal.demo_board import seed_board
    from portal.jobs_queue import QUEUES, redis_connection
    from portal.views.auth import hasher

    embedded = None
    if not os.environ.get("REDIS_URL"):  # publishing queues jobs, as under kuangcai serve
        embedded, os.environ["REDIS_URL"] = embedded_redis.start(load_config().VAR_DIR)
    try:
        with _app_context() as app:
            listing = seed(db.session(), hasher())
            issued = seed_credentials(db.session())
            published = seed_board(db.session())
            # the queued copies of the jobs seed_board ran itself: each finds nothing to do
            drain = AppContextWorker(QUEUES, connection=redis_connection())
            drain.flask_app = app
            drain.work(burst=True, with_scheduler=False, logging_level="WARNING")
    finally:
        if embedded is not None:
            embedded.shutdown()
            del os.environ["REDIS_URL"]
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, org, positions in listing:
        click.echo(f"  {username:<14} {org}（{positions}）")
    if issued:
        click.echo(f"已签发并绑定 {len(issued)} 张演示证书（证书密码均为 {DEMO_PIN}）")
    if published:
        click.echo(f"公告栏：已发布 {published} 条演示公告（经审核、盖章）")


@main.group(name="db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from portal import migrate

    url = load_config().DATABASE_URL
    migrate.upgrade(url, revision)
    click.echo(f"database at {migrate.current_revision(url)}")


@main.group(name="audit")
def audit_group() -> None:
    """The hash-chained audit trail."""


@audit_group.command()
def verify() -> None:
    """Check the audit chain; exit 1 if any event was changed, removed or reordered."""
    from portal import db
    from portal.domain.audit import verify_chain

    with _app_context():
        report = verify_chain(db.session())
    if report.ok:
        click.echo(f"审计链完整：共 {report.events} 条事件")
        return
    click.echo(f"审计链被破坏：第 {report.broken_at} 条事件，{report.reason}", err=True)
    sys.exit(1)


def _mount_library_commands() -> None:
    """The pure libraries' own commands: kinds, sample, render (documents); verify, seal, ca
    (seals). They run without the web app or a database."""
    from documents.cli import kinds, render, sample
    from seals.cli import register

    for command in (kinds, sample, render):
        main.add_command(command)
    register(main)


_mount_library_commands()

if __name__ == "__main__":
    main()
