"""A time budget for the board's queries: a search whose terms match almost everything stops
after :data:`SECONDS` and the visitor is asked to narrow it, rather than waiting for a slow page
(SQLite: a progress handler interrupts the statement; PostgreSQL: ``statement_timeout``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

SECONDS = 0.8
_STEPS = 20_000  # SQLite virtual-machine steps between looks at the clock


class TooSlow(Exception):
    """The query ran out of its time budget."""


@contextmanager
def limited(db: Session, seconds: float | None = None) -> Iterator[None]:
    budget = seconds if seconds is not None else float(
        current_app.config.get("BOARD_QUERY_SECONDS", SECONDS))
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        with _postgresql(db, budget):
            yield
        return
    raw: Any = connection.connection.dbapi_connection  # sqlite3.Connection
    deadline = time.monotonic() + budget
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _STEPS)
    try:
        yield
    except DBAPIError as error:
        if "interrupted" not in str(error.orig):
            raise
        db.rollback()
        raise TooSlow() from error
    finally:
        raw.set_progress_handler(None, 0)


@contextmanager
def _postgresql(db: Session, budget: float) -> Iterator[None]:
    from sqlalchemy import text

    db.execute(text(f"SET LOCAL statement_timeout = {max(1, int(budget * 1000))}"))
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "57014":  # query_canceled
            raise
        db.rollback()
        raise TooSlow() from error
    db.execute(text("SET LOCAL statement_timeout = 0"))
