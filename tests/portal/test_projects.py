"""Project initiation (立项) through the one lifecycle, its rules, and plans reviewed or filed."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select

import documents
from documents.kinds import sample_data as s
from portal import authority, storage
from portal.domain import lifecycle, project_changes
from portal.domain.errors import Forbidden, TransitionNotAllowed
from portal.models import AuditEvent, DocumentStatus, Organisation, Project, User
from tests.helpers import OPINION, nss_database, pdfsig_blocks, run_pdfsig

pytestmark = pytest.mark.db


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def org(db, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def initiate(db, clerk: str, **changes) -> object:
    kind = documents.get_kind("project_initiation")
    data = {**kind.sample(), **changes}
    return lifecycle.create_draft(db, user(db, clerk), kind.code, data["project_name"],
                                  start_from=data)


@pytest.fixture
def approved_project(db, demo) -> Project:
    doc = initiate(db, "zj_clerk")
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None)
    return db.get(Project, doc.project_id)


def test_approving_the_initiation_creates_the_project(db, approved_project) -> None:
    sample = documents.get_kind("project_initiation").sample()
    assert approved_project.number == sample["project_number"]
    assert approved_project.collector.name == "内蒙古自治区政府采购中心"
    assert approved_project.term_months == 12 and str(approved_project.budget) == "18000000.00"
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "project"))
    assert list(actions) == ["project.created"]


def test_a_returned_initiation_creates_no_project(db, demo) -> None:
    doc = initiate(db, "zj_clerk")
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    lifecycle.return_to_drafter(db, user(db, "zj_reviewer"), doc, None, "预算依据不足")
    assert doc.status is DocumentStatus.draft and doc.project_id is None
    assert db.scalars(select(Project)).all() == []


def test_a_supervising_unit_may_only_initiate_services(db, demo) -> None:
    goods = initiate(db, "zg_clerk", project_number="NMGJY-2027-01")
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zg_clerk"), goods, None)
    assert refused.value.errors["project_category"] == [
        "主管预算单位作为征集人只能选择服务类项目。"]
    services = initiate(db, "zg_clerk", project_number="NMGJY-2027-02",
                        project_category="services", agreement_term_months=24)
    lifecycle.submit(db, user(db, "zg_clerk"), services, None)
    assert services.status is DocumentStatus.in_review


@pytest.mark.parametrize(("category", "months", "ok"), [
    ("goods", 12, True), ("goods", 13, False), ("services", 24, True), ("services", 25, False),
])
def test_agreement_term_limits(db, demo, category, months, ok) -> None:
    doc = initiate(db, "zj_clerk", project_category=category, agreement_term_months=months)
    if ok:
        lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
        assert doc.status is DocumentStatus.in_review
    else:
        with pytest.raises(lifecycle.SubmissionInvalid) as refused:
            lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
        assert "agreement_term_months" in refused.value.errors


def test_project_numbers_are_unique(db, approved_project) -> None:
    again = initiate(db, "zj_clerk")
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zj_clerk"), again, None)
    assert "project_number" in refused.value.errors


def plan_for(db, clerk: str, collector: str, project: Project | None = None):
    kind = documents.get_kind("procurement_plan")
    return lifecycle.create_draft(
        db, user(db, clerk), kind.code, "采购方案",
        parties={"regulator": org(db, "内蒙古自治区财政厅")}, start_from=kind.sample(),
        project_id=project.id if project else None)


def test_a_central_agency_plan_is_reviewed_by_the_regulator_too(db, approved_project) -> None:
    doc = plan_for(db, "zj_clerk", "内蒙古自治区政府采购中心", approved_project)
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None)
    assert doc.status is DocumentStatus.in_review and lifecycle.reviewing_role(doc) == "regulator"
    lifecycle.approve(db, user(db, "cz_reviewer"), doc, None)
    assert doc.status is DocumentStatus.approved


def test_a_supervising_unit_plan_is_filed_with_the_regulator(db, demo) -> None:
    kind = documents.get_kind("procurement_plan")
    doc = lifecycle.create_draft(
        db, user(db, "zg_clerk"), kind.code, "采购方案（服务）",
        parties={"regulator": org(db, "内蒙古自治区财政厅")},
        start_from={**kind.sample(), "collector_kind": "supervising_unit",
                    "project_category": "services"})
    lifecycle.submit(db, user(db, "zg_clerk"), doc, None)
    lifecycle.approve(db, user(db, "zg_reviewer"), doc, None)
    assert doc.status is DocumentStatus.approved
    filed = db.scalar(select(AuditEvent).where(AuditEvent.action == "plan.filed"))
    assert filed.detail["regulator"] == org(db, "内蒙古自治区财政厅").id


def test_new_documents_of_a_project_start_from_its_data_and_the_page_shows_history(
        db, approved_project, signed_in) -> None:
    from tests.helpers import csrf_token

    client = signed_in("zj_clerk")
    page = client.get("/documents/new").get_data(as_text=True)
    assert approved_project.number in page
    response = client.post("/documents/new", data={
        "csrf_token": csrf_token(page), "kind": "requirements", "title": "项目的采购需求",
        "project": str(approved_project.id)})
    assert response.status_code == 302
    doc_id = int(response.headers["Location"].split("/")[2])
    from portal.models import Document

    draft = db.get(Document, doc_id)
    assert draft.project_id == approved_project.id
    assert ["project_name", approved_project.name] in draft.draft_data
    history = client.get(f"/projects/{approved_project.id}").get_data(as_text=True)
    assert "采购项目立项" in history and "项目的采购需求" in history and "审核通过" in history
    assert signed_in("dl_clerk").get(f"/projects/{approved_project.id}").status_code == 404


def test_entrustment_issue_accept_and_assign_lead(db, approved_project, signed_in) -> None:
    from portal.domain import projects
    from portal.domain.errors import Forbidden, TransitionNotAllowed

    agency = org(db, "内蒙古中咨招标代理有限公司")
    with pytest.raises(TransitionNotAllowed, match="采购方案"):
        projects.issue_to_agency(db, user(db, "zj_clerk"), approved_project, agency)
    plan = plan_for(db, "zj_clerk", "内蒙古自治区政府采购中心", approved_project)
    lifecycle.submit(db, user(db, "zj_clerk"), plan, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), plan, None)
    lifecycle.approve(db, user(db, "cz_reviewer"), plan, None)
    with pytest.raises(Forbidden):
        projects.issue_to_agency(db, user(db, "zj_reviewer"), approved_project, agency)
    projects.issue_to_agency(db, user(db, "zj_clerk"), approved_project, agency)
    assert "待受理委托" in signed_in("dl_clerk").get("/todo").get_data(as_text=True)
    with pytest.raises(Forbidden):
        projects.accept_entrustment(db, user(db, "zj_clerk"), approved_project)
    projects.accept_entrustment(db, user(db, "dl_clerk"), approved_project)
    with pytest.raises(TransitionNotAllowed):
        projects.issue_to_agency(db, user(db, "zj_clerk"), approved_project, agency)
    assert "待设置项目负责人" in signed_in("dl_clerk").get("/todo").get_data(as_text=True)
    from portal.domain.errors import InvalidInput

    with pytest.raises(InvalidInput):
        projects.assign_lead(db, user(db, "dl_clerk"), approved_project, user(db, "zj_clerk"),
                             user(db, "dl_clerk"))
    projects.assign_lead(db, user(db, "dl_clerk"), approved_project, user(db, "dl_reviewer"),
                         user(db, "dl_clerk"))
    page = signed_in("dl_clerk").get(f"/projects/{approved_project.id}").get_data(as_text=True)
    assert "赵磊" in page and "内蒙古中咨招标代理有限公司" in page
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "project")
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["project.created", "project.issued", "project.accepted",
                       "project.lead_assigned"]


@pytest.fixture
def entrusted_project(db, approved_project):
    """The project with its plan approved by collector and regulator, entrusted to 中咨."""
    from portal.domain import projects

    plan = plan_for(db, "zj_clerk", "内蒙古自治区政府采购中心", approved_project)
    lifecycle.submit(db, user(db, "zj_clerk"), plan, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), plan, None)
    lifecycle.approve(db, user(db, "cz_reviewer"), plan, None)
    projects.issue_to_agency(db, user(db, "zj_clerk"), approved_project,
                             org(db, "内蒙古中咨招标代理有限公司"))
    projects.accept_entrustment(db, user(db, "dl_clerk"), approved_project)
    return approved_project


def test_collection_announcement_carries_the_collector_over_locked_and_publishes(
        app, db, demo_keys, entrusted_project, signed_in, tmp_path) -> None:
    from werkzeug.datastructures import MultiDict

    from portal.domain import projects
    from tests.helpers import seal_as

    kind = documents.get_kind("collection_announcement")
    agency_clerk = user(db, "dl_clerk")
    doc = projects.draft_document(db, agency_clerk, entrusted_project, kind.code, "征集公告",
                                  start_from=kind.sample())
    centre = org(db, "内蒙古自治区政府采购中心")
    assert doc.party_org_id("collector") == centre.id
    formdata = lifecycle.draft_formdata(doc)
    assert formdata["collector-name"] == centre.name and formdata["collector-phone"] == centre.phone
    contacts = [k for k in formdata if k.startswith(("collector-", "agency-", "project_contact-"))]
    edited = MultiDict([(k, formdata[k]) for k in contacts])
    edited["collector-name"] = "改过的名称"
    edited["collector-address"] = "呼和浩特市新址路1号"
    edited["agency-name"] = "另一家代理机构"
    lifecycle.save_step(db, agency_clerk, doc, None, "contacts", edited)
    formdata = lifecycle.draft_formdata(doc)
    assert formdata["collector-name"] == centre.name  # locked: the edit did not take
    assert formdata["agency-name"] == entrusted_project.agency.name  # the agency seals it
    assert formdata["collector-address"] == "呼和浩特市新址路1号"  # the address may change

    lifecycle.submit(db, agency_clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    from tests.helpers import work

    work(app)
    db.expire_all()
    from portal.domain import sealing

    assert lifecycle.sealers(doc) == ("collector", "agency")
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, doc, "zj_clerk"))
    assert doc.status is DocumentStatus.approved  # the agency seals next
    with pytest.raises(TransitionNotAllowed, match="盖章"):
        lifecycle.publish(db, agency_clerk, doc, None)
    sealing.confirm(db, agency_clerk, seal_as(app, db, doc, "dl_clerk"))
    assert doc.status is DocumentStatus.sealed
    lifecycle.publish(db, agency_clerk, doc, None)
    assert doc.status is DocumentStatus.published

    final = storage.read(sealing.current_pdf(db, doc.current_revision), ".pdf")
    with app.app_context():
        root = authority.authority().root_certificate.public_bytes(Encoding.PEM)
    blocks = pdfsig_blocks(run_pdfsig(nss_database(tmp_path, root), final, tmp_path))
    assert set(blocks) == {"seal-1-collector", "seal-2-agency"}
    for block in blocks.values():
        assert "Signature is Valid" in block and "Certificate is Trusted" in block


def test_a_collection_announcement_without_an_approved_plan_cannot_be_published(
        app, db, demo_keys, approved_project) -> None:
    from portal.domain import projects, sealing
    from portal.domain.errors import TransitionNotAllowed
    from tests.helpers import seal_as, work

    kind = documents.get_kind("collection_announcement")
    clerk = user(db, "zj_clerk")
    doc = projects.draft_document(db, clerk, approved_project, kind.code, "过早的征集公告",
                                  start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    work(app)
    db.expire_all()
    sealing.confirm(db, clerk, seal_as(app, db, doc, "zj_clerk"))
    assert doc.status is DocumentStatus.sealed  # no agency: the collector seals alone
    assert not doc.current_revision.data["agency"]["name"]
    with pytest.raises(TransitionNotAllowed, match="采购方案审核通过或备案前"):
        lifecycle.publish(db, clerk, doc, None)
    assert doc.status is DocumentStatus.sealed


def approved_termination_request(db, project):
    """终止采购申请 by the agency, approved by the collector's reviewer."""
    from portal.domain import projects

    kind = documents.get_kind("termination_request")
    request = projects.draft_document(db, user(db, "dl_clerk"), project, kind.code,
                                      "终止采购申请", start_from=kind.sample())
    lifecycle.submit(db, user(db, "dl_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    return request


def sealed_collection(app, db, project, title: str = "征集公告"):
    """A collection announcement of ``project`` by the agency, sealed by both."""
    from portal.domain import projects, sealing
    from tests.helpers import seal_as, work

    kind = documents.get_kind("collection_announcement")
    doc = projects.draft_document(db, user(db, "dl_clerk"), project, kind.code, title,
                                  start_from=kind.sample())
    lifecycle.submit(db, user(db, "dl_clerk"), doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    work(app)
    db.expire_all()
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, doc, "zj_clerk"))
    sealing.confirm(db, user(db, "dl_clerk"), seal_as(app, db, doc, "dl_clerk"))
    return doc


def published_collection(app, db, project):
    """The project's collection announcement by the agency, sealed by both, published."""
    doc = sealed_collection(app, db, project)
    lifecycle.publish(db, user(db, "dl_clerk"), doc, None)
    return doc


def sealed_termination(app, db, project, title: str):
    """A termination announcement of ``project`` drafted by the agency, approved and sealed
    (an approved termination request must exist)."""
    from portal.domain import projects, sealing
    from tests.helpers import seal_as, work

    agency_clerk = user(db, "dl_clerk")
    kind = documents.get_kind("termination_announcement")
    doc = projects.draft_document(db, agency_clerk, project, kind.code, title,
                                  start_from=kind.sample())
    lifecycle.submit(db, agency_clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None)
    work(app)
    db.expire_all()
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, doc, "zj_clerk"))
    return doc


