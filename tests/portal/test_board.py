"""The public board: only published announcements, reachable by filters, search, feeds and
OCDS; keyset pages that neither skip nor repeat; HTTP caching; the sealed PDF and its badge."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from sqlalchemy import select, update

import documents
from portal.board import query
from portal.demo import DEMO_PIN
from portal.domain import lifecycle, projects, sealing
from portal.models import Announcement, DocumentStatus, SealStatus, User
from tests.helpers import project_with_approved_plan, work

pytestmark = pytest.mark.db

SCHEMA_DIR = Path(os.environ.get("KUANGCAI_OCDS_SCHEMA_DIR",
                                 "/work/shared/data/ocds-1.1.5/schema"))
HIDDEN = "保密测试"  # in the title of every document that must never reach the board


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def intention(db, title: str, publish: bool = True):
    """采购意向: drafted and approved by the purchaser, no seal, published at once."""
    clerk = user(db, "cg_clerk")
    kind = documents.get_kind("intention_announcement")
    doc = lifecycle.create_draft(db, clerk, kind.code, title, start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    if publish:
        lifecycle.publish(db, clerk, doc, None)
    return doc


def sealed_announcement(app, db, kind_code: str, title: str, project=None):
    """Drafted by 内蒙古自治区政府采购中心 (in ``project`` if given), approved, rendered, sealed
    with its key, published."""
    clerk = user(db, "zj_clerk")
    kind = documents.get_kind(kind_code)
    if project is None and kind_code == "collection_announcement":
        # a collection announcement is published only once its project's plan is approved
        project = project_with_approved_plan(db)
    doc = projects.draft_document(db, clerk, project, kind.code, title, start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None)
    work(app)
    db.expire_all()
    seal = sealing.start(db, clerk, doc, None, 0, None, None)
    work(app)
    db.expire_all()
    sealing.sign_with_pin(db, clerk, seal, DEMO_PIN)
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.applied, seal.error
    sealing.confirm(db, clerk, seal)
    assert doc.status is DocumentStatus.sealed
    lifecycle.publish(db, clerk, doc, None)
    return doc


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
    docs += [in_review, returned, intention(db, f"{HIDDEN}已审核未发布", publish=False)]
    assert [d.status.value for d in docs] == ["draft", "in_review", "draft", "approved"]
    return docs


@pytest.fixture
def published_pair(app, demo_keys, db):
    """A sealed collection announcement and its sealed change: one project, two notices."""
    call = sealed_announcement(app, db, "collection_announcement", "信息化设备框架协议征集公告")
    change = sealed_announcement(app, db, "change_announcement", "信息化设备框架协议变更公告")
    return call, change


def test_unpublished_documents_never_appear_in_list_search_feed_or_ocds(
        app, db, unpublished) -> None:
    visible = intention(db, "教学设备采购意向公开")
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
    intention(db, "呼和浩特采购意向甲")
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
    # nonsense values are dropped, never an error
    assert client.get("/announcements?kind=x&region=abc&from=tomorrow&before=zz").status_code \
        == 200


def test_htmx_gets_only_the_results_region(app, db, demo) -> None:
    intention(db, "片段测试采购意向")
    response = app.test_client().get("/announcements?q=片段", headers={
        "HX-Request": "true", "HX-Target": "results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"') and "<html" not in html
    assert "<mark>片段</mark>测试采购意向" in html


def test_keyset_pages_neither_skip_nor_repeat_at_boundaries(app, db, demo) -> None:
    docs = [intention(db, f"分页采购意向{n:02d}") for n in range(23)]
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
    plain = intention(db, "办公家具采购意向")
    strong = intention(db, "打印机打印机采购意向")
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
    # LIKE wildcards are literal
    assert query.page(db, query.Filters.from_args({"q": "%"})).hits == []
    assert query.page(db, query.Filters.from_args({"q": "_"})).hits == []


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
    intention(db, "订阅测试采购意向 <&>")
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
    doc = intention(db, "缓存测试采购意向")
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
    intention(db, "新的一条采购意向")
    assert client.get("/announcements", headers={"If-None-Match": etag}).status_code == 200


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _validator(package: str = "release-package-schema.json") -> Draft4Validator:
    """Offline: the package schema's references to the release schemas resolve to the files."""
    schemas = [_schema(name) for name in (package, "release-schema.json",
                                          "versioned-release-validation-schema.json")]
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema)) for schema in schemas)
    return Draft4Validator(schemas[0], registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def _errors(package: dict, schema: str = "release-package-schema.json") -> list[str]:
    return [e.message for e in sorted(_validator(schema).iter_errors(package), key=str)]


def _codes(name: str) -> set[str]:
    import csv

    with (SCHEMA_DIR / "codelists" / name).open(encoding="utf-8") as f:
        return {row["Code"] for row in csv.DictReader(f)}


def test_ocds_release_package_is_valid_and_pages_with_since(app, db, published_pair) -> None:
    extra = [intention(db, f"开放数据采购意向{n}") for n in range(3)]
    client = app.test_client()
    from portal.views import board
    board.OCDS_SIZE, size = 2, board.OCDS_SIZE
    try:
        releases, url = [], "/ocds/releases.json"
        while url:
            response = client.get(url)
            package = response.get_json()
            assert not _errors(package)
            releases += package["releases"]
            link = response.headers.get("Link")
            url = link[1:link.index(">")].replace("http://localhost", "") if link else None
    finally:
        board.OCDS_SIZE = size
    call, change = published_pair
    assert [r["id"] for r in releases] == [
        f"collection-{call.id}", f"change-{change.id}", *[f"intention-{d.id}" for d in extra]]
    assert releases[0]["ocid"] == releases[1]["ocid"] == "ocds-kuangcai-" + \
        call.current_revision.data["project_number"]
    assert releases[0]["tender"]["mainProcurementCategory"] == "goods"
    for release in releases:
        assert set(release["tag"]) <= _codes("releaseTag.csv")
        assert release["tender"]["status"] in _codes("tenderStatus.csv")
        assert {d["documentType"] for d in release["tender"]["documents"]} <= _codes(
            "documentType.csv")
        for party in release["parties"]:
            assert set(party["roles"]) <= _codes("partyRole.csv")
    after_all = client.get("/ocds/releases.json?since=29991231000000000000-1")
    assert after_all.status_code == 204  # a package must hold at least one release


# ---- OCDS records: a project's stage-one rounds and its call-offs, linked -----------------

CALL_OFF_NUMBER = "SHQJY-2027-0031"


def call_off(db, kind_code: str, title: str, publish: bool = True, **data):
    """A second-stage announcement of 呼和浩特市第一中学 (no review, no seal)."""
    clerk = user(db, "cg_clerk")
    kind = documents.get_kind(kind_code)
    doc = lifecycle.create_draft(db, clerk, kind.code, title,
                                 start_from={**kind.sample(), **data})
    if publish:
        lifecycle.submit(db, clerk, doc, None)
        lifecycle.publish(db, clerk, doc, None)
    return doc


@pytest.fixture
def framework_with_call_off(app, demo_keys, db):
    """Stage one terminated in round 1 and called again in round 2 (重新组织征集), then one
    call-off under its agreement: 二次竞价, 成交结果 and 合同 sharing a project number."""
    project = project_with_approved_plan(db)
    ended = sealed_announcement(app, db, "termination_announcement", "设备项目终止公告", project)
    kind = documents.get_kind("reorganisation")
    again = lifecycle.create_draft(db, user(db, "zj_clerk"), kind.code, "重新组织征集",
                                   start_from={**kind.sample(), "project_number": project.number},
                                   project_id=project.id)
    lifecycle.submit(db, user(db, "zj_clerk"), again, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), again, None)
    call = sealed_announcement(app, db, "collection_announcement", "设备项目重新征集公告", project)
    agreement = f"{project.number}-KX01"
    docs = [call_off(db, "bidding_announcement", "台式计算机二次竞价公告",
                     project_number=CALL_OFF_NUMBER, agreement_number=agreement),
            call_off(db, "deal_announcement", "台式计算机成交结果公告",
                     project_number=CALL_OFF_NUMBER, agreement_number=agreement),
            call_off(db, "contract_announcement", "台式计算机合同公告",  # names no agreement
                     project_number=CALL_OFF_NUMBER)]
    call_off(db, "contract_announcement", f"{HIDDEN}合同公告草稿", publish=False,
             project_number=CALL_OFF_NUMBER)
    return project.number, ended, call, docs


