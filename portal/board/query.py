"""The board's filters and keyset pagination.

Every filter is a query parameter, so a URL is a shareable view of the board. Pages are cut by
a cursor on the sort key ((published_at, document_id), with the relevance score first when
searching), never by OFFSET, so the hundredth page costs what the first does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from portal import params
from portal.board import BOARD_LABELS, CATEGORY_LABELS, search
from portal.models import BEIJING, Announcement

PAGE_SIZE = 20
#: The board counts matches up to this many; past it, it says "1000 条以上" rather than read
#: every matching row (the whole board at 100,000) for a figure nobody pages through.
COUNT_LIMIT = 1000
_STAMP = "%Y%m%d%H%M%S%f"


@dataclass(frozen=True)
class Filters:
    kind: str | None = None  # board category
    region: str | None = None
    category: str | None = None  # goods / services
    collector: int | None = None
    purchaser: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    query: search.Query = field(default=search.Query(()), compare=False, repr=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        """What the URL asks for; a value that makes no sense is dropped, except a date that
        is not one (:func:`params.optional_date` refuses it with a message)."""
        query = search.Query.parse(args.get("q"))
        region = (args.get("region") or "").strip()
        return cls(
            kind=args.get("kind") if args.get("kind") in BOARD_LABELS else None,
            region=region if region.isascii() and region.isdigit() and len(region) == 6 else None,
            category=args.get("category") if args.get("category") in CATEGORY_LABELS else None,
            collector=params.optional_id(args.get("collector")),
            purchaser=params.optional_id(args.get("purchaser")),
            date_from=params.optional_date(args.get("from"), "from"),
            date_to=params.optional_date(args.get("to"), "to"),
            q=query.text, query=query,
        )

    def to_args(self) -> dict[str, str]:
        """The non-empty filters as URL parameters (the inverse of ``from_args``)."""
        values = asdict(self)
        values.pop("query")
        values["from"], values["to"] = values.pop("date_from"), values.pop("date_to")
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def scopes(self) -> list[str]:
        """The board versions (:mod:`portal.board.versions`) a view with these filters shows:
        one per filter a publication's own fields decide; the whole board otherwise."""
        chosen = [f"{name}:{value}" for name, value in (
            ("kind", self.kind), ("region", self.region), ("category", self.category),
            ("collector", self.collector), ("purchaser", self.purchaser)) if value]
        if self.query or self.date_from or self.date_to or not chosen:
            chosen.append("all")
        return chosen

    def without(self, name: str) -> dict[str, str]:
        return {k: v for k, v in self.to_args().items() if k != name}

    def conditions(self, dialect: str) -> list[ColumnElement[bool]]:
        """Rows passing every filter and matching the search, if any."""
        found = self._filtered()
        if self.query:
            found.append(search.condition(self.query, dialect))
        return found

    def tiers(self, dialect: str) -> list[tuple[int | None, list[ColumnElement[bool]]]]:
        """The rows asked for as (score, conditions), in the order a page lists them: one
        unscored tier, or the search's relevance tiers (:func:`search.tiers`)."""
        if not self.query:
            return [(None, self._filtered())]
        return [(score, [*self._filtered(), match])
                for score, match in search.tiers(self.query, dialect)]

    def _filtered(self) -> list[ColumnElement[bool]]:
        A = Announcement
        found: list[ColumnElement[bool]] = []
        if self.kind:
            found.append(A.board_category == self.kind)
        if self.region:
            found.append(or_(A.region_code == self.region, A.local_region_code == self.region))
        if self.category:
            found.append(A.procurement_category == self.category)
        if self.collector:
            found.append(A.collector_org_id == self.collector)
        if self.purchaser:
            found.append(A.purchaser_org_id == self.purchaser)
        if self.date_from:
            found.append(A.published_at >= datetime.combine(self.date_from, time()) - BEIJING)
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time()) - BEIJING
            found.append(A.published_at < end)
        return found


@dataclass(frozen=True)
class Hit:
    announcement: Announcement
    score: int | None


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    next_cursor: str | None


def encode_cursor(published_at: datetime, document_id: int, score: int | None = None) -> str:
    key = f"{published_at.strftime(_STAMP)}-{document_id}"
    return key if score is None else f"{score}-{key}"


def decode_cursor(cursor: str | None, scored: bool) -> tuple[Any, ...] | None:
    """(score?, published_at, document_id) from a cursor; None when absent or unreadable."""
    parts = (cursor or "")[:64].split("-")
    if len(parts) != (3 if scored else 2):
        return None
    score = params.optional_int(parts[0], search.MAX_TERMS) if scored else 0
    stamp, document_id = params.optional_stamp(parts[-2], _STAMP), params.optional_id(parts[-1])
    if score is None or stamp is None or document_id is None:
        return None
    return (score, stamp, document_id) if scored else (stamp, document_id)


