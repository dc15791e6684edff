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


def submit(client, doc_id: int):
    """提交审核 from the check page, with its CSRF token and the version it shows."""
    check = client.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    return client.post(f"/documents/{doc_id}/submit",
                       data={"csrf_token": csrf_token(check), "version": version_of(check)})


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

    submit(clerk, doc_id)
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


def test_approval_without_the_required_opinions_shows_the_page_with_what_is_missing(
        signed_in, db) -> None:
    """采购需求 without 重点审查意见: the document page again (400), the opinion typed kept,
    the missing one marked; the fields are marked as required before the click."""
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")
    submit(clerk, doc_id)
    reviewer = signed_in("zj_reviewer")
    page = reviewer.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "审核通过须填写以下意见" in page and 'aria-hidden="true">*</span>' in page
    refused = reviewer.post(f"/documents/{doc_id}/approve", data={
        "csrf_token": csrf_token(page), "version": version_of(page),
        "check_general": "符合一般性审查要求"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "办公设备采购需求" in html and "请填写重点审查意见后再审核通过。" in html
    assert ">符合一般性审查要求</textarea>" in html
    assert 'id="check_key-error"' in html and 'id="check_general-error"' not in html
    assert db.get(Document, doc_id).status is DocumentStatus.in_review


@pytest.mark.parametrize("code", ["collection_announcement", "change_announcement",
                                  "framework_agreement"])
def test_the_reviews_seed_000_names_ask_for_an_opinion(code) -> None:
    """Seed 000 §一 7.2 审核征集公告 and 8.3 审核变更公告 (输入通过审核意见), 15.2 框架协议审查
    (输入审查意见)."""
    label = "审查" if code == "framework_agreement" else "审核"
    assert lifecycle.REVIEW_CHECKS[code] == (("opinion", label),)


def test_rendering_says_pdf_only_for_a_kind_without_docx(app, signed_in, db) -> None:
    clerk = signed_in("dl_clerk")
    from portal.models import Organisation

    supplier = db.scalar(select(Organisation).where(Organisation.name == "北方信创计算机有限公司"))
    doc_id = new_document(clerk, "opening_record", "开标记录表", supplier=supplier.id)
    submit(clerk, doc_id)
    revision = db.get(Document, doc_id).current_revision
    revision.render_status = revision.render_status.__class__("running")
    db.commit()
    page = clerk.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert "正在生成 PDF…" in page and "DOCX" not in page


def test_contract_amounts_and_total_are_computed_as_the_drafter_types(signed_in, db) -> None:
    """The autosave answers with 金额 and 合计 computed (swapped into the page out of band);
    a typed amount that disagrees is replaced, so 保存并继续 moves on instead of a bare 400."""
    from portal.models import Organisation

    school = db.scalar(select(Organisation).where(Organisation.name == "呼和浩特市第一中学"))
    client = signed_in("gys_mfr")
    doc_id = new_document(client, "contract", "台式计算机采购合同", purchaser=school.id)
    url = f"/documents/{doc_id}/steps/items"
    page = client.get(url).get_data(as_text=True)
    assert "自动计算：数量 × 单价" in page and "自动计算：各行金额之和" in page
    posted = {"csrf_token": csrf_token(page), "version": version_of(page),
              "items-0-name": "台式计算机", "items-0-specification": "长城 世恒TD120A2",
              "items-0-quantity": "50", "items-0-unit": "台", "items-0-unit_price": "5800",
              "items-0-amount": "1.00", "total_amount": "2.00"}
    autosaved = client.post(url, data={**posted, "autosave": "1"},
                            headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r'id="items-0-amount"[^>]*value="290000.00"[^>]*hx-swap-oob="true"',
                     autosaved)
    assert re.search(r'id="total_amount"[^>]*value="290000.00"', autosaved)
    page = client.get(url).get_data(as_text=True)
    moved = client.post(url, data={**posted, "version": version_of(page), "next": "1"})
    assert moved.status_code == 302, moved.get_data(as_text=True)[:300]
    draft = lifecycle.draft_formdata(db.get(Document, doc_id))
    assert (draft["items-0-amount"], draft["total_amount"]) == ("290000.00", "290000.00")


def test_the_reviewer_reads_the_submitted_revision_beside_approve_and_return(
        signed_in, db) -> None:
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")
    submit(clerk, doc_id)
    revision = db.get(Document, doc_id).current_revision
    reviewer = signed_in("zj_reviewer")
    page = reviewer.get(f"/documents/{doc_id}").get_data(as_text=True)
    view = f"/documents/revisions/{revision.id}/view"
    review = page[page.index('class="review"'):]
    assert f'src="{view}"' in review and "审核通过" in review and "退回修改" in review
    shown = reviewer.get(view)
    html = shown.get_data(as_text=True)
    sample = documents.get_kind("requirements").sample()
    assert shown.status_code == 200 and sample["project_name"] in html
    assert "frame-ancestors 'self'" in shown.headers["Content-Security-Policy"]
    assert signed_in("gys_mfr").get(view).status_code == 404  # not a party


def test_times_on_the_document_page_are_beijing_time_and_say_so(signed_in, db) -> None:
    """Stored in UTC, shown eight hours later with the label (not bare UTC)."""
    from datetime import timedelta

    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")
    submit(clerk, doc_id)
    revision = db.get(Document, doc_id).current_revision
    local = revision.submitted_at + timedelta(hours=8)
    page = clerk.get(f"/documents/{doc_id}").get_data(as_text=True)
    shown = f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}（北京时间）"
    assert f"提交于 {shown}" in page
    listing = clerk.get("/documents").get_data(as_text=True)
    assert "（北京时间）" in listing


def test_errors_name_fields_by_their_chinese_labels_with_row_numbers(signed_in, db) -> None:
    """Two surveyed purchasers where three are needed, one of them unnamed: the check page
    says 需求调查情况 · 调查的采购人 (and 第 2 行), never surveyed_purchasers; the step shows the
    rule before saving."""
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")
    step = clerk.get(f"/documents/{doc_id}/steps/survey").get_data(as_text=True)
    assert "至少填写3家采购人" in step
    doc = db.get(Document, doc_id)
    doc.draft_data = [[k, "" if k == "surveyed_purchasers-1-name" else v]
                      for k, v in doc.draft_data if not k.startswith("surveyed_purchasers-2-")]
    db.commit()
    check = clerk.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    summary = check[check.index("error-summary"):check.index("</ul>", check.index("error-summary"))]
    assert "需求调查情况 · 调查的采购人：至少需要3家采购人" in summary
    assert "需求调查情况 · 调查的采购人 第 2 行 · " in summary
    assert "surveyed_purchasers" not in summary


def test_a_draft_never_submitted_can_be_discarded_and_is_audited(signed_in, db) -> None:
    from portal.models import AuditEvent

    clerk = signed_in("zj_clerk")
    first = new_document(clerk, "requirements", "办公设备采购需求")
    second = new_document(clerk, "requirements", "办公设备采购需求")
    listing = clerk.get("/documents").get_data(as_text=True)
    assert listing.count(">重名</span>") == 2  # duplicate titles are flagged
    page = clerk.get(f"/documents/{second}").get_data(as_text=True)
    assert "放弃草稿" in page
    # not by another organisation, nor by a reviewer of this one
    reviewer = signed_in("zj_reviewer")
    token = csrf_token(reviewer.get("/documents").get_data(as_text=True))
    assert reviewer.post(f"/documents/{second}/discard",
                         data={"csrf_token": token}).status_code == 403
    gone = clerk.post(f"/documents/{second}/discard",
                      data={"csrf_token": csrf_token(page), "version": version_of(page)})
    assert gone.status_code == 302
    assert db.get(Document, second) is None
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "document.discarded")).one()
    assert event.subject_id == str(second) and event.detail["title"] == "办公设备采购需求"
    listing = clerk.get("/documents").get_data(as_text=True)
    assert "已放弃草稿" in listing and ">重名</span>" not in listing
    # a submitted one keeps all its versions
    check = clerk.get(f"/documents/{first}/check").get_data(as_text=True)
    clerk.post(f"/documents/{first}/submit",
               data={"csrf_token": csrf_token(check), "version": version_of(check)})
    page = clerk.get(f"/documents/{first}").get_data(as_text=True)
    assert "放弃草稿" not in page
    refused = clerk.post(f"/documents/{first}/discard", data={"csrf_token": csrf_token(page)})
    assert refused.status_code == 409 and db.get(Document, first) is not None


