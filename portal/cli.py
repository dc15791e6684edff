"""The ``kuangcai`` console script.

Each command imports what it needs when it runs: ``kuangcai --help`` loads neither the web app
nor WeasyPrint or pyHanko, and ``kuangcai render`` loads the document library only. The pure
libraries' commands (``documents.cli``, ``seals.cli``) are found by name when called.
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from portal.config import load_config

#: Commands of the pure libraries: name -> (module:attribute, the short help ``--help`` shows).
LIBRARY_COMMANDS = {
    "kinds": ("documents.cli:kinds", "列出全部文书类型（代码在前）。"),
    "sample": ("documents.cli:sample", "输出某类文书的示例数据（JSON，render 命令可直接读取）。"),
    "render": ("documents.cli:render",
               "按 DATA（JSON 文件，- 表示标准输入）生成 PDF，可选 DOCX；数据有误时不写任何文件。"),
    "verify": ("seals.cli:verify_command", "验证 PDF 中的全部签章。"),
    "seal": ("seals.cli:seal_command", "在 PDF 上加盖电子签章（PAdES）。"),
    "ca": ("seals.cli:ca_group", "演示 CA：签发、吊销证书，生成 CRL。"),
}


class LazyGroup(click.Group):
    """A group whose library commands are imported only when one of them is run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LIBRARY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LIBRARY_COMMANDS:
            module, _, attribute = LIBRARY_COMMANDS[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, LIBRARY_COMMANDS[name][1]) if name in LIBRARY_COMMANDS
                else (name, self.commands[name].get_short_help_str(limit=formatter.width))
                for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


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


