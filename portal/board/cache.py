"""Board pages rendered once per version and served from Redis, shared by every web process.

A page's key is what it is made of: the route, its query string, the language, which HTMX
fragment was asked for, and the versions of the board scopes it shows
(:mod:`portal.board.versions`). The key is also the page's ETag, so it survives restarts and
is the same on every machine, and a proxy in front (nginx ``proxy_cache``) can revalidate
against any of them.

Only pages for visitors who are not signed in are shared: a signed-in page shows who is
signed in, so it is rendered for them, marked ``private`` and never stored. A visitor with a
message waiting (a flash) gets a fresh page too. If Redis cannot be reached the page is
rendered as if nothing were cached, and the cache is left alone for a while.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from flask import Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from redis.exceptions import RedisError
from werkzeug.http import http_date, is_resource_modified

from portal import db
from portal.board import front, versions
from portal.jobs_queue import redis_connection

log = logging.getLogger(__name__)

#: Format of the stored entries and of the keys: bump to retire every cached page at once.
LAYOUT = "1"
#: A cached page also expires on its own: a renamed organisation shows within the hour.
TTL_SECONDS = 3600
#: After a Redis failure, pages are rendered directly for this long before trying again.
BACKOFF_SECONDS = 30
SHARED_HEADERS = ("Link",)
_BACKOFF = "kuangcai.board_cache_backoff"  # per app: when to try Redis again


def public_policy(max_age: int, stale: int) -> str:
    return f"public, max-age={max_age}, stale-while-revalidate={stale}"


LIST = public_policy(60, 600)  # lists, feeds, OCDS packages: a new publication shows in a minute
PAGE = public_policy(300, 86400)  # an announcement's page changes only with its project
PRIVATE = "private, no-cache"


def _shared() -> bool:
    """Whether this visitor may get (and make) the page everyone shares."""
    return not current_user.is_authenticated and not session.get("_flashes")


def _namespace() -> str:
    """Keys of one installation (its database) only: a Redis may serve several portals."""
    url = str(current_app.config["DATABASE_URL"])
    return hashlib.sha256(url.encode()).hexdigest()[:12]


def current_versions(scopes: Iterable[str]) -> dict[str, int]:
    """The versions of ``scopes``, as this process remembers them (:mod:`.versions`)."""
    return versions.current_in(db.session(), scopes,
                               float(current_app.config["BOARD_VERSIONS_SECONDS"]))


def key_for(name: str, found: dict[str, int], *extra: object, shared: bool = True) -> str:
    """The key (and ETag) of page ``name`` made from the scope versions ``found``."""
    parts: list[object] = [LAYOUT, name, request.host_url, request.path,
                           sorted(request.args.items(multi=True)),
                           str(get_locale()), request.headers.get("HX-Request", ""),
                           request.headers.get("HX-Target", ""), sorted(found.items()), *extra]
    if not shared:
        parts.append(("user", current_user.get_id() or "-"))
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def _available() -> bool:
    return time.monotonic() >= current_app.extensions.get(_BACKOFF, 0.0)


def _failed(error: Exception) -> None:
    current_app.extensions[_BACKOFF] = time.monotonic() + BACKOFF_SECONDS
    log.warning("board cache unavailable, pages rendered directly: %s", error)


def _redis_get(key: str) -> dict[str, object] | None:
    if not _available():
        return None
    try:
        raw = redis_connection().get(f"kc:board:{_namespace()}:{key}")
    except (RedisError, RuntimeError, OSError) as error:
        _failed(error)
        return None
    return json.loads(raw) if raw else None


def _redis_set(key: str, entry: dict[str, object]) -> None:
    if not _available():
        return
    try:
        redis_connection().set(f"kc:board:{_namespace()}:{key}", json.dumps(entry),
                               ex=TTL_SECONDS)
    except (RedisError, RuntimeError, OSError) as error:
        _failed(error)


def _entry(response: Response) -> dict[str, object]:
    modified = response.last_modified
    return {"body": response.get_data(as_text=True), "status": response.status_code,
            "mimetype": response.mimetype,
            "modified": modified.astimezone(UTC).timestamp() if modified else None,
            "headers": {h: response.headers[h] for h in SHARED_HEADERS if h in response.headers}}


def _response(entry: dict[str, object]) -> Response:
    response = Response(str(entry["body"]), int(str(entry["status"])),
                        mimetype=str(entry["mimetype"]))
    if entry["modified"] is not None:
        response.last_modified = datetime.fromtimestamp(float(str(entry["modified"])), UTC)
    headers = entry["headers"]
    assert isinstance(headers, dict)
    response.headers.update(headers)
    return response


def do_not_store(response: Response) -> None:
    """Serve ``response`` this once, without keeping it (e.g. a search that ran out of time)."""
    response.kuangcai_no_store = True  # type: ignore[attr-defined]


def _finish(response: Response, key: str, policy: str) -> Response:
    response.set_etag(key)
    response.headers["Cache-Control"] = policy
    response.vary.update(("Cookie", "HX-Request", "HX-Target"))
    return response


def _not_modified(key: str, modified: datetime | None) -> bool:
    return not is_resource_modified(request.environ, etag=key, last_modified=modified)


def serve(name: str, scopes: Iterable[str], make: Callable[[], Response], policy: str,
          *extra: object, epoch: Callable[[], str] | None = None) -> Response:
    """The page ``make`` renders, from the cache when it holds this version of it. ``epoch``
    names what else the page depends on that no publication bumps (the seal verdicts'
    revocations and day): its value joins the key, and a process keeping the page asks it
    again as it does the versions."""
    shared = _shared()
    found = current_versions(scopes)
    moment = epoch() if epoch is not None else None
    key = key_for(name, found, *extra, moment, shared=shared)
    if request.if_none_match.contains(key):
        return _finish(Response(status=304), key, policy if shared else PRIVATE)
    entry = _redis_get(key) if shared else None
    if entry is not None:
        response = _response(entry)
        front.may_keep(found, epoch, moment)
    else:
        response = make()
        if shared and response.status_code in (200, 204) and "Set-Cookie" not in \
                response.headers and not getattr(response, "kuangcai_no_store", False):
            _redis_set(key, _entry(response))
            front.may_keep(found, epoch, moment)
    if _not_modified(key, response.last_modified):
        modified = response.last_modified
        response = Response(status=304)
        if modified is not None:
            response.headers["Last-Modified"] = http_date(modified)
    return _finish(response, key, policy if shared else PRIVATE)
