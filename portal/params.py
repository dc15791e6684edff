"""Request parameters, parsed and bounded in one place before any query sees them.

Path parts go through the URL converters registered here (they replace Werkzeug's ``int``,
``string`` and ``path``): an id beyond what the database can hold, or a path part carrying
control characters, matches no route, so it is a 404 like any other unknown address. Query
parameters go through the parsers below: ids and cursors that make no sense are dropped (a
filter link never breaks), a date that is not a real date in range is a 400 with a message,
search text loses NUL and other control characters.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from werkzeug.routing import BaseConverter, IntegerConverter, PathConverter

from portal.domain.errors import InvalidInput

# The largest id the schema's id columns hold everywhere: PostgreSQL ``integer`` is 32 bits
# (SQLite's INTEGER would take 2^63 − 1, but a larger id than this exists on neither).
MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
# Board dates: wide enough for any real procurement, narrow enough that a day either side
# and the Beijing offset stay inside what ``datetime`` can represent.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)
MAX_TEXT = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadParameter(InvalidInput):
    """A query parameter that cannot mean anything; answered with 400 and the message."""


class IdConverter(IntegerConverter):
    """``<int:…>``: a non-negative integer no larger than a database id can be."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class TextConverter(BaseConverter):
    """``<name>``: one path segment, no control characters, bounded length."""

    regex = rf"[^/\x00-\x1f\x7f]{{1,{MAX_TEXT}}}"


class SafePathConverter(PathConverter):
    """``<path:…>``: like Werkzeug's, without control characters and bounded."""

    regex = rf"[^/\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]{{0,{MAX_TEXT * 2}}}?)"


def init_app(app: Flask) -> None:
    """Register the bounded converters; call before any blueprint is registered."""
    app.url_map.converters.update(
        int=IdConverter, default=TextConverter, string=TextConverter, path=SafePathConverter)


def optional_id(value: str | None) -> int | None:
    """An id from a query parameter (a filter, a cursor part): None unless a plausible id."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def optional_int(value: str | None, upper: int = MAX_PAGE) -> int | None:
    """A small non-negative number (a page, a score): None unless within ``0..upper``."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(upper)):
        return None
    number = int(text)
    return number if number <= upper else None


def optional_date(value: str | None, name: str) -> date | None:
    """A date written YYYY-MM-DD within the board's range; absent is None, anything else
    refused with a message naming the parameter."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        found = date.fromisoformat(text) if len(text) == 10 and text.isascii() else None
    except ValueError:
        found = None
    if found is None or not FIRST_DATE <= found <= LAST_DATE:
        raise BadParameter(_("日期“%(name)s”无效：请按 YYYY-MM-DD 填写 %(first)s 至 %(last)s "
                             "之间的日期。", name=name, first=FIRST_DATE.isoformat(),
                             last=LAST_DATE.isoformat()))
    return found


def optional_stamp(value: str, fmt: str) -> datetime | None:
    """A timestamp inside a cursor; None when unreadable or outside the board's range."""
    try:
        found = datetime.strptime(value, fmt)
    except ValueError:
        return None
    return found if FIRST_DATE <= found.date() <= LAST_DATE else None


def search_text(value: str | None, limit: int) -> str:
    """Search words as typed, without NUL and other control or format characters (a full-text
    engine reads some of them as syntax), cut to ``limit`` characters."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") else ch
        for ch in (value or "")[: limit * 2])
    return cleaned[:limit]


def plain_text(value: str | None, limit: int = MAX_TEXT) -> str:
    """A short free-text parameter (a code, a name): control characters removed, bounded."""
    return _CONTROL.sub("", value or "")[:limit]