@click.group(cls=LazyGroup)
def main() -> None:
    """框采 — framework-agreement e-procurement portal."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="RQ worker processes")
@click.option("--threads", default=8, show_default=True, type=int,
              help="web threads (one gunicorn process, as the embedded SQLite has one writer)")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app through gunicorn; without REDIS_URL also start an embedded Redis and
    the workers. Ctrl-C or SIGTERM stops them all."""
    from portal import embedded_redis, migrate

    config = load_config()  # also makes the installation's secret key before gunicorn forks
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
        children = [subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"],
                                     start_new_session=True) for _ in range(workers)]
    # its own session too: a terminal's Ctrl-C reaches this process only, which stops each
    # child once (a second signal would make RQ abandon a job half done)
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
                            "--workers", "1", "--worker-class", "gthread",
                            "--threads", str(threads), "--graceful-timeout", "20",
                            "portal:create_app()"], start_new_session=True)
    children.append(web)

    def stop(*_: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Kuangcai on http://{host}:{port}/ (Ctrl-C stops it)")
    try:
        web.wait()
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded is not None:
            embedded.shutdown()
        click.echo("Kuangcai stopped")


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
    from portal import db, embedded_redis, migrate
    from portal.demo import (
        DEMO_PASSWORD,
        DEMO_PIN,
        seed,
        seed_credentials,
        seed_expert_credentials,
    )
    from portal.demo_agreements import seed_agreements
    from portal.demo_board import seed_board
    from portal.demo_products import seed_products
    from portal.jobs_queue import QUEUES, redis_connection
    from portal.views.auth import hasher

    url = load_config().DATABASE_URL
    migrate.upgrade(url)  # a new installation: make the schema first (idempotent)
    click.echo(f"database at {migrate.current_revision(url)}")
    embedded = None
    if not os.environ.get("REDIS_URL"):  # publishing queues jobs, as under kuangcai serve
        embedded, os.environ["REDIS_URL"] = embedded_redis.start(load_config().VAR_DIR)
    try:
        with _app_context() as app:
            listing = seed(db.session(), hasher())
            issued = seed_credentials(db.session()) + seed_expert_credentials(db.session())
            published = seed_board(db.session())
            listing += seed_products(db.session(), hasher())  # after the board: its 品目
            in_force = seed_agreements(db.session())  # after the board: its shortlist
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
    if in_force:
        click.echo(f"框架协议：{in_force} 份已由供应商和征集人签订，呼和浩特市第一中学（cg_clerk）"
                   "可在入围产品库中按采购计划下单")
    from portal.demo_experts import EXPERTS

    click.echo(f"专家库：{len(EXPERTS)} 位评审专家，账号 "
               + "、".join(username for username, *_ in EXPERTS) + "（密码同上）")


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


@main.group(name="rotation")
def rotation_group() -> None:
    """The hash-chained ledgers of 顺序轮候."""


@rotation_group.command(name="verify")
@click.argument("project_number")
def verify_rotation(project_number: str) -> None:
    """Check each lot's rotation ledger of a project; exit 1 if any entry was changed, removed
    or reordered."""
    from sqlalchemy import select

    from portal import db
    from portal.domain import rotation
    from portal.models import Project, ShortlistedSupplier

    with _app_context():
        session = db.session()
        project = session.scalar(select(Project).where(Project.number == project_number))
        if project is None:
            click.echo(f"没有编号为 {project_number} 的项目", err=True)
            sys.exit(2)
        lots = sorted(set(session.scalars(select(ShortlistedSupplier.lot_number).where(
            ShortlistedSupplier.project_id == project.id))))
        chains = rotation.public_ledgers(session, project, lots)
    if not chains:
        click.echo("该项目没有顺序轮候记录")
    for lot, chain in chains.items():
        if chain.broken is None:
            click.echo(f"第{lot}包：共 {len(chain.entries)} 条，哈希链完整")
        else:
            click.echo(f"第{lot}包：自第 {chain.broken} 条起与哈希链不一致", err=True)
    if any(chain.broken is not None for chain in chains.values()):
        sys.exit(1)


@main.group(name="holidays")
def holidays_group() -> None:
    """法定节假日安排 (the working-day calendar behind time limits)."""


@holidays_group.command(name="list")
def holidays_list() -> None:
    """List the years known (shipped or recorded) and the notices they follow."""
    from portal import db
    from portal.domain import workdays
    from portal.models import beijing_now

    with _app_context():
        years, missing = workdays.overview(db.session(), beijing_now().date())
    for arrangement in years:
        origin = "管理员录入" if arrangement.recorded else "随系统发布"
        click.echo(f"{arrangement.year}\t放假 {len(arrangement.holidays)} 天\t"
                   f"调休上班 {len(arrangement.workdays)} 天\t{origin}\t{arrangement.source}")
    for year in missing:
        click.echo(f"{year}\t未录入：按周末计算", err=True)


@holidays_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def holidays_import(file: Path) -> None:
    """Record the years in FILE (JSON: year, source, holidays, workdays), audited; nothing is
    recorded if any year is wrong."""
    from portal import db
    from portal.domain import workdays
    from portal.domain.errors import InvalidInput

    try:
        arrangements = workdays.read_file(file)
    except workdays.ArrangementInvalid as refused:
        lines = [f"{name}：{'；'.join(messages)}" for name, messages in refused.errors.items()]
        raise click.ClickException(f"{file}：{refused.message}\n  " + "\n  ".join(lines)) \
            from None
    except InvalidInput as refused:
        raise click.ClickException(f"{file}：{refused.message}") from None
    with _app_context():
        for arrangement in arrangements:
            workdays.record_year(db.session(), None, arrangement)
            click.echo(f"已录入 {arrangement.year} 年节假日安排：放假 "
                       f"{len(arrangement.holidays)} 天，调休上班 {len(arrangement.workdays)} 天")


@main.command(name="shortlisted")
@click.argument("project_number")
def shortlisted_command(project_number: str) -> None:
    """入围供应商: synchronise a project's from its published shortlist (idempotent)."""
    from sqlalchemy import select

    from portal import db
    from portal.domain import shortlisted
    from portal.models import Project

    with _app_context():
        session = db.session()
        project = session.scalar(select(Project).where(Project.number == project_number))
        if project is None:
            click.echo(f"没有项目编号为 {project_number} 的采购项目", err=True)
            sys.exit(1)
        added = shortlisted.synchronise(session, None, project)
        session.commit()
        total = len(shortlisted.of_project(session, project))
    click.echo(f"新增入围供应商 {len(added)} 家，共 {total} 家")


if __name__ == "__main__":
    main()


@main.group(name="receipt")
def receipt_group() -> None:
    """响应文件回执."""


@receipt_group.command(name="check")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def receipt_check(file: Path) -> None:
    """Check a response receipt (JSON): the TSA's signature, and its SHA-256 against the
    ciphertext stored now. Exit 1 when it does not hold."""
    import json

    from portal import db
    from portal.domain import receipts
    from portal.domain.errors import DomainError

    with _app_context():
        try:
            receipt = json.loads(file.read_bytes())
            if not isinstance(receipt, dict):
                raise ValueError("not an object")
            result = receipts.check_receipt(db.session(), receipt)
        except (DomainError, ValueError) as refused:
            click.echo(f"核验不通过：{getattr(refused, 'message', refused)}", err=True)
            sys.exit(1)
    click.echo(f"核验通过：密文 SHA-256 {result.check.sha256}，"
               f"时间戳 {result.check.timestamped_at.isoformat()}"
               + ("" if result.current else "（此次提交已撤回或被取代）"))
