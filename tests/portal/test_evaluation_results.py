"""A confirmed 评审 feeds the 评审报告 and the 入围结果公告 (never retyped), and 我的待办 asks
for the announcement once every lot of the round is confirmed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import documents
from portal.domain import evaluation as ev
from portal.domain import lifecycle, projects
from portal.domain.experts import PanelSeat
from portal.models import CreditResult, Verdict
from tests.evaluation_setup import EVIDENCE, experts, opened, seat, solicitation_project, suppliers
from tests.helpers import user

pytestmark = pytest.mark.db


def confirmed_lot(app: Any, db: Any) -> Any:
    """Lot 01 evaluated by price with three responses (5,890.00, 6,050.00, 5,600.00), every one
    qualified and passed, confirmed by 中心's clerk."""
    project = solicitation_project(app, db, elimination_rate="20")
    confirm_lot(db, project, "01", [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
                                    for i, e in enumerate(experts(db))])
    return project


def confirm_lot(db: Any, project: Any, lot_number: str, panel: list[PanelSeat],
                prices: tuple[str, ...] = ("5890.00", "6050.00", "5600.00")) -> None:
    orgs = suppliers(db)
    clerk = user(db, "zj_clerk")
    evaluation = ev.start(db, clerk, project, lot_number, opened(orgs[:3], list(prices)), panel)
    for entry in evaluation.entries:
        ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean, "无不良记录",
                         EVIDENCE)
        ev.record_qualification(db, clerk, evaluation, entry.id, Verdict.passed, "", Decimal(0))
    ev.finish_qualification(db, clerk, evaluation)
    leader = db.get(type(clerk), next(m.user_id for m in evaluation.members if m.leader))
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    ev.submit_review(db, leader, evaluation)
    ev.confirm(db, clerk, evaluation)


def test_the_shortlist_announcement_starts_from_the_confirmed_evaluation(app, db,
                                                                         demo_keys) -> None:
    project = confirmed_lot(app, db)
    data = projects.prefill(project, documents.get_kind("shortlist_announcement"))
    (lot,) = data["lots"]
    assert lot["number"] == "01" and lot["highest_price"] == "5890.00"
    assert [(r["agreement_price"], r["product"]) for r in lot["suppliers"]] == [
        ("5600.00", "国产 X2（8核16G）"), ("5890.00", "国产 X0（8核16G）")]
    assert all(r["address"] for r in lot["suppliers"])  # from the registered organisations
    assert [p["role"] for p in data["panel"]] == ["leader", "member", "member"]
    # the fee the solicitation states is published with the result
    assert data["agency_fee"] == documents.get_kind("solicitation").sample()["agency_fee"]
    doc = projects.draft_document(  # the clerk adds only the project contact
        db, user(db, "zj_clerk"), project, "shortlist_announcement", "入围结果公告",
        start_from={"project_contact": {"name": "王丽", "phone": "0471-6945678"}})
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)  # the kind's own checks accept it
    assert doc.current_revision.data["lots"][0]["highest_price"] == "5890.00"


def test_the_evaluation_report_lists_every_supplier_with_its_verdict_and_rank(app, db,
                                                                              demo_keys) -> None:
    project = confirmed_lot(app, db)
    data = projects.prefill(project, documents.get_kind("evaluation_report"))
    rows = [(r["name"], r["qualification"], r["rank"], r["shortlisted"]) for r in data["suppliers"]]
    names = [o.name for o in suppliers(db)[:3]]
    assert rows == [(names[2], "passed", 1, True), (names[0], "passed", 2, True),
                    (names[1], "passed", 3, False)]
    assert data["lot_number"] == "01" and data["evaluation_method"] == "price_first"
    assert [p["name"] for p in data["panel"]] == ["刘明", "张华", "李强"]
    assert names[2] in data["conclusion"] and names[1] not in data["conclusion"]


