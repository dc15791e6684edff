"""The board's versions: one counter per scope a page can show, bumped when a publication
enters that scope, in the publishing transaction.

Scopes: ``all`` (the whole board: unfiltered lists, searches, date ranges, feeds, OCDS
packages), ``kind:…``, ``region:…`` (the announcement's region and its owner's own region),
``category:…``, ``collector:…``, ``purchaser:…``, ``project:…`` (an announcement's page shows its
project's other announcements) and ``orgs`` (the filter form's lists of collectors and
purchasers: bumped only when an organisation first appears in one of those roles).

A web process remembers the versions it read for ``BOARD_VERSIONS_SECONDS``, so a board request
served from a cache does not wait on the database: a publication committed in this process
forgets them at once, one committed in another process (or machine) is seen within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

from sqlalchemy import Engine, bindparam, event, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import Announcement, BoardVersion

ALL = "all"
ORGS = "orgs"


def project_scope(number: str | None, document_id: int) -> str:
    return f"project:{number}"[:80] if number else f"doc:{document_id}"


def scopes_of(db: Session, a: Announcement) -> list[str]:
    """Every scope ``a`` (being published, not yet flushed) appears in."""
    found = [ALL, f"kind:{a.board_category}", project_scope(a.project_number, a.document_id)]
    found += [f"region:{code}" for code in {a.region_code, a.local_region_code} if code]
    if a.procurement_category:
        found.append(f"category:{a.procurement_category}")
    for role, org_id in (("collector", a.collector_org_id), ("purchaser", a.purchaser_org_id)):
        if org_id is None:
            continue
        found.append(f"{role}:{org_id}")
        column = getattr(Announcement, f"{role}_org_id")
        if ORGS not in found and not db.scalar(select(exists().where(column == org_id))):
            found.append(ORGS)
    return found


def bump(db: Session, scopes: Iterable[str]) -> None:
    """Add one to each scope's version (creating it at 1), in the caller's transaction."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for scope in sorted(set(scopes)):  # one order, so two publications never deadlock
        statement = insert(BoardVersion).values(scope=scope, version=1)
        db.execute(statement.on_conflict_do_update(
            index_elements=[BoardVersion.scope],
            set_={"version": BoardVersion.version + 1}))
    db.info[_BUMPED] = database_key(db.get_bind())  # forgotten once the commit is done


#: Read on every board request, cached or not: one compiled statement, no ORM on the way.
_READ = select(BoardVersion.scope, BoardVersion.version).where(
    BoardVersion.scope.in_(bindparam("scopes", expanding=True)))


def read(db: Session, scopes: Iterable[str]) -> dict[str, int]:
    """The current version of each scope (0 for one nothing was ever published in)."""
    wanted = sorted(set(scopes))
    found = dict(db.connection().execute(_READ, {"scopes": wanted}).all())
    return {scope: found.get(scope, 0) for scope in wanted}


clock = time.monotonic  # tests move it


class _Remembered:
    """The versions one database's scopes had when this process last read them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.known: dict[str, tuple[int, float]] = {}
        self.generation = 0  # a read begun before a forget() must not be remembered after it

    def forget(self) -> None:
        with self.lock:
            self.known.clear()
            self.generation += 1

    def fresh(self, scopes: list[str], seconds: float) -> tuple[dict[str, int], int]:
        now = clock()
        with self.lock:
            found = {scope: known[0] for scope in scopes
                     if (known := self.known.get(scope)) and now - known[1] < seconds}
            return found, self.generation

    def keep(self, read_: dict[str, int], generation: int, at: float) -> None:
        with self.lock:
            if generation == self.generation:
                self.known.update((scope, (version, at)) for scope, version in read_.items())


_by_database: dict[str, _Remembered] = {}
_by_database_lock = threading.Lock()
_BUMPED = "kuangcai.board_bumped"


@event.listens_for(Session, "after_commit")
def _forget_after_a_bump(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the versions are not committed yet
    key = session.info.pop(_BUMPED, None)
    if key is not None:
        _remembered(key).forget()


def _remembered(key: str) -> _Remembered:
    with _by_database_lock:
        return _by_database.setdefault(key, _Remembered())


def forget_everything() -> None:
    """Forget every database's versions (a test that empties its tables)."""
    with _by_database_lock:
        remembered = list(_by_database.values())
    for one in remembered:
        one.forget()


@lru_cache(maxsize=64)
def database_key(engine: Engine) -> str:
    """One key per database, whichever engine (app) reaches it."""
    return engine.url.render_as_string(hide_password=False)


def current(key: str, scopes: Iterable[str], load: Callable[[list[str]], dict[str, int]],
            seconds: float) -> dict[str, int]:
    """The versions of ``scopes`` in the database ``key`` names, as remembered if read less
    than ``seconds`` ago, else read by ``load`` (given the scopes to read) and remembered."""
    wanted = sorted(set(scopes))
    remembered = _remembered(key)
    found, generation = remembered.fresh(wanted, seconds)
    if len(found) < len(wanted):
        at = clock()
        loaded = load([scope for scope in wanted if scope not in found])
        remembered.keep(loaded, generation, at)
        found.update(loaded)
    return found


def current_in(session: Session, scopes: Iterable[str], seconds: float) -> dict[str, int]:
    """:func:`current`, read through ``session`` when not remembered."""
    return current(database_key(session.get_bind()), scopes,
                   lambda wanted: read(session, wanted), seconds)


def remembered_only(key: str, scopes: Iterable[str],
                    seconds: float) -> dict[str, int] | None:
    """The versions of ``scopes`` if every one is remembered recently enough, else None."""
    wanted = sorted(set(scopes))
    found, _generation = _remembered(key).fresh(wanted, seconds)
    return found if len(found) == len(wanted) else None
