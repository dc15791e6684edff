"""The board's shared page cache: rendered once per version of what a page shows, retired by
exactly the publications that appear on it, shared by every web process, never holding a
signed-in page or anything unpublished, and never needed for the board to answer."""

from __future__ import annotations

import json

import pytest
from flask import template_rendered
from redis import Redis
from sqlalchemy import select

import documents
from portal.board import budget
from portal.config import TestConfig
from portal.domain import lifecycle
from portal.models import Announcement, Region
from tests.helpers import published_intention, sealed_announcement, user, work

pytestmark = pytest.mark.db

HIDDEN = "缓存保密测试"


def _renders(app):
    """How many templates ``app`` renders (a list that grows while the test runs)."""
    seen: list[str] = []
    template_rendered.connect(lambda sender, template, context, **extra: seen.append(
        template.name), app, weak=False)
    return seen


def _changed(client, tags: dict[str, str]) -> set[str]:
    """The URLs whose page is no longer the one its ETag names."""
    return {url for url, tag in tags.items()
            if client.get(url, headers={"If-None-Match": tag}).status_code != 304}


def test_a_publication_retires_exactly_the_lists_feeds_and_packages_it_appears_on(
        app, db, demo) -> None:
    earlier = published_intention(db, "缓存测试采购意向甲")
    row = db.get(Announcement, earlier.id)
    elsewhere = db.scalar(select(Region.code).where(
        Region.code.not_in([row.region_code, row.local_region_code])).limit(1))
    client = app.test_client()
    urls = ["/announcements", "/announcements?kind=intention", "/announcements?kind=collection",
            f"/announcements?region={row.region_code}", f"/announcements?region={elsewhere}",
            f"/announcements?purchaser={row.purchaser_org_id}",
            f"/announcements?purchaser={row.purchaser_org_id + 1000}",
            "/announcements?q=缓存测试", "/announcements.atom",
            "/announcements.atom?kind=collection", "/ocds/releases.json",
            "/ocds/releases.json?kind=collection", f"/announcements/{earlier.id}"]
    tags = {url: client.get(url).headers["ETag"] for url in urls}
    assert _changed(client, tags) == set()  # nothing published yet: every copy is current

    published_intention(db, "缓存测试采购意向乙")

    assert _changed(client, tags) == {
        "/announcements", "/announcements?kind=intention",
        f"/announcements?region={row.region_code}",
        f"/announcements?purchaser={row.purchaser_org_id}", "/announcements?q=缓存测试",
        "/announcements.atom", "/ocds/releases.json"}
    body = client.get("/announcements?kind=intention").get_data(as_text=True)
    assert "缓存测试采购意向乙" in body  # and the new page is the one served


def test_an_announcement_page_is_retired_by_its_own_project_only(app, demo_keys, db) -> None:
    call = sealed_announcement(app, db, "collection_announcement", "缓存测试框架协议征集公告")
    intention = published_intention(db, "缓存测试无关采购意向")
    work(app)
    client = app.test_client()
    pages = [f"/announcements/{call.id}", f"/announcements/{intention.id}"]
    tags = {url: client.get(url).headers["ETag"] for url in pages}

    sealed_announcement(app, db, "change_announcement", "缓存测试框架协议变更公告")

    assert _changed(client, tags) == {f"/announcements/{call.id}"}
    assert "缓存测试框架协议变更公告" in client.get(pages[0]).get_data(as_text=True)


def test_the_shared_page_is_rendered_once_for_every_process_until_the_next_publication(
        app, make_app, db, demo) -> None:
    published_intention(db, "渲染次数采购意向")
    rendered = _renders(app)
    first = app.test_client().get("/announcements")
    assert rendered == ["board/index.html"]
    assert first.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=600"
    assert "Set-Cookie" not in first.headers and "Cookie" in first.headers["Vary"]
    again = app.test_client().get("/announcements")
    other_process = make_app()  # another gunicorn worker: same database, same Redis
    elsewhere = other_process.test_client().get("/announcements")
    assert rendered == ["board/index.html"] and _renders(other_process) == []
    assert again.data == first.data == elsewhere.data
    assert again.headers["ETag"] == first.headers["ETag"] == elsewhere.headers["ETag"]
    published_intention(db, "又一份渲染次数采购意向")
    assert "又一份渲染次数采购意向" in app.test_client().get("/announcements").get_data(
        as_text=True)
    assert rendered == ["board/index.html", "board/index.html"]


