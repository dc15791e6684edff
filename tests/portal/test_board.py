"""The public board: only published announcements, reachable by filters, search, feeds and
OCDS; keyset pages that neither skip nor repeat; HTTP caching; the sealed PDF and its badge.
OCDS packages are checked against the standard in ``test_board_ocds.py``."""

from __future__ import annotations

import re
from datetime import timedelta

import feedparser
import pytest
from redis import Redis
from sqlalchemy import select, update

import documents
from portal.board import front, query
from portal.domain import lifecycle, sealing
from portal.models import Announcement
from tests.helpers import published_intention, user, work

pytestmark = pytest.mark.db

HIDDEN = "保密测试"  # in the title of every document that must never reach the board


@pytest.fixture
def unpublished(app, demo_keys, db):
    """A draft, one in review, one approved but not published, one returned: all hidden."""
    clerk, kind = user(db, "cg_clerk"), documents.get_kind("intention_announcement")
    docs = [lifecycle.create_draft(db, clerk, kind.code, f"{HIDDEN}草稿",
                                   start_from=kind.sample())]
    in_review = lifecycle.create_draft(db, clerk, kind.code, f"{HIDDEN}审核中",
                                       start_from=kind.sample())
    lifecycle.submit(db, clerk, in_review, None)
    returned = lifecycle.create_draft(db, clerk, kind.code, f"{HIDDEN}退回",
                                      start_from=kind.sample())
    lifecycle.submit(db, clerk, returned, None)
    lifecycle.return_to_drafter(db, user(db, "cg_reviewer"), returned, None, "请补充预算")
    docs += [in_review, returned, published_intention(db, f"{HIDDEN}已审核未发布", publish=False)]
    assert [d.status.value for d in docs] == ["draft", "in_review", "draft", "approved"]
    return docs


def test_unpublished_documents_never_appear_in_list_search_feed_or_ocds(
        app, db, unpublished) -> None:
    visible = published_intention(db, "教学设备采购意向公开")
    client = app.test_client()
    for url in ("/announcements", f"/announcements?q={HIDDEN}", "/announcements?q=采购",
                "/announcements?q=保密", "/announcements.atom", "/ocds/releases.json",
                f"/ocds/records/ocds-kuangcai-A{visible.id}.json"):
        body = client.get(url).get_data(as_text=True)
        assert not [d.title for d in unpublished if d.title in body], url
    for doc in unpublished:  # the ocid it would have as an announcement of its own
        assert client.get(f"/ocds/records/ocds-kuangcai-A{doc.id}.json").status_code == 404
    assert "教学设备采购意向公开" in client.get("/announcements").get_data(as_text=True)
    assert "没有符合条件的公告" in client.get(f"/announcements?q={HIDDEN}").get_data(as_text=True)
    for doc in unpublished:
        assert client.get(f"/announcements/{doc.id}").status_code == 404
        assert client.get(f"/announcements/{doc.id}.pdf").status_code == 404
    assert db.scalars(select(Announcement.document_id)).all() == [visible.id]
    with pytest.raises(ValueError):
        from portal.board.indexing import index_published
        index_published(db, unpublished[0])


def test_filters_combine_and_the_url_carries_them(app, db, demo) -> None:
    published_intention(db, "呼和浩特采购意向甲")
    client = app.test_client()
    page = client.get("/announcements?kind=intention&region=150000&q=意向甲")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "呼和浩特采购<mark>意向甲</mark>" in html
    assert 'value="intention" selected' in html and 'value="150000" selected' in html
    for miss in ("kind=contract", "region=410000", "category=services", "collector=999",
                 "from=2099-01-01", "to=2000-01-01", "q=无此内容"):
        assert "呼和浩特采购意向甲" not in client.get(f"/announcements?{miss}").get_data(
            as_text=True), miss
    purchaser = db.scalar(select(Announcement.purchaser_org_id))
    assert "意向甲" in client.get(f"/announcements?purchaser={purchaser}").get_data(as_text=True)
    # nonsense filters are dropped, never an error; a date that is none is refused with a message
    assert client.get("/announcements?kind=x&region=abc&collector=zz&before=zz").status_code \
        == 200
    assert client.get("/announcements?from=tomorrow").status_code == 400