@pytest.fixture
def called_project(app, db, demo_keys, entrusted_project):
    """The entrusted project with its collection announcement published."""
    published_collection(app, db, entrusted_project)
    return entrusted_project


@pytest.fixture
def terminated_project(app, db, called_project):
    approved_termination_request(db, called_project)
    lifecycle.publish(db, user(db, "dl_clerk"),
                      sealed_termination(app, db, called_project, "终止公告"), None)
    return called_project


def test_termination_needs_an_approved_request_after_the_call(
        app, db, demo_keys, entrusted_project) -> None:
    from portal.domain import projects

    kind = documents.get_kind("termination_request")
    early = projects.draft_document(db, user(db, "dl_clerk"), entrusted_project, kind.code,
                                    "过早的终止申请", start_from=kind.sample())
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "dl_clerk"), early, None)
    assert "征集公告发布后才能申请终止采购。" in refused.value.errors["project_number"]

    published_collection(app, db, entrusted_project)
    announcement = documents.get_kind("termination_announcement")
    unrequested = projects.draft_document(db, user(db, "dl_clerk"), entrusted_project,
                                          announcement.code, "未申请的终止公告",
                                          start_from=announcement.sample())
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "dl_clerk"), unrequested, None)
    assert "须先提交终止采购申请并经审核通过" in refused.value.errors["reason"][0]

    request = projects.draft_document(db, user(db, "dl_clerk"), entrusted_project, kind.code,
                                      "终止采购申请", start_from=kind.sample())
    lifecycle.submit(db, user(db, "dl_clerk"), request, None)
    with pytest.raises(Forbidden):  # the agency's own reviewer is not the collector's
        lifecycle.approve(db, user(db, "dl_reviewer"), request, None)
    lifecycle.return_to_drafter(db, user(db, "zj_reviewer"), request, None, "请说明终止原因")
    with pytest.raises(lifecycle.SubmissionInvalid):  # returned: still no approved request
        lifecycle.submit(db, user(db, "dl_clerk"), unrequested, None)
    lifecycle.submit(db, user(db, "dl_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    prefilled = projects.prefill(entrusted_project, announcement)
    assert documents.get_kind("termination_request").sample()["reason"] in prefilled["reason"]
    lifecycle.submit(db, user(db, "dl_clerk"), unrequested, None)
    assert unrequested.status is DocumentStatus.in_review


def test_publishing_the_termination_announcement_stops_the_project(
        app, db, called_project) -> None:
    from portal.models import ProjectStatus

    approved_termination_request(db, called_project)
    first = sealed_termination(app, db, called_project, "终止公告")
    second = sealed_termination(app, db, called_project, "重复的终止公告")
    lifecycle.publish(db, user(db, "dl_clerk"), first, None)
    assert called_project.status is ProjectStatus.terminated
    with pytest.raises(TransitionNotAllowed, match="已终止"):
        lifecycle.publish(db, user(db, "dl_clerk"), second, None)
    assert second.status is DocumentStatus.sealed

    assert project_changes.approved_termination_request(db, called_project) is None  # used
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "project.terminated"))


