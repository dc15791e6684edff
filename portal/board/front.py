"""The board's shared pages kept in each web process and answered before Flask sees the request.

A page served from the shared cache (:mod:`portal.board.cache`) still costs a whole Flask
request: URL matching, the session, the signed-in user, the access rules, the board versions,
a Redis round trip. Most of the board's readers are visitors who are not signed in, and
crawlers, asking the same few pages. So each web process keeps the last shared pages it
answered, whole (status, headers, body), with the board versions they were made from; a
request carrying no session or remember-me cookie that asks for one of them is answered from
here while those versions are current (:func:`portal.board.versions.current`: remembered for
half a second, forgotten at once by a publication in this process). Everything else, and every
miss, goes to Flask as before.

Only what :func:`portal.board.cache.serve` marked as shared is kept (:func:`may_keep`): never a
signed-in page, a page with a cookie or a flash, a draft, or a search that ran out of time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, request
from werkzeug.http import parse_etags

from portal.board import versions

MARK = "kuangcai.board_front"
#: A larger page (an OCDS package of a wide filter, say) is left to the shared cache.
MAX_PAGE_BYTES = 4 * 1024 * 1024
#: A kept page is also dropped after this, as the shared cache's entries are.
TTL_SECONDS = 3600
_NOT_MODIFIED_DROPS = {"content-type", "content-length"}

StartResponse = Callable[..., Any]


def may_keep(found: dict[str, int], epoch: Callable[[], str] | None = None,
             moment: str | None = None) -> None:
    """The response being made is the shared page of these scope versions (and of ``epoch``'s
    value ``moment``): the process may keep it (if it leaves with status 200, no cookie)."""
    request.environ[MARK] = (found, epoch, moment)


@dataclass(frozen=True)
class _Page:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    found: dict[str, int]
    epoch: Callable[[], str] | None
    moment: str | None
    etag: str | None
    kept_at: float

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class Front:
    """WSGI middleware around ``app.wsgi_app``."""

    def __init__(self, app: Flask, inner: Callable[..., Iterable[bytes]]) -> None:
        self.app, self.inner = app, inner
        # bytes of pages kept (least recently used go first; 0: none), versions trusted for
        self.budget = int(app.config["BOARD_FRONT_BYTES"])
        self.seconds = float(app.config["BOARD_VERSIONS_SECONDS"])
        self.cookies = tuple(f"{app.config.get(name) or default}="
                             for name, default in (("SESSION_COOKIE_NAME", "session"),
                                                   ("REMEMBER_COOKIE_NAME", "remember_token")))
        self.pages: OrderedDict[tuple[str, ...], _Page] = OrderedDict()
        self.moments: dict[Callable[[], str], tuple[str, float]] = {}
        self.used = 0
        self.lock = threading.Lock()
        self._database: str | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        page = self._kept(key)
        try:
            current = page is not None and self._current(page)
        except Exception:  # noqa: BLE001 - the database: Flask answers (and reports) it
            current = False
        if page is not None and current:
            return self._answer(page, environ, start_response)
        return self._through(key, environ, start_response)

    def _key(self, environ: dict[str, Any]) -> tuple[str, ...] | None:
        """What the page depends on, for a request the front may answer; None otherwise."""
        if self.budget <= 0 or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        cookie = environ.get("HTTP_COOKIE", "")
        if any(name in cookie for name in self.cookies):
            return None  # signed in, or a session (a flash, a CSRF token): Flask decides
        if "HTTP_IF_MODIFIED_SINCE" in environ and "HTTP_IF_NONE_MATCH" not in environ:
            return None
        return (environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""),
                environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""), environ.get("HTTP_HX_REQUEST", ""),
                environ.get("HTTP_HX_TARGET", ""))

    def _kept(self, key: tuple[str, ...]) -> _Page | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page.kept_at > TTL_SECONDS:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return page

    def _current(self, page: _Page) -> bool:
        database = self._database_key()
        found = versions.remembered_only(database, page.found, self.seconds)
        if found is None:
            from portal import db

            with self.app.app_context():
                found = versions.current_in(db.session(), page.found, self.seconds)
        return found == page.found and (page.epoch is None
                                        or self._moment(page.epoch) == page.moment)

    def _moment(self, epoch: Callable[[], str]) -> str:
        """``epoch()`` as this process last asked it, if less than ``seconds`` ago."""
        now = versions.clock()
        with self.lock:
            known = self.moments.get(epoch)
        if known is not None and now - known[1] < self.seconds:
            return known[0]
        with self.app.app_context():
            moment = epoch()
        with self.lock:
            self.moments[epoch] = (moment, now)
        return moment

    def _database_key(self) -> str:
        if self._database is None:
            from portal import db

            with self.app.app_context():
                self._database = versions.database_key(db.engine())
        return self._database

    def _answer(self, page: _Page, environ: dict[str, Any],
                start_response: StartResponse) -> Iterable[bytes]:
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and page.etag and parse_etags(wanted).contains(page.etag):
            start_response("304 NOT MODIFIED", [
                (k, v) for k, v in page.headers if k.lower() not in _NOT_MODIFIED_DROPS])
            return []
        start_response(page.status, list(page.headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [page.body]

    def _through(self, key: tuple[str, ...], environ: dict[str, Any],
                 start_response: StartResponse) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *exc_info)

        result = self.inner(environ, capture)
        marked = environ.get(MARK)
        headers: list[tuple[str, str]] = seen.get("headers", [])
        if (marked is None or environ["REQUEST_METHOD"] != "GET"
                or not str(seen.get("status", "")).startswith("200")
                or any(k.lower() == "set-cookie" for k, _ in headers)):
            return result
        body = b"".join(_drain(result))
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        found, epoch, moment = marked
        self._keep(key, _Page(seen["status"], list(headers), body, dict(found), epoch, moment,
                              parse_etags(etag).as_set().pop() if etag else None,
                              time.monotonic()))
        return [body]

    def _keep(self, key: tuple[str, ...], page: _Page) -> None:
        if page.size > min(self.budget, MAX_PAGE_BYTES):
            return
        with self.lock:
            self._drop(key)
            self.pages[key] = page
            self.used += page.size
            while self.used > self.budget:
                self._drop(next(iter(self.pages)))

    def _drop(self, key: tuple[str, ...]) -> None:
        page = self.pages.pop(key, None)
        if page is not None:
            self.used -= page.size


def _drain(result: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from result
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def init_app(app: Flask) -> None:
    app.extensions[MARK] = app.wsgi_app = Front(app, app.wsgi_app)  # type: ignore[method-assign]


def clear(app: Flask) -> None:
    """Drop every page ``app``'s process keeps (a restart does the same)."""
    front: Front = app.extensions[MARK]
    with front.lock:
        front.pages.clear()
        front.used = 0
