"""The board's versions: one counter per scope a page can show, bumped when a publication
enters that scope, in the publishing transaction.

Scopes: ``all`` (the whole board: unfiltered lists, searches, date ranges, feeds, OCDS
packages), ``kind:…``, ``region:…`` (the announcement's region and its owner's own region),
``category:…``, ``collector:…``, ``purchaser:…``, ``project:…`` (an announcement's page shows its
project's other announcements) and ``orgs`` (the filter form's lists of collectors and
purchasers: bumped only when an organisation first appears in one of those roles).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, exists, select
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


#: Read on every board request, cached or not: one compiled statement, no ORM on the way.
_READ = select(BoardVersion.scope, BoardVersion.version).where(
    BoardVersion.scope.in_(bindparam("scopes", expanding=True)))


def read(db: Session, scopes: Iterable[str]) -> dict[str, int]:
    """The current version of each scope (0 for one nothing was ever published in)."""
    wanted = sorted(set(scopes))
    found = dict(db.connection().execute(_READ, {"scopes": wanted}).all())
    return {scope: found.get(scope, 0) for scope in wanted}