def test_htmx_gets_only_the_results_region(app, db, demo) -> None:
    published_intention(db, "片段测试采购意向")
    response = app.test_client().get("/announcements?q=片段", headers={
        "HX-Request": "true", "HX-Target": "results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"') and "<html" not in html
    assert "<mark>片段</mark>测试采购意向" in html
    # and the kind tabs, out of band: the selection follows the filters
    response = app.test_client().get("/announcements?kind=intention&region=150000", headers={
        "HX-Request": "true", "HX-Target": "results"})
    tabs = response.get_data(as_text=True).split('<nav id="board-kinds"', 1)[1]
    assert tabs.startswith(' class="board-kinds"') and 'hx-swap-oob="true"' in tabs
    assert '<a href="/announcements?kind=intention&amp;region=150000" aria-current="page">' \
        in tabs
    assert '<a href="/announcements?region=150000">' in tabs  # 全部, keeping the region
    full = app.test_client().get("/announcements?kind=intention").get_data(as_text=True)
    assert full.count('id="board-kinds"') == 1 and "hx-swap-oob" not in full


def test_keyset_pages_neither_skip_nor_repeat_at_boundaries(app, db, demo) -> None:
    docs = [published_intention(db, f"分页采购意向{n:02d}") for n in range(23)]
    ids = [d.id for d in docs]
    # ties on published_at across page boundaries: the id breaks them
    same = db.scalar(select(Announcement.published_at).where(Announcement.document_id == ids[0]))
    db.execute(update(Announcement).where(Announcement.document_id.in_(ids[5:15]))
               .values(published_at=same + timedelta(seconds=1)))
    db.commit()
    expected = [a for a, in db.execute(select(Announcement.document_id).order_by(
        Announcement.published_at.desc(), Announcement.document_id.desc()))]
    for size in (1, 4, 5, 10, 23, 30):
        seen, cursor = [], None
        while True:
            page = query.page(db, query.Filters(), cursor, size)
            seen += [h.announcement.document_id for h in page.hits]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == expected, size
    # the same through the HTTP pages (20 a page, "下一页" carries the cursor)
    client = app.test_client()
    first = client.get("/announcements").get_data(as_text=True)
    assert first.count('href="/announcements/') == 20 and 'rel="next"' in first
    cursor = query.page(db, query.Filters(), None, 20).next_cursor
    second = client.get(f"/announcements?before={cursor}").get_data(as_text=True)
    assert second.count('href="/announcements/') == 3 and 'rel="next"' not in second


def test_search_ranks_highlights_and_serves_short_queries(app, db, demo) -> None:
    plain = published_intention(db, "办公家具采购意向")
    strong = published_intention(db, "打印机打印机采购意向")
    client = app.test_client()
    html = client.get("/announcements?q=打印机").get_data(as_text=True)
    assert "<mark>打印机</mark><mark>打印机</mark>采购意向" in html
    # both match (the sample body mentions 打印机); the title hits rank first
    page = query.page(db, query.Filters.from_args({"q": "打印机"}))
    assert [h.announcement.document_id for h in page.hits] == [strong.id, plain.id]
    for short in ("家", "家具", "Ａ" * 0 + "意向"):
        hits = query.page(db, query.Filters.from_args({"q": short})).hits
        assert plain.id in {h.announcement.document_id for h in hits}, short
    assert "<mark>家具</mark>" in client.get("/announcements?q=家具").get_data(as_text=True)
    two_terms = query.page(db, query.Filters.from_args({"q": "办公 家具"})).hits
    assert [h.announcement.document_id for h in two_terms] == [plain.id]
    assert query.page(db, query.Filters.from_args({"q": "办公 无此词"})).hits == []
    # latin letters match whatever their case, in titles and bodies
    latin = published_intention(db, "HP LaserJet打印机采购意向")
    for term in ("hp", "laserjet打印机", "LASERJET"):
        hits = query.page(db, query.Filters.from_args({"q": term})).hits
        assert [h.announcement.document_id for h in hits] == [latin.id], term
    # LIKE wildcards are literal
    assert query.page(db, query.Filters.from_args({"q": "%"})).hits == []
    assert query.page(db, query.Filters.from_args({"q": "_"})).hits == []


def test_search_ranks_by_terms_in_the_title_and_pages_across_the_ranks(app, db, demo) -> None:
    # the sample body mentions both 打印机 and 计算机: every one of these matches both terms
    furniture = published_intention(db, "办公家具采购意向")
    computer = published_intention(db, "台式计算机采购意向")
    both = published_intention(db, "打印机与计算机采购意向")
    printer = published_intention(db, "激光打印机采购意向")
    expected = [both.id, printer.id, computer.id, furniture.id]  # 2, 1, 1, 0 terms in the title
    filters = query.Filters.from_args({"q": "打印机 计算机"})
    for size in (1, 2, 3, 4, 5):
        seen, cursor = [], None
        while True:
            page = query.page(db, filters, cursor, size)
            seen += [h.announcement.document_id for h in page.hits]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == expected, size
    assert [h.score for h in query.page(db, filters).hits] == [2, 1, 1, 0]


def test_searches_read_titles_in_date_order_from_the_index_not_the_rows(app, db, demo) -> None:
    """The property that keeps search fast at any size: each relevance tier is read from the
    (published_at, document_id, title) index in page order, never by sorting the matches."""
    from sqlalchemy import event

    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    published_intention(db, "物业管理服务采购意向")
    published_intention(db, "办公家具采购意向")
    engine, statements = db.get_bind(), []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        statements.append((statement, parameters))

    for term in ("空调", "物业管理", "打印机"):  # titles only; title then body; body only
        event.listen(engine, "before_cursor_execute", capture)
        try:
            query.page(db, query.Filters.from_args({"q": term}))
        finally:
            event.remove(engine, "before_cursor_execute", capture)
    tiers = [(s, p) for s, p in statements if "ORDER BY" in s]  # not the page's rows by id
    assert len(tiers) == 5
    for statement, parameters in tiers:
        plan = [row[3] for row in db.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters)]
        assert "SCAN announcements USING COVERING INDEX ix_announcements_published_title" \
            in plan, plan
        assert not [step for step in plan if "TEMP B-TREE" in step], plan


def test_announcement_page_pdf_badge_and_related(app, db, published_pair) -> None:
    call, change = published_pair
    client = app.test_client()
    page = client.get(f"/announcements/{change.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "签章有效" in html and "内蒙古自治区政府采购中心" in html
    assert f'href="/announcements/{change.id}.pdf"' in html
    assert f'href="/announcements/{call.id}"' in html  # the change links to its call
    assert "<h1>信息化设备框架协议变更公告</h1>" in html and "<h1" not in html.split(
        "announcement-body", 1)[1]
    pdf = client.get(f"/announcements/{change.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    revision = db.get(Announcement, change.id).revision
    from portal import storage
    assert pdf.data == storage.read(sealing.current_pdf(db, revision), ".pdf")
    assert b"/ByteRange" in pdf.data  # the sealed bytes, not the bare rendering
    assert client.get("/announcements/999999").status_code == 404
    call_row = db.get(Announcement, call.id)
    assert call_row.procurement_category == "goods"
    assert db.get(Announcement, change.id).procurement_category == "goods"  # inherited


def test_atom_feed_is_valid_and_filtered(app, db, demo) -> None:
    published_intention(db, "订阅测试采购意向 <&>")
    client = app.test_client()
    response = client.get("/announcements.atom?kind=intention")
    parsed = feedparser.parse(response.data, response_headers={
        "content-type": response.headers["Content-Type"]})
    assert parsed.version == "atom10" and not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == ["订阅测试采购意向 <&>"]
    assert parsed.entries[0].link.endswith("/announcements/" + str(
        db.scalar(select(Announcement.document_id))))
    empty = feedparser.parse(client.get("/announcements.atom?kind=contract").data)
    assert empty.version == "atom10" and not empty.bozo and empty.entries == []


def test_conditional_requests_get_304_until_the_board_changes(app, db, demo) -> None:
    doc = published_intention(db, "缓存测试采购意向")
    work(app)  # the intention's PDF
    client = app.test_client()
    for url in ("/announcements", f"/announcements/{doc.id}", "/announcements.atom",
                f"/announcements/{doc.id}.pdf", "/ocds/releases.json",
                f"/ocds/records/ocds-kuangcai-A{doc.id}.json"):
        first = client.get(url)
        assert first.status_code == 200, url
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304, url
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200, url
    etag = client.get("/announcements").headers["ETag"]
    published_intention(db, "新的一条采购意向")
    assert client.get("/announcements", headers={"If-None-Match": etag}).status_code == 200


def test_the_board_says_how_many_announcements_match(app, db, demo, monkeypatch,
                                                     redis_url) -> None:
    for n in range(23):
        published_intention(db, f"计数采购意向{n:02d}")
    published_intention(db, "另一份意向公开")
    client = app.test_client()
    assert "共 24 条" in client.get("/announcements").get_data(as_text=True)
    assert "共 23 条" in client.get("/announcements?q=计数").get_data(as_text=True)
    assert "共 1 条" in client.get("/announcements?q=另一份").get_data(as_text=True)
    assert "共 0 条" in client.get("/announcements?kind=contract").get_data(as_text=True)
    cursor = query.page(db, query.Filters(), None).next_cursor
    assert "共 24 条" in client.get(f"/announcements?before={cursor}").get_data(as_text=True)
    fragment = client.get("/announcements?q=计数", headers={
        "HX-Request": "true", "HX-Target": "results"}).get_data(as_text=True)
    assert "共 23 条" in fragment  # the count follows an HTMX filter change
    # past the limit the board stops counting and says so
    monkeypatch.setattr(query, "COUNT_LIMIT", 21)
    Redis.from_url(redis_url).flushall()  # pages cached under the old limit (code, not data)
    front.clear(app)
    assert "21 条以上" in client.get("/announcements?q=计数").get_data(as_text=True)
    assert "共 1 条" in client.get("/announcements?q=另一份").get_data(as_text=True)


def test_on_a_phone_the_filters_fold_behind_a_toggle(app, db, demo) -> None:
    html = app.test_client().get("/announcements?region=150000").get_data(as_text=True)
    assert re.search(r'<button type="button" class="secondary board-filter-toggle" '
                     r'aria-controls="board-more" aria-expanded="false" hidden>'
                     r'\s*筛选（已选 1 项）', html)
    more = html.split('<div id="board-more" class="board-more">', 1)[1].split("</form>")[0]
    assert 'name="kind"' in more and 'name="to"' in more and 'name="q"' not in more
