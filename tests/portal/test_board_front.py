"""Shared board pages kept in the web process (portal.board.front): answered without Flask or
the database while the board versions they were made from are current, retired at once by a
publication in this process and within the remembered time by one in another, never answered
to a visitor with a session, and kept within their byte budget."""

from __future__ import annotations

from typing import Any

import pytest
from flask import template_rendered
from sqlalchemy import event, text

from portal import db as portal_db
from portal.board import front, versions
from tests.helpers import published_intention

pytestmark = pytest.mark.db


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    moved = _Clock()
    monkeypatch.setattr(versions, "clock", moved)
    return moved


def _statements(app) -> list[str]:
    """The SQL ``app`` runs from now on (a list that grows while the test runs)."""
    seen: list[str] = []
    with app.app_context():
        engine = portal_db.engine()
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def _renders(app) -> list[str]:
    seen: list[str] = []
    template_rendered.connect(lambda sender, template, context, **extra: seen.append(
        template.name), app, weak=False)
    return seen


def _same(a: Any, b: Any) -> None:
    assert a.status_code == b.status_code and a.data == b.data
    assert {k: v for k, v in a.headers if k != "Date"} == \
        {k: v for k, v in b.headers if k != "Date"}


def test_a_kept_page_is_answered_without_flask_or_the_database(app, db, demo, clock) -> None:
    published_intention(db, "进程缓存采购意向")
    client = app.test_client()
    first = client.get("/announcements?kind=intention")
    statements, rendered = _statements(app), _renders(app)
    again = client.get("/announcements?kind=intention")
    head = client.head("/announcements?kind=intention")
    unchanged = client.get("/announcements?kind=intention",
                           headers={"If-None-Match": first.headers["ETag"]})
    assert statements == [] and rendered == []
    _same(again, first)
    assert "进程缓存采购意向" in again.get_data(as_text=True)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]
    assert unchanged.headers["Cache-Control"] == first.headers["Cache-Control"]
    # an HTMX fragment of the same URL is another page
    fragment = client.get("/announcements?kind=intention",
                          headers={"HX-Request": "true", "HX-Target": "results"})
    assert fragment.data != first.data and statements


def test_a_publication_here_retires_the_kept_page_at_once(app, db, demo, clock) -> None:
    published_intention(db, "本进程发布前")
    client = app.test_client()
    before = client.get("/announcements")
    published_intention(db, "本进程发布后")  # the clock has not moved
    after = client.get("/announcements")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "本进程发布后" in after.get_data(as_text=True)


def test_a_publication_elsewhere_shows_within_the_remembered_time(
        app, db, demo, clock) -> None:
    published_intention(db, "另一进程发布前")
    client = app.test_client()
    before = client.get("/announcements")
    # another web process (or machine) publishes: the database moves, this process is not told
    db.execute(text("UPDATE board_versions SET version = version + 1 WHERE scope = 'all'"))
    db.commit()
    statements = _statements(app)
    clock.now += app.config["BOARD_VERSIONS_SECONDS"] / 2
    assert client.get("/announcements").headers["ETag"] == before.headers["ETag"]
    assert statements == []
    clock.now += app.config["BOARD_VERSIONS_SECONDS"]
    after = client.get("/announcements")
    assert after.headers["ETag"] != before.headers["ETag"] and statements


def test_a_visitor_with_a_session_is_never_answered_from_the_process(
        app, db, demo, signed_in, clock) -> None:
    published_intention(db, "会话缓存采购意向")
    app.test_client().get("/announcements")  # kept
    clerk = signed_in("cg_clerk")
    rendered = _renders(app)
    mine = clerk.get("/announcements")
    assert rendered == ["board/index.html"]
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert "退出" in mine.get_data(as_text=True)


def test_pages_are_kept_within_the_byte_budget_least_recently_used_first(
        make_app, db, demo, clock) -> None:
    published_intention(db, "预算采购意向")
    probe = make_app()
    size = len(probe.test_client().get("/announcements?page=0").data)
    small = make_app(BOARD_FRONT_BYTES=size * 4 + size // 2)  # room for about four pages
    kept: front.Front = small.extensions[front.MARK]
    client = small.test_client()
    for n in range(8):
        client.get(f"/announcements?page={n}")
        assert kept.used <= kept.budget
    assert 3 <= len(kept.pages) <= 4
    paths = [key[4] for key in kept.pages]
    assert paths[-1] == "page=7" and "page=0" not in paths
    off = make_app(BOARD_FRONT_BYTES=0)
    off.test_client().get("/announcements")
    assert not off.extensions[front.MARK].pages


def test_a_kept_announcement_page_follows_the_seal_verdicts_epoch(
        app, db, demo, clock, monkeypatch) -> None:
    """A revoked certificate (or a new day) changes what a seal badge says without any
    publication: the kept page is asked again once the remembered time has passed."""
    from portal.views import board

    moment = {"now": "before"}

    def epoch() -> str:
        return moment["now"]

    monkeypatch.setattr(board, "verification_epoch", epoch)
    page = published_intention(db, "验章时刻采购意向")
    client = app.test_client()
    first = client.get(f"/announcements/{page.id}")
    statements = _statements(app)
    assert client.get(f"/announcements/{page.id}").headers["ETag"] == first.headers["ETag"]
    assert statements == []
    moment["now"] = "a certificate revoked"
    clock.now += app.config["BOARD_VERSIONS_SECONDS"]
    after = client.get(f"/announcements/{page.id}")
    assert after.headers["ETag"] != first.headers["ETag"] and statements


def test_a_page_made_for_another_host_is_never_served_to_this_one(make_app, db, demo) -> None:
    published_intention(db, "主机名采购意向")
    poisoned = make_app().test_client().get("/announcements.atom",
                                            headers={"Host": "evil.example"})
    assert "evil.example" in poisoned.get_data(as_text=True)
    for other in (make_app(), make_app()):  # other processes, sharing the Redis cache
        feed = other.test_client().get("/announcements.atom").get_data(as_text=True)
        assert "evil.example" not in feed and "主机名采购意向" in feed