def test_a_signed_in_visitor_gets_a_private_page_and_never_the_shared_one(
        app, db, demo, signed_in) -> None:
    published_intention(db, "登录缓存采购意向")
    public = app.test_client().get("/announcements")
    clerk = signed_in("cg_clerk")
    mine = clerk.get("/announcements")
    assert mine.headers["Cache-Control"] == "private, no-cache"
    name = user(db, "cg_clerk").display_name
    assert name in mine.get_data(as_text=True) and "退出" in mine.get_data(as_text=True)
    assert mine.headers["ETag"] != public.headers["ETag"]
    shared = app.test_client().get("/announcements")  # after the signed-in page was made
    assert name not in shared.get_data(as_text=True) and "X-CSRFToken" not in shared.get_data(
        as_text=True)
    assert shared.data == public.data
    # a shared copy is never answered for a signed-in visitor, even by its ETag
    assert clerk.get("/announcements", headers={
        "If-None-Match": public.headers["ETag"]}).status_code == 200


def test_drafts_and_pages_in_review_never_reach_the_cache(app, db, demo, redis_url) -> None:
    clerk, kind = user(db, "cg_clerk"), documents.get_kind("intention_announcement")
    lifecycle.create_draft(db, clerk, kind.code, f"{HIDDEN}草稿", start_from=kind.sample())
    in_review = lifecycle.create_draft(db, clerk, kind.code, f"{HIDDEN}审核中",
                                       start_from=kind.sample())
    lifecycle.submit(db, clerk, in_review, None)
    published_intention(db, f"{HIDDEN}已审核未发布", publish=False)
    visible = published_intention(db, "可见的缓存采购意向")
    client = app.test_client()
    for url in ("/announcements", f"/announcements?q={HIDDEN}", "/announcements?kind=intention",
                "/announcements.atom", "/ocds/releases.json", f"/announcements/{visible.id}",
                f"/ocds/records/ocds-kuangcai-A{visible.id}.json"):
        assert client.get(url).status_code == 200, url
        assert client.get(f"/announcements/{in_review.id}").status_code == 404
    with Redis.from_url(redis_url) as redis:
        stored = [json.loads(redis.get(k))["body"] for k in redis.scan_iter("kc:board:*")]
    assert len(stored) >= 7 and any("可见的缓存采购意向" in body for body in stored)
    titles = [f"{HIDDEN}{state}" for state in ("草稿", "审核中", "已审核未发布")]
    assert not [body for body in stored if any(title in body for title in titles)]


def test_a_search_out_of_time_asks_to_narrow_it_and_is_not_kept(
        app, db, demo, monkeypatch) -> None:
    for n in range(3):
        published_intention(db, f"限时采购意向{n}")
    client = app.test_client()
    monkeypatch.setattr(budget, "_STEPS", 1)
    app.config["BOARD_QUERY_SECONDS"] = 0.0
    slow = client.get("/announcements?q=采购")
    assert slow.status_code == 200
    assert "查询范围过大" in slow.get_data(as_text=True)
    assert "意向0" not in slow.get_data(as_text=True)
    app.config["BOARD_QUERY_SECONDS"] = TestConfig.BOARD_QUERY_SECONDS
    again = client.get("/announcements?q=采购").get_data(as_text=True)
    assert "意向0" in again and "查询范围过大" not in again


def test_without_redis_the_board_still_answers(make_app, db, demo) -> None:
    published_intention(db, "无缓存采购意向")
    unreachable = make_app(REDIS_URL="redis://127.0.0.1:9/0")
    client = unreachable.test_client()
    for _ in range(2):  # the second request does not even try Redis
        page = client.get("/announcements")
        assert page.status_code == 200 and "无缓存采购意向" in page.get_data(as_text=True)