def test_the_todo_asks_for_the_announcement_once_every_lot_is_confirmed(
        app, db, demo_keys, signed_in) -> None:
    project = solicitation_project(app, db)  # the sample's three lots
    panel = [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    confirm_lot(db, project, "01", panel)
    confirm_lot(db, project, "02", panel)
    assert "待编制入围结果公告" not in signed_in("zj_clerk").get("/todo").get_data(as_text=True)
    confirm_lot(db, project, "03", panel, ("2400.00", "2500.00", "2300.00"))
    page = signed_in("zj_clerk").get("/todo").get_data(as_text=True)
    assert "待编制入围结果公告" in page
    assert f"/documents/new?kind=shortlist_announcement&amp;project={project.id}" in page
    assert len(projects.prefill(project, documents.get_kind("shortlist_announcement"))["lots"]) == 3
    projects.draft_document(db, user(db, "zj_clerk"), project, "shortlist_announcement",
                            "入围结果公告")
    assert "待编制入围结果公告" not in signed_in("zj_clerk").get("/todo").get_data(as_text=True)


def test_publishing_the_shortlist_tells_each_supplier_that_joined_its_own_result(
        app, db, demo_keys) -> None:
    from sqlalchemy import select

    from portal.domain import participation
    from portal.models import Notice, beijing_now
    from tests.helpers import approve_and_seal

    project = confirmed_lot(app, db)
    orgs = suppliers(db)[:3]
    for name in ("gys_mfr", "gys_reseller", "gys_service"):
        participation.join(db, user(db, name), project, "王工", "0471-6601234",
                           "wang@example.cn", beijing_now())
    doc = projects.draft_document(
        db, user(db, "zj_clerk"), project, "shortlist_announcement", "入围结果公告",
        start_from={"project_contact": {"name": "王丽", "phone": "0471-6945678"}})
    approve_and_seal(app, db, doc)
    lifecycle.publish(db, user(db, "zj_clerk"), doc, None)
    told = {n.org_id: n.body for n in db.scalars(select(Notice).where(
        Notice.document_id == doc.id))}
    by_org = {o.id: told.get(o.id, "") for o in orgs}
    assert "第01包（台式计算机）：入围，入围价格 5890.00 元。" in by_org[orgs[0].id]
    assert "第01包（台式计算机）：未入围，评审排名第3名" in by_org[orgs[1].id]
    assert "入围，入围价格 5600.00 元" in by_org[orgs[2].id]
    joined = {user(db, n).org_id for n in ("gys_mfr", "gys_reseller", "gys_service")}
    assert set(told) == joined  # those who joined, and nobody else


def with_personal_certificates(db: Any, people: list[Any]) -> None:
    """Each expert's own certificate from the built-in CA, bound for its ID number."""
    from portal.authority import authority
    from portal.demo import DEMO_PIN
    from portal.domain import credentials
    from portal.models import HolderType
    from seals import id_check_digit

    for i, person in enumerate(people):
        first17 = f"15010219800101{i + 1:03d}"
        person.id_number = first17 + id_check_digit(first17)
        db.commit()
        p12 = authority().issue_person(person.display_name, person.id_number, DEMO_PIN).p12
        credentials.bind(db, person, HolderType.person, p12, DEMO_PIN, person.id_number)


def test_each_expert_seals_the_report_with_a_personal_certificate_in_the_panels_order(
        app, db, demo_keys) -> None:
    import pytest as _pytest

    from portal import storage, verification
    from portal.domain import sealing
    from portal.domain.errors import Forbidden
    from portal.domain.lifecycle import SubmissionInvalid
    from portal.models import DocumentStatus
    from tests.helpers import seal_as, work
    from tests.portal.test_experts import signed_in_as

    project = solicitation_project(app, db, elimination_rate="20")
    people = experts(db)
    with_personal_certificates(db, people)
    confirm_lot(db, project, "01", [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
                                    for i, e in enumerate(people)])
    clerk = user(db, "zj_clerk")
    kind = documents.get_kind("evaluation_report")
    data = projects.prefill(project, kind)
    media = {"announcement_media": "中国政府采购网、内蒙古自治区政府采购网"}  # the clerk types it
    doc = projects.draft_document(db, clerk, project, kind.code, "第01包评审报告",
                                  start_from=media)
    typed = lifecycle.create_draft(db, clerk, kind.code, "评审报告（手填）", start_from={
        **data, **media,
        "panel": [{**data["panel"][0], "name": "王五"}, *data["panel"][1:]]},
        project_id=project.id)
    with _pytest.raises(SubmissionInvalid) as refused:
        lifecycle.submit(db, clerk, typed, None)  # a panel the experts did not sit on
    assert "评审小组名单须与评审记录一致" in refused.value.errors["panel"][0]

    lifecycle.submit(db, clerk, doc, None)
    work(app)
    db.expire_all()
    assert lifecycle.sealers(doc) == ("expert", "expert", "expert")
    with _pytest.raises(Forbidden, match="尚未轮到您签章"):
        sealing.start(db, people[1], doc, None, 0, None, None)
    with _pytest.raises(Forbidden, match="专家本人"):
        sealing.start(db, user(db, "zj_clerk"), doc, None, 0, None, None)
    first = signed_in_as(app, people[0].username).get("/todo").get_data(as_text=True)
    assert "待签章" in first and f'href="/documents/{doc.id}"' in first
    assert "待签章" not in signed_in_as(app, people[1].username).get("/todo").get_data(
        as_text=True)  # not yet its turn
    assert signed_in_as(app, people[0].username).get(
        f"/documents/{doc.id}/seal").status_code == 200  # the stamping page opens for it
    for person in people:
        sealing.confirm(db, person, seal_as(app, db, doc, person.username))
    db.refresh(doc)
    assert doc.status is DocumentStatus.sealed
    report = verification.verify(
        db, storage.read(sealing.current_pdf(db, doc.current_revision), ".pdf")).report
    assert report.ok
    assert [s.id_number for s in report.signatures] == [p.id_number for p in people]


def test_under_quality_first_the_report_shows_every_experts_score(app, db, demo_keys) -> None:
    from portal.domain.shortlisting import QUALITY_FIRST
    from portal.models import Evaluation

    project = solicitation_project(app, db, evaluation_method=QUALITY_FIRST,
                                   elimination_rate="30")
    people = experts(db)
    clerk = user(db, "zj_clerk")
    lot = ev.start(db, clerk, project, "01", opened(suppliers(db)[:3], ["6000", "6100", "5900"]),
                   [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
                    for i, e in enumerate(people)])
    for entry in lot.entries:
        ev.record_credit(db, clerk, lot, entry.id, CreditResult.clean, "无不良记录", EVIDENCE)
        ev.record_qualification(db, clerk, lot, entry.id, Verdict.passed, "", Decimal(0))
    ev.finish_qualification(db, clerk, lot)
    for entry in ev.qualified(lot):
        ev.record_substantive(db, people[0], lot, entry.id, Verdict.passed, "")
        for person, score in zip(people, ("90", "88.5", "86"), strict=True):
            ev.record_score(db, person, lot, entry.id, Decimal(score))
    ev.submit_review(db, people[0], lot)
    ev.confirm(db, clerk, lot)
    assert isinstance(lot, Evaluation)
    data = projects.prefill(project, documents.get_kind("evaluation_report"))
    assert {r["expert_scores"] for r in data["suppliers"]} == {"刘明 90.00；张华 88.50；李强 86.00"}
    assert {r["score"] for r in data["suppliers"]} == {"88.17"}