def _dialect(db: Session) -> str:
    return db.get_bind().dialect.name


def page(db: Session, filters: Filters, before: str | None = None,
         size: int = PAGE_SIZE) -> Page:
    """Newest first (most relevant first when searching), ``size`` at a time after ``before``.
    Each tier is read newest first from the date index, from the cursor on and only as far as
    the page needs; then the page's rows are loaded."""
    A = Announcement
    tiers = filters.tiers(_dialect(db))
    scored = tiers[0][0] is not None
    cursor = decode_cursor(before, scored)
    found: list[tuple[int | None, int]] = []
    for score, conditions in tiers:
        statement = select(A.document_id).where(*conditions)
        if cursor is not None:
            if scored and cursor[0] < score:
                continue  # listed on earlier pages
            if not scored or cursor[0] == score:
                statement = statement.where(tuple_(A.published_at, A.document_id)
                                            < tuple_(*cursor[-2:]))
        statement = statement.order_by(A.published_at.desc(), A.document_id.desc())
        found += [(score, i) for i in db.scalars(statement.limit(size + 1 - len(found)))]
        if len(found) > size:
            break
    rows = db.scalars(select(A).where(A.document_id.in_([i for _, i in found[:size]]))
                      .options(joinedload(A.owner_org)))
    by_id = {a.document_id: a for a in rows}
    hits = [Hit(by_id[i], score) for score, i in found[:size]]
    last = hits[-1] if len(found) > size else None
    next_cursor = encode_cursor(last.announcement.published_at, last.announcement.document_id,
                                last.score) if last else None
    return Page(hits, next_cursor)


@dataclass(frozen=True)
class Total:
    count: int
    at_least: bool  # more than ``count`` match: counting them all would be slow


def total(db: Session, filters: Filters, shown: Page, first: bool) -> Total:
    """How many announcements match: exact up to :data:`COUNT_LIMIT`, read from the index no
    further than that; a first page with no next page is already the whole count."""
    if first and shown.next_cursor is None:
        return Total(len(shown.hits), False)
    A = Announcement
    matching = (select(A.document_id).where(*filters.conditions(_dialect(db)))
                .limit(COUNT_LIMIT + 1).subquery())
    found = db.scalar(select(func.count()).select_from(matching)) or 0
    return Total(min(found, COUNT_LIMIT), found > COUNT_LIMIT)


def since(db: Session, filters: Filters, after: str | None, size: int) -> Page:
    """Oldest first from a cursor: how harvesters (OCDS, feeds readers) walk the whole board."""
    A = Announcement
    statement = select(A).where(*filters.conditions(_dialect(db)))
    cursor = decode_cursor(after, scored=False)
    if cursor is not None:
        statement = statement.where(tuple_(A.published_at, A.document_id) > tuple_(*cursor))
    rows = db.scalars(statement.order_by(A.published_at, A.document_id).limit(size + 1)
                      .options(selectinload(A.process))).all()
    hits = [Hit(a, None) for a in rows[:size]]
    last = hits[-1].announcement if len(rows) > size else None
    return Page(hits, encode_cursor(last.published_at, last.document_id) if last else None)


def state(db: Session) -> tuple[int, datetime | None]:
    """The newest announcement's id and time: the board changes only by growing, and each new
    announcement is the newest, so this pair identifies its content for ETags. Read from the
    (published_at, document_id) index: counting the rows cost 11 ms at 100,000."""
    A = Announcement
    row = db.execute(select(A.document_id, A.published_at)
                     .order_by(A.published_at.desc(), A.document_id.desc()).limit(1)).first()
    return (int(row[0]), row[1]) if row else (0, None)


def get(db: Session, document_id: int) -> Announcement | None:
    return db.get(Announcement, document_id)


def project_number(db: Session, document_id: int) -> tuple[str | None] | None:
    """(project number,) of the announcement, None when there is no such announcement."""
    row = db.execute(select(Announcement.project_number)
                     .where(Announcement.document_id == document_id)).first()
    return (row[0],) if row else None


def related(db: Session, announcement: Announcement) -> list[Announcement]:
    """The project's other announcements, in order: a change links to its call, a result to
    the call it closes, and so on."""
    if not announcement.project_number:
        return []
    A = Announcement
    return list(db.scalars(select(A).where(
        and_(A.project_number == announcement.project_number,
             A.document_id != announcement.document_id))
        .order_by(A.published_at, A.document_id).limit(50)))