def reorganisation(db, project, **changes):
    kind = documents.get_kind("reorganisation")
    data = {**kind.sample(), "project_number": project.number, **changes}
    return lifecycle.create_draft(db, user(db, "zj_clerk"), kind.code, "重新组织征集",
                                  start_from=data, project_id=project.id)


def test_reorganisation_after_termination_resumes_from_the_chosen_step(
        db, terminated_project, signed_in) -> None:
    from portal.models import ProjectStatus

    unknown = reorganisation(db, terminated_project, lots=[{"number": "99", "name": "无此包"}])
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zj_clerk"), unknown, None)
    assert "项目中没有这些分包：99" in refused.value.errors["lots"]
    doc = reorganisation(db, terminated_project)
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    assert terminated_project.status is ProjectStatus.terminated  # until reviewed
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None)
    assert terminated_project.status is ProjectStatus.active
    assert terminated_project.round == 2 and terminated_project.restart_step == "solicitation"
    with pytest.raises(TransitionNotAllowed, match="审核通过后不能重新编辑"):  # the round stays
        lifecycle.reopen(db, user(db, "zj_clerk"), doc, None)
    db.rollback()
    shown = signed_in("zj_clerk").get(f"/documents/{doc.id}").get_data(as_text=True)
    assert f"/documents/{doc.id}/reopen" not in shown
    page = signed_in("zj_clerk").get(f"/projects/{terminated_project.id}").get_data(as_text=True)
    assert "第 2 轮" in page and "终止公告" in page  # the earlier documents stay as history


