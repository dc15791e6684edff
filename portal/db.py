"""Engine and request-scoped sessions (SQLAlchemy 2.0, no Flask-SQLAlchemy)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

EXTENSION = "kuangcai.db"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # deleted rows are overwritten, not left in free pages: a response's plaintext
            # draft must be gone from the file once it is submitted (portal.domain.responses)
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def dispose(app: Flask) -> None:
    """Close the pool's connections (one-shot commands and tests call this when done)."""
    app.extensions[EXTENSION].kw["bind"].dispose()


def engine() -> Engine:
    bind = current_app.extensions[EXTENSION].kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def session() -> Session:
    """The session of the current app context; domain commands commit it, views never do."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION]()
    return g.db_session  # type: ignore[no-any-return]


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