def test_the_subject_step_shows_only_the_fields_of_the_project_category(signed_in, db) -> None:
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "办公设备采购需求")  # the sample: goods
    goods = clerk.get(f"/documents/{doc_id}/steps/subject").get_data(as_text=True)
    assert 'name="goods_function"' in goods and 'name="service_content"' not in goods
    check = clerk.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    assert "功能要求" in check and "服务内容" not in check
    doc = db.get(Document, doc_id)
    doc.draft_data = [[k, "services" if k == "project_category" else v]
                      for k, v in doc.draft_data]
    db.commit()
    services = clerk.get(f"/documents/{doc_id}/steps/subject").get_data(as_text=True)
    assert 'name="service_content"' in services and 'name="goods_function"' not in services


def test_the_check_page_shows_lists_of_rows_as_tables_with_chinese_column_labels(
        signed_in, db) -> None:
    clerk = signed_in("zj_clerk")
    doc_id = new_document(clerk, "requirements", "需求-表格")
    check = clerk.get(f"/documents/{doc_id}/check").get_data(as_text=True)
    sample = documents.get_kind("requirements").sample()
    table = re.search(r'<dt id="surveyed_purchasers-label">(.*?)</dt>.*?<table class="data">'
                      r'(.*?)</table>', check, re.S)
    assert table, "调查的采购人 is not a table"
    head, body = table.group(2).split("</thead>")
    assert re.findall(r'<th scope="col">(.*?)</th>', head) == ["序号", "被调查单位", "调查结论"]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    assert len(rows) == len(sample["surveyed_purchasers"])
    first = sample["surveyed_purchasers"][0]
    assert re.findall(r"<td>(.*?)</td>", rows[0]) == [first["name"], first["finding"]]
    assert "（第1行）" not in check  # no row spelt out field by field any more
    assert 'class="table-scroll" role="region"' in check  # scrolls inside itself on a phone