def test_the_chosen_return_step_reopens_that_step_and_those_after_it(
        app, db, called_project, signed_in) -> None:
    """退回节点 征集文件: the solicitation and the call are drafted again from the earlier
    round's data, the requirements stay, and the new call waits for the new solicitation."""
    from portal.domain import projects

    kind = documents.get_kind("solicitation")
    earlier = projects.draft_document(db, user(db, "dl_clerk"), called_project, kind.code,
                                      "征集文件", start_from={**kind.sample(),
                                                             "payment_terms": "第一轮的付款条件"})
    lifecycle.submit(db, user(db, "dl_clerk"), earlier, None)
    approved_termination_request(db, called_project)
    lifecycle.publish(db, user(db, "dl_clerk"),
                      sealed_termination(app, db, called_project, "终止公告"), None)
    request = reorganisation(db, called_project, return_step="solicitation")
    lifecycle.submit(db, user(db, "zj_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    with pytest.raises(TransitionNotAllowed, match="编制于第 2 轮重新组织之前，本轮不再办理"):
        lifecycle.return_to_drafter(db, user(db, "zj_reviewer"), earlier, None, "第一轮的")
    db.rollback()  # as the refused request's session is
    assert earlier.status is DocumentStatus.in_review

    page = signed_in("dl_clerk").get(f"/projects/{called_project.id}").get_data(as_text=True)
    assert "第 2 轮：自“征集文件”起重新组织" in page
    assert "采购需求、采购方案保持上一轮的内容" in page
    assert page.count("待重新编制") == 2  # the solicitation and the call
    assert f"/documents/new?kind=solicitation&amp;project={called_project.id}" in page
    todo = signed_in("dl_clerk").get("/todo").get_data(as_text=True)
    assert "待重新编制" in todo and f"/projects/{called_project.id}" in todo
    assert "待重新编制" not in signed_in("zj_clerk").get("/todo").get_data(as_text=True)

    redone = projects.draft_document(db, user(db, "dl_clerk"), called_project, kind.code,
                                     "征集文件（第二轮）")
    assert lifecycle.draft_formdata(redone)["payment_terms"] == "第一轮的付款条件"
    chosen = [lot["number"] for lot in documents.get_kind("reorganisation").sample()["lots"]]
    assert len(kind.sample()["lots"]) > len(chosen)  # round one called more lots
    draft = lifecycle.draft_formdata(redone)
    assert [draft[key] for key in draft if re.fullmatch(r"lots-\d+-number", key)] == chosen
    call = projects.draft_document(db, user(db, "dl_clerk"), called_project,
                                   "collection_announcement", "重新征集公告",
                                   start_from=documents.get_kind("collection_announcement")
                                   .sample())
    lifecycle.submit(db, user(db, "dl_clerk"), call, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), call, None, OPINION)
    from portal.domain import sealing
    from tests.helpers import seal_as, work

    work(app)
    db.expire_all()
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, call, "zj_clerk"))
    sealing.confirm(db, user(db, "dl_clerk"), seal_as(app, db, call, "dl_clerk"))
    with pytest.raises(TransitionNotAllowed, match="第 2 轮须先重新完成：征集文件"):
        lifecycle.publish(db, user(db, "dl_clerk"), call, None)
    page = signed_in("dl_clerk").get(f"/projects/{called_project.id}").get_data(as_text=True)
    assert page.count("待重新编制") == 0 and "征集文件（第二轮）" in page

    requirements = documents.get_kind("requirements")
    again = projects.draft_document(db, user(db, "zj_clerk"), called_project,
                                    requirements.code, "采购需求", start_from=requirements.sample())
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zj_clerk"), again, None)
    assert "“采购需求”保持上一轮的内容" in refused.value.errors["project_number"][0]