def test_a_project_record_package_links_its_rounds_and_call_offs_both_ways(
        app, db, framework_with_call_off) -> None:
    number, ended, call, call_offs = framework_with_call_off
    first, second, call_off_ocid = (f"ocds-kuangcai-{number}", f"ocds-kuangcai-{number}-R2",
                                    f"ocds-kuangcai-{CALL_OFF_NUMBER}")
    client = app.test_client()
    packages = {ocid: client.get(f"/ocds/records/{ocid}.json")
                for ocid in (first, second, call_off_ocid)}
    for ocid, response in packages.items():  # any process of the project: all its records
        package = response.get_json()
        assert response.status_code == 200 and not _errors(package, "record-package-schema.json")
        assert [r["ocid"] for r in package["records"]][0] == ocid
        assert {r["ocid"] for r in package["records"]} == {first, second, call_off_ocid}
        assert HIDDEN not in response.get_data(as_text=True)
    records = {r["ocid"]: r for r in packages[first].get_json()["records"]}
    assert [r["id"] for r in records[first]["releases"]] == [f"termination-{ended.id}"]
    assert [r["id"] for r in records[second]["releases"]] == [f"collection-{call.id}"]
    assert [r["id"] for r in records[call_off_ocid]["releases"]] == [
        f"{kind}-{doc.id}" for kind, doc in zip(("bidding", "deal", "contract"), call_offs,
                                                strict=True)]

    def links(release: dict) -> dict[str, list[str] | None]:
        return {p["identifier"]: p.get("relationship") for p in release["relatedProcesses"]}

    # the later process names the earlier one with its OCDS code, in each release
    assert links(records[second]["releases"][0]) == {first: ["unsuccessfulProcess"]}
    for release in records[call_off_ocid]["releases"]:  # 合同 takes the call-off's link
        assert links(release) == {second: ["framework"]}
    # the earlier one lists what follows on from it, in its compiled (current) state
    assert links(records[first]["compiledRelease"]) == {second: None}
    assert links(records[second]["compiledRelease"]) == {first: ["unsuccessfulProcess"],
                                                         call_off_ocid: None}
    for record in records.values():
        for link in record["compiledRelease"].get("relatedProcesses", []):
            assert link["scheme"] in _codes("relatedProcessScheme.csv")
            assert set(link.get("relationship") or []) <= _codes("relatedProcess.csv")
            assert client.get(link["uri"].replace("http://localhost", "")).status_code == 200
    assert records[second]["compiledRelease"]["tender"]["techniques"] == {
        "hasFrameworkAgreement": True}
    page = client.get(f"/announcements/{call_offs[0].id}").get_data(as_text=True)
    assert f'href="/ocds/records/{call_off_ocid}.json"' in page


def test_compiled_releases_are_what_the_reference_merger_makes(
        app, framework_with_call_off) -> None:
    from ocdsmerge import Merger

    merger = Merger(schema=_schema("release-schema.json"))
    number = framework_with_call_off[0]
    package = app.test_client().get(f"/ocds/records/ocds-kuangcai-{number}.json").get_json()
    for record in package["records"]:
        ours = record["compiledRelease"]
        following = {p["id"] for p in ours.get("relatedProcesses", [])
                     if "relationship" not in p}  # ours alone: see record_package
        ours["relatedProcesses"] = [p for p in ours.get("relatedProcesses", [])
                                    if p["id"] not in following]
        reference = merger.create_compiled_release(record["releases"])
        assert {k: v for k, v in ours.items() if v != []} == reference, record["ocid"]
