"""The drafting wizard and review pages through HTTP, and rendering by a real worker."""

from __future__ import annotations

import re
import subprocess

import pytest
from sqlalchemy import select

import documents
from jobs.worker import run as run_worker
from portal.domain import lifecycle
from portal.models import Document, DocumentStatus, User
from tests.helpers import csrf_token

pytestmark = pytest.mark.db

HX = {"HX-Request": "true"}


def version_of(html: str) -> str:
    match = re.search(r'name="version" (?:type="hidden" )?(?:id="doc-version" )?value="(\d+)"',
                      html)
    assert match, "no version field"
    return match.group(1)


def new_document(client, kind: str, title: str, sample: bool = True, **parties) -> int:
    page = client.get("/documents/new").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "kind": kind, "title": title}
    if sample:
        data["use_sample"] = "y"
    data.update({f"party_{role}": str(org_id) for role, org_id in parties.items()})
    response = client.post("/documents/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].split("/")[2])


def test_wizard_keeps_invalid_input_shows_errors_and_moves_on_when_valid(signed_in) -> None:
    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-向导", sample=False)
    first = documents.get_kind("requirements").steps[0]
    url = f"/documents/{doc_id}/steps/{first.slug}"
    page = client.get(url).get_data(as_text=True)
    fields = [f.name for f in first.form_class()]
    posted = {"csrf_token": csrf_token(page), "version": version_of(page), "next": "1",
              fields[0]: "已填写的项目名称"}
    response = client.post(url, data=posted)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "已填写的项目名称" in body  # nothing lost
    assert 'class="error"' in body and "aria-invalid" in body
    sample = documents.to_formdata(documents.get_kind("requirements").sample())
    valid = {k: v for k, v in sample.items() if k.split("-")[0] in fields}
    valid.update(csrf_token=csrf_token(body), version=version_of(body), next="1")
    response = client.post(url, data=valid)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/steps/{documents.get_kind('requirements').steps[1].slug}")


def test_check_page_lists_missing_answers_and_blocks_submit(signed_in) -> None:
    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-空白", sample=False)
    page = client.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    assert "修改后才能提交" in page and "disabled" in page
    response = client.post(f"/documents/{doc_id}/submit",
                           data={"csrf_token": csrf_token(page), "version": version_of(page)})
    assert response.status_code == 400


def test_autosave_returns_the_new_version_out_of_band(signed_in, db) -> None:
    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-自动保存")
    slug = documents.get_kind("requirements").steps[0].slug
    page = client.get(f"/documents/{doc_id}/steps/{slug}").get_data(as_text=True)
    before = int(version_of(page))
    response = client.post(f"/documents/{doc_id}/steps/{slug}", headers=HX,
                           data={"csrf_token": csrf_token(page), "version": str(before),
                                 "autosave": "1", "project_name": "自动保存的名称"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "draft-saved"
    assert 'hx-swap-oob="true"' in body and int(version_of(body)) == before + 1
    preview = client.get(f"/documents/{doc_id}/preview")
    assert "自动保存的名称" in preview.get_data(as_text=True)
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]


def test_stale_form_gets_a_conflict_message(signed_in) -> None:
    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-冲突")
    slug = documents.get_kind("requirements").steps[0].slug
    page = client.get(f"/documents/{doc_id}/steps/{slug}").get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "version": version_of(page), "save": "1"}
    # the first save is taken (its blank fields are reported), which moves the version on
    assert client.post(f"/documents/{doc_id}/steps/{slug}", data=data).status_code == 400
    second = client.post(f"/documents/{doc_id}/steps/{slug}", data=data)
    assert second.status_code == 409
    assert "已被他人修改" in second.get_data(as_text=True)


def test_the_loser_of_a_race_gets_the_conflict_page_not_a_500(app, signed_in, monkeypatch,
                                                              database_url) -> None:
    """Another request commits between this one's version check and its commit: the commit
    fails (StaleDataError) and the conflict page must render from a rolled-back session."""
    from sqlalchemy import create_engine, text

    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-竞争")
    slug = documents.get_kind("requirements").steps[0].slug
    page = client.get(f"/documents/{doc_id}/steps/{slug}").get_data(as_text=True)
    real_check = lifecycle.check_version

    def winner_commits_first(doc, version):
        real_check(doc, version)
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("UPDATE documents SET version = version + 1 WHERE id = :id"),
                               {"id": doc_id})
        engine.dispose()

    monkeypatch.setattr(lifecycle, "check_version", winner_commits_first)
    response = client.post(f"/documents/{doc_id}/steps/{slug}",
                           data={"csrf_token": csrf_token(page), "version": version_of(page),
                                 "save": "1"})
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    assert "已被他人修改" in response.get_data(as_text=True)