def test_a_call_goes_out_once_a_round_only_while_the_project_runs_and_in_its_own_round(
        app, db, called_project, signed_in) -> None:
    """A second call sealed in round one is refused while the first stands, while the project
    is terminated, and after the re-organisation, which did not draft it; the project page
    says it is no longer to be done. The new round's own call goes out."""
    clerk = user(db, "dl_clerk")
    extra = sealed_collection(app, db, called_project, "重复的征集公告")
    with pytest.raises(TransitionNotAllowed, match="该项目本轮的征集公告已发布"):
        lifecycle.publish(db, clerk, extra, None)
    approved_termination_request(db, called_project)
    lifecycle.publish(db, clerk, sealed_termination(app, db, called_project, "终止公告"), None)
    with pytest.raises(TransitionNotAllowed, match="该项目已终止，不能发布“征集公告”"):
        lifecycle.publish(db, clerk, extra, None)
    request = reorganisation(db, called_project, return_step="collection_announcement")
    lifecycle.submit(db, user(db, "zj_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    with pytest.raises(TransitionNotAllowed, match="编制于第 2 轮重新组织之前"):
        lifecycle.publish(db, clerk, extra, None)
    assert extra.status is DocumentStatus.sealed
    agency = signed_in("dl_clerk")
    page = agency.get(f"/projects/{called_project.id}").get_data(as_text=True)
    assert page.count("上一轮未完成，不再办理") == 1
    assert page.split("重复的征集公告", 1)[1].split("</h3>", 1)[0].count("不再办理") == 1
    shown = agency.get(f"/documents/{extra.id}").get_data(as_text=True)
    assert "本轮不再办理" in shown and f"/documents/{extra.id}/publish" not in shown
    assert "重复的征集公告" not in agency.get("/todo").get_data(as_text=True)
    assert "重复的征集公告" in agency.get(f"/documents/{extra.id}").get_data(as_text=True)

    again = sealed_collection(app, db, called_project, "第二轮征集公告")
    lifecycle.publish(db, clerk, again, None)
    assert again.status is DocumentStatus.published


def test_an_active_project_cannot_be_reorganised(db, approved_project) -> None:
    doc = reorganisation(db, approved_project)
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    assert "只有已终止的采购项目才能重新组织征集。" in refused.value.errors["project_number"]


def test_a_change_reopens_the_solicitation_and_lists_what_changed(
        app, db, demo_keys, entrusted_project, signed_in) -> None:
    from werkzeug.datastructures import MultiDict

    from portal.domain import projects, sealing
    from tests.helpers import csrf_token, seal_as, work

    kind = documents.get_kind("solicitation")
    agency_clerk = user(db, "dl_clerk")
    solicitation = projects.draft_document(db, agency_clerk, entrusted_project, kind.code,
                                           "征集文件", start_from=kind.sample())
    lifecycle.submit(db, agency_clerk, solicitation, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), solicitation, None)
    work(app)
    db.expire_all()
    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, solicitation, "zj_clerk"))
    assert solicitation.status is DocumentStatus.sealed

    client = signed_in("dl_clerk")
    page = client.get(f"/projects/{entrusted_project.id}").get_data(as_text=True)
    started = client.post(f"/projects/{entrusted_project.id}/change",
                          data={"csrf_token": csrf_token(page)})
    assert started.status_code == 302 and "/steps/" in started.headers["Location"]
    db.expire_all()
    assert solicitation.status is DocumentStatus.draft
    step = next(s for s in kind.steps if any(f.name == "lots" for f in s.form_class()))
    data = lifecycle.draft_formdata(solicitation)
    names = [f.name for f in step.form_class()]
    posted = MultiDict([(k, v) for k, v in data.items(multi=True) if k.split("-")[0] in names])
    old_price = posted["lots-0-max_unit_price"]
    posted["lots-0-max_unit_price"] = "5900.00"
    lifecycle.save_step(db, agency_clerk, solicitation, None, step.slug, posted)
    lifecycle.submit(db, agency_clerk, solicitation, None)
    assert [r.number for r in solicitation.revisions] == [1, 2]

    rows = project_changes.corrections(db, entrusted_project)
    assert len(rows) == 1 and rows[0]["new_value"] == "5900.00"
    assert rows[0]["old_value"] == old_price and "最高限制单价" in rows[0]["item"]
    change_kind = documents.get_kind("change_announcement")
    prefilled = projects.prefill(entrusted_project, change_kind)
    assert prefilled["corrections"] == rows
    assert prefilled["original_project_number"] == entrusted_project.number

    # a change to the solicitation 10 days before the deadline must move the deadline
    change = projects.draft_document(
        db, agency_clerk, entrusted_project, change_kind.code, "变更公告",
        start_from={**change_kind.sample(), "change_date": s.iso_day(s.DEADLINE - 10),
                    "new_submission_deadline": s.iso_time(s.DEADLINE, "09:30")})
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, agency_clerk, change, None)
    assert "须顺延提交截止时间" in refused.value.errors["new_submission_deadline"][0]


