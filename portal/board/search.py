"""Chinese full-text search over titles and bodies, one interface on both databases.

The query is split on white space into terms, all of which must match (as substrings: Chinese
has no spaces between words, so a term is any run of characters). Terms of three characters or
more use the database's trigram index: SQLite's FTS5 ``trigram`` tokenizer, PostgreSQL's
``pg_trgm`` GIN indexes behind ``ILIKE``. Shorter terms (一两个字, which a trigram index cannot
serve) match titles only with a plain ``LIKE`` scan. Ranking is the same on both:
hits in the title, then the newest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, and_, func, literal, literal_column, select, text

from portal.models import Announcement

MAX_TERMS = 5
MAX_QUERY = 100
TRIGRAM = 3
TITLE_WEIGHT = 5
MARK = Markup("<mark>{}</mark>")


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]

    @classmethod
    def parse(cls, raw: str | None) -> Query:
        terms = dict.fromkeys(t for t in (raw or "")[:MAX_QUERY].split() if t)
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


def condition(query: Query, dialect: str) -> ColumnElement[bool]:
    """Rows matching every term."""
    A = Announcement
    parts: list[ColumnElement[bool]] = []
    long_terms = [t for t in query.terms if len(t) >= TRIGRAM]
    if dialect == "sqlite" and long_terms:
        match = " ".join(_fts5_phrase(t) for t in long_terms)
        fts: Select[Any] = (
            select(literal_column("rowid")).select_from(text("announcements_fts"))
            .where(literal_column("announcements_fts").op("MATCH")(match)))
        parts.append(A.document_id.in_(fts))
    for term in query.terms:
        if dialect == "sqlite" and len(term) >= TRIGRAM:
            continue
        pattern = _like_pattern(term)
        if len(term) < TRIGRAM:
            # One or two characters match almost every body; in titles they still mean
            # something, and no index can serve them: titles only keeps the scan small.
            parts.append(A.title.ilike(pattern, escape="\\"))
        else:
            parts.append(A.title.ilike(pattern, escape="\\")
                         | A.body_text.ilike(pattern, escape="\\"))
    return and_(*parts)


def _occurrences(column: Any, term: str) -> ColumnElement[int]:
    lowered = func.lower(column)
    needle = literal(term.lower())
    hits = func.length(lowered) - func.length(func.replace(lowered, needle, ""))
    return hits // len(term)


def score(query: Query) -> ColumnElement[int]:
    """Relevance: hits in the title (the same integer on both databases); newest first among
    equals. Counting hits in every matching body cost seconds at 100,000 announcements."""
    total: ColumnElement[int] = literal(0)
    for term in query.terms:
        total = total + TITLE_WEIGHT * _occurrences(Announcement.title, term)
    return total


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