def test_full_review_round_with_rendering_by_a_real_worker(app, signed_in, db, tmp_path) -> None:
    clerk, reviewer = signed_in("zj_clerk"), signed_in("zj_reviewer")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")
    check = clerk.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    assert "修改后才能提交" not in check
    response = clerk.post(f"/documents/{doc_id}/submit",
                          data={"csrf_token": csrf_token(check), "version": version_of(check)})
    assert response.status_code == 302
    show = clerk.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "排队中" in show and "hx-get" in show
    # the step is finished now
    slug = documents.get_kind("requirements").steps[0].slug
    assert clerk.get(f"/documents/{doc_id}/steps/{slug}").status_code == 410

    assert "待审核" in reviewer.get("/todo").get_data(as_text=True)
    page = reviewer.get(f"/documents/{doc_id}").get_data(as_text=True)
    empty = reviewer.post(f"/documents/{doc_id}/return",
                          data={"csrf_token": csrf_token(page), "version": version_of(page)})
    assert empty.status_code == 400 and "必须填写退回原因" in empty.get_data(as_text=True)
    returned = reviewer.post(f"/documents/{doc_id}/return", data={
        "csrf_token": csrf_token(page), "version": version_of(page), "reason": "预算金额有误"})
    assert returned.status_code == 302
    todo = clerk.get("/todo").get_data(as_text=True)
    assert "已退回待修改" in todo and "预算金额有误" in todo

    check = clerk.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    clerk.post(f"/documents/{doc_id}/submit",
               data={"csrf_token": csrf_token(check), "version": version_of(check)})
    page = reviewer.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "一般性审查意见" in page and "重点审查意见" in page
    assert reviewer.post(f"/documents/{doc_id}/approve", data={
        "csrf_token": csrf_token(page), "version": version_of(page)}).status_code == 400
    assert reviewer.post(f"/documents/{doc_id}/approve", data={
        "csrf_token": csrf_token(page), "version": version_of(page),
        "check_general": "符合", "check_key": "符合"}).status_code == 302
    assert db.get(Document, doc_id).status is DocumentStatus.approved

    run_worker(app, ("render",), burst=True)
    db.expire_all()
    revision = db.get(Document, doc_id).current_revision
    assert revision.number == 2 and revision.render_status.value == "done"
    status = clerk.get(f"/documents/revisions/{revision.id}/status", headers=HX)
    assert "下载 PDF" in status.get_data(as_text=True)
    assert "hx-get" not in status.get_data(as_text=True)  # polling stops when done
    pdf = clerk.get(f"/documents/revisions/{revision.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["ETag"] == f'"{revision.pdf_sha256}"'
    (tmp_path / "r.pdf").write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "采购需求" in text and revision.data["project_name"] in text.replace("\n", "")
    # both revisions have the same data, so the same bytes: rendering is deterministic
    first = db.get(Document, doc_id).revisions[0]
    assert first.pdf_sha256 == revision.pdf_sha256
    # other organisations cannot see it at all
    assert signed_in("dl_clerk").get(f"/documents/revisions/{revision.id}.pdf").status_code == 404


def test_a_failed_render_is_shown_with_its_reason_and_can_be_retried(app, signed_in, db) -> None:
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "需求-渲染失败")
    user = db.scalar(select(User).where(User.username == "zj_clerk"))
    doc = db.get(Document, doc_id)
    revision = lifecycle.submit(db, user, doc, None)
    revision.data = {"broken": True}  # make the job fail the way a bad template would
    db.commit()
    run_worker(app, ("render",), burst=True)
    db.expire_all()
    assert db.get(Document, doc_id).current_revision.render_status.value == "failed"
    page = clerk.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "生成失败" in page and "重新生成" in page
    retry = clerk.post(f"/documents/revisions/{revision.id}/render",
                       data={"csrf_token": csrf_token(page)})
    assert retry.status_code == 302
    db.expire_all()
    assert db.get(Document, doc_id).current_revision.render_status.value == "queued"


def test_agency_drafts_a_collection_announcement_for_a_chosen_collector(signed_in, db) -> None:
    from portal.models import Organisation

    centre = db.scalar(select(Organisation).where(Organisation.name == "内蒙古自治区政府采购中心"))
    agency = signed_in("dl_clerk")
    page = agency.get("/documents/new").get_data(as_text=True)
    missing = agency.post("/documents/new", data={
        "csrf_token": csrf_token(page), "kind": "collection_announcement", "title": "征集公告"})
    assert missing.status_code == 400
    assert "需要征集人参与审核或盖章" in missing.get_data(as_text=True)
    doc_id = new_document(agency, "collection_announcement", "征集公告", collector=centre.id)
    assert db.get(Document, doc_id).party_org_id("collector") == centre.id
    # the collector's users see it; another collector's do not
    assert signed_in("zj_reviewer").get(f"/documents/{doc_id}").status_code == 200
    assert signed_in("zg_reviewer").get(f"/documents/{doc_id}").status_code == 404