# ---- issue #12: defects in the flow -------------------------------------------------------


def test_approving_a_revised_initiation_updates_its_project(db, approved_project,
                                                            signed_in) -> None:
    """Reopened, corrected, resubmitted and approved again: the same project, updated (not a
    second project with the same number, which answered 500 and stayed 审核中)."""
    from tests.helpers import csrf_token

    initiation = db.get(lifecycle.Document, approved_project.initiation_id)
    clerk = user(db, "zj_clerk")
    lifecycle.reopen(db, clerk, initiation, None)
    posted = lifecycle.draft_formdata(initiation)
    posted.setlist("project_name", ["信息化设备框架协议采购项目（调整）"])
    posted.setlist("budget_amount", ["16000000.00"])
    assert lifecycle.save_step(db, clerk, initiation, None, "project", posted).ok
    lifecycle.submit(db, clerk, initiation, None)
    reviewer = signed_in("zj_reviewer")
    page = reviewer.get(f"/documents/{initiation.id}").get_data(as_text=True)
    approved = reviewer.post(f"/documents/{initiation.id}/approve",
                             data={"csrf_token": csrf_token(page),
                                   "version": str(initiation.version)})
    assert approved.status_code == 302, approved.get_data(as_text=True)[:500]
    db.expire_all()
    assert initiation.status is DocumentStatus.approved
    assert db.scalars(select(Project)).all() == [approved_project]
    assert approved_project.name == "信息化设备框架协议采购项目（调整）"
    assert str(approved_project.budget) == "16000000.00"
    actions = list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "project").order_by(AuditEvent.seq)))
    assert actions == ["project.created", "project.updated"]


