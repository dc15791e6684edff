"""A time budget for the board's queries: a search whose terms match almost everything stops
after ``BOARD_QUERY_SECONDS`` and the visitor is asked to narrow it, rather than waiting for a
slow page (SQLite: a progress handler interrupts the statement; PostgreSQL:
``statement_timeout``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

_STEPS = 20_000  # SQLite virtual-machine steps between looks at the clock
SEQ_PAGE_COST = 4  # PostgreSQL, while the board queries run: see _postgresql


class TooSlow(Exception):
    """The query ran out of its time budget."""


@contextmanager
def limited(db: Session, seconds: float | None = None) -> Iterator[None]:
    budget = seconds if seconds is not None else float(current_app.config["BOARD_QUERY_SECONDS"])
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
    # The board's rows carry each announcement's HTML and text, a few to a page, so reading
    # them in order costs about what reading them at random does. Left at 1, the planner counts
    # a term in one announcement of 25 by scanning the table (418 ms at 1,000,000) instead of
    # its trigram index (26 ms); a term in every body still scans (37 ms).
    db.execute(text(f"SET LOCAL seq_page_cost = {SEQ_PAGE_COST}"))
    try:
        yield
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "57014":  # query_canceled
            raise
        db.rollback()
        raise TooSlow() from error
    db.execute(text("SET LOCAL statement_timeout = 0"))
    db.execute(text("SET LOCAL seq_page_cost = DEFAULT"))
