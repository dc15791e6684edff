"""Chinese full-text search over titles and bodies, one interface on both databases.

The query is split on white space into terms, all of which must match (as substrings: Chinese
has no spaces between words, so a term is any run of characters). Terms of three characters or
more use the database's trigram index: SQLite's FTS5 ``trigram`` tokenizer, PostgreSQL's
``pg_trgm`` GIN indexes behind ``ILIKE``. Shorter terms (一两个字, which a trigram index cannot
serve) match titles only.

Ranking is the same on both: the more of the terms the title holds, the higher; the newest
first among equals. The matches are cut into tiers by that score (:func:`tiers`) and each tier
is read newest first from the (published_at, document_id, title) index, so a page stops after
its last row instead of ranking every match: a common term costs what a rare one does. The top
tier (every term in the title) needs no full-text index at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, and_, case, literal, literal_column, select, text

from portal import params
from portal.models import Announcement

MAX_TERMS = 5
MAX_QUERY = 100
TRIGRAM = 3
MARK = Markup("<mark>{}</mark>")


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str | None) -> Query:
        terms = dict.fromkeys(t for t in params.search_text(raw, MAX_QUERY).split() if t)
        return cls(tuple(terms)[:MAX_TERMS])

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def text(self) -> str:
        return " ".join(self.terms)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _contains(column: Any, term: str, dialect: str) -> ColumnElement[bool]:
    """``column`` holds ``term``, whatever the case of its letters. A plain LIKE wherever that
    is the same: on SQLite (its LIKE ignores ASCII case and its lower() folds nothing else) and
    for terms without cased letters (Chinese, digits). ILIKE costs five times as much a row on
    PostgreSQL, and ilike's lower() calls halve the speed of a title scan on SQLite."""
    pattern = _like_pattern(term)
    if dialect == "sqlite" or term.lower() == term.upper():
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _everywhere(terms: list[str], dialect: str) -> ColumnElement[bool]:
    """Rows whose title or body holds every one of ``terms`` (three characters or more)."""
    A = Announcement
    if dialect != "sqlite":
        return and_(*(_contains(A.title, t, dialect) | _contains(A.body_text, t, dialect)
                      for t in terms))
    match = " ".join(_fts5_phrase(t) for t in terms)
    fts: Select[Any] = (
        select(literal_column("rowid")).select_from(text("announcements_fts"))
        .where(literal_column("announcements_fts").op("MATCH")(match)))
    # "+ 0": SQLite then walks the date index testing membership, stopping at the page's end,
    # instead of fetching and sorting every match (a common term matches nearly every row).
    return (A.document_id + 0).in_(fts)


def condition(query: Query, dialect: str) -> ColumnElement[bool]:
    """Rows matching every term: short ones in the title, the others anywhere."""
    short = [t for t in query.terms if len(t) < TRIGRAM]
    long = [t for t in query.terms if len(t) >= TRIGRAM]
    parts = [_contains(Announcement.title, t, dialect) for t in short]
    if long:
        parts.append(_everywhere(long, dialect))
    return and_(*parts)


def tiers(query: Query, dialect: str) -> list[tuple[int, ColumnElement[bool]]]:
    """The matching rows cut by relevance, most relevant first: (score, condition), the score
    being how many of the terms the title holds. Short terms match only in the title, so the
    scores run from their number up to every term."""
    in_title = {t: _contains(Announcement.title, t, dialect) for t in query.terms}
    short = [t for t in query.terms if len(t) < TRIGRAM]
    long = [t for t in query.terms if len(t) >= TRIGRAM]
    found = [(len(query.terms), and_(*in_title.values()))]
    if long:
        matching = condition(query, dialect)
        long_in_title = sum((case((in_title[t], 1), else_=0) for t in long), literal(0))
        found += [(score, and_(matching, long_in_title == score - len(short)))
                  for score in range(len(query.terms) - 1, len(short) - 1, -1)]
    return found


def _pattern(query: Query) -> re.Pattern[str] | None:
    if not query:
        return None
    alternatives = sorted((re.escape(t) for t in query.terms), key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(value: str, query: Query) -> Markup:
    """``value`` escaped, each matched term wrapped in ``<mark>``."""
    pattern = _pattern(query)
    if pattern is None:
        return escape(value)
    out: list[Markup] = []
    last = 0
    for found in pattern.finditer(value):
        out.append(escape(value[last:found.start()]))
        out.append(MARK.format(found.group()))
        last = found.end()
    out.append(escape(value[last:]))
    return Markup("").join(out)


def snippet(value: str, query: Query, width: int = 90) -> Markup:
    """A window of the text around the first match (or its opening), highlighted."""
    pattern = _pattern(query)
    found = pattern.search(value) if pattern else None
    start = max(0, found.start() - width // 3) if found else 0
    end = min(len(value), start + width)
    window = ("…" if start else "") + value[start:end] + ("…" if end < len(value) else "")
    return highlight(window, query)