@pytest.mark.parametrize("code", ["shortlist_announcement", "change_announcement"])
def test_result_and_change_announcements_need_the_project_and_its_published_call(
        app, db, demo_keys, entrusted_project, code) -> None:
    from portal.domain import projects

    kind = documents.get_kind(code)
    clerk = user(db, "dl_clerk")
    field = {"shortlist_announcement": "project_number",
             "change_announcement": "original_project_number"}[code]
    standalone = lifecycle.create_draft(db, clerk, code, "无项目的公告", start_from=kind.sample(),
                                        parties={"collector": org(db, "内蒙古自治区政府采购中心")})
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, standalone, None)
    assert "须在采购项目中编制" in refused.value.errors[field][0]
    too_early = projects.draft_document(db, clerk, entrusted_project, code, "征集公告前的公告",
                                        start_from=kind.sample())
    # the rows the clerk fills in (the project's lots come without shortlisted suppliers)
    too_early.draft_data = [[k, v] for k, v in documents.to_formdata(kind.sample()).items(
        multi=True)]
    db.commit()
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, too_early, None)
    assert "征集公告尚未发布" in refused.value.errors[field][0]
    published_collection(app, db, entrusted_project)
    assert field not in lifecycle.check_draft(too_early)


def test_project_prefills_fit_the_kind_and_keep_what_they_do_not_say(
        app, db, demo_keys, entrusted_project) -> None:
    """入围结果公告 takes the project's lots without their category or prices (no 未知字段);
    框架协议 keeps the collector's uscc, which the project's contact block does not carry."""
    from portal.domain import projects

    published_collection(app, db, entrusted_project)
    clerk = user(db, "dl_clerk")
    shortlist = projects.draft_document(
        db, clerk, entrusted_project, "shortlist_announcement", "入围结果公告",
        start_from=documents.get_kind("shortlist_announcement").sample())
    errors = lifecycle.check_draft(shortlist)
    assert not [path for path, messages in errors.items() if "未知字段" in messages], errors
    agreement = projects.draft_document(
        db, clerk, entrusted_project, "framework_agreement", "框架协议",
        start_from=documents.get_kind("framework_agreement").sample(),
        parties={"supplier": org(db, "北方信创计算机有限公司")})
    data = lifecycle.draft_formdata(agreement)
    assert data["collector-uscc"] == entrusted_project.collector.uscc
    assert data["collector-name"] == entrusted_project.collector.name
    assert "collector-uscc" not in lifecycle.check_draft(agreement)


def test_the_agency_drafts_the_evaluation_report(db, demo, signed_in) -> None:
    kind = documents.get_kind("evaluation_report")
    assert lifecycle.may_draft(user(db, "dl_clerk"), kind)
    form = signed_in("dl_clerk").get("/documents/new").get_data(as_text=True)
    assert 'value="evaluation_report"' in form


def test_an_earlier_rounds_notice_about_a_shortlisted_supplier_is_not_retired() -> None:
    """A 变更公告 correcting only the result (入围供应商 suspended or removed) concerns the
    agreements in force; one correcting the call belongs to its round."""
    from portal.domain import rounds
    from portal.models import Document

    project = Project(round=2, restart_step="solicitation")

    def change(*targets: str) -> Document:
        return Document(id=3, kind="change_announcement", status=DocumentStatus.draft,
                        draft_data=[(f"corrections-{n}-target", t)
                                    for n, t in enumerate(targets)])

    assert not rounds.superseded(change("result"), project, started_after=9)
    assert rounds.superseded(change("solicitation"), project, started_after=9)
    assert rounds.superseded(change("result", "solicitation"), project, started_after=9)
    assert not rounds.superseded(change("solicitation"), project, started_after=2)  # this round
