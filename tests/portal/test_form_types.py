"""Every form of the portal renders each field as the control its WTForms field declares: the
sign-in password and the seal PIN as ``type=password``, uploads as ``type=file``, dates, times,
numbers, e-mail and telephone fields as theirs. Walks the pages that show each form as the role
that uses it, and every wizard step of every document kind."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
import time_machine
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.fields.core import UnboundField

import documents
from portal import evaluation_forms, product_forms
from portal import forms as portal_forms
from portal.demo import DEMO_PIN
from portal.domain import evaluation as ev
from portal.domain import (
    expert_draws,
    lifecycle,
    opening,
    opening_record,
    panels,
    projects,
    sealing,
)
from portal.models import EvaluationStatus, Organisation, Region, User, Verdict
from tests.evaluation_setup import started_evaluation
from tests.form_types import captured_forms, check_field_types
from tests.helpers import approved_contract, project_with_approved_plan, work
from tests.portal.test_evaluation import qualify_everyone
from tests.portal.test_every_kind_wizard import DRAFTER, PARTY_ORG
from tests.portal.test_experts import signed_in_as
from tests.portal.test_participation import open_call  # noqa: F401 - a fixture
from tests.portal.test_responses import (
    call,  # noqa: F401 - a fixture
    deadline,
    open_lot,
    submitted,
)

pytestmark = pytest.mark.db


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def org(db, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def portal_form_classes() -> set[str]:
    """The portal's forms that show a field a person fills (not only hidden tokens)."""
    def visible(cls: type) -> bool:
        return any(field.field_class is not HiddenField for _, field in
                   inspect.getmembers(cls, lambda value: isinstance(value, UnboundField)))

    return {name for module in (portal_forms, evaluation_forms, product_forms)
            for name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__
            and visible(cls)}


def test_every_portal_form_renders_its_fields_as_their_types(app, db, demo_keys, signed_in,
                                                             open_call) -> None:  # noqa: F811
    checked: set[str] = set()

    def visit(client, path: str) -> None:
        with captured_forms(app) as rendered:
            response = client.get(path)
        assert response.status_code == 200, path
        checked.update(check_field_types(response.get_data(as_text=True), rendered))

    anonymous = app.test_client()
    visit(anonymous, "/login")
    visit(anonymous, "/verify")
    clerk = signed_in("zj_clerk")
    visit(clerk, "/documents/new")
    visit(clerk, "/account/ca")
    visit(clerk, "/account/password")
    visit(signed_in("cz_reviewer"), "/oversight/calendar")
    visit(signed_in("gys_mfr"), f"/participation/{open_call.id}")

    # the project page offers 下达方案 to the collector, then 项目负责人 to the agency
    project = project_with_approved_plan(db)
    visit(clerk, f"/projects/{project.id}")
    projects.issue_to_agency(db, user(db, "zj_clerk"), project,
                             org(db, PARTY_ORG["agency"]))
    projects.accept_entrustment(db, user(db, "dl_clerk"), project)
    visit(signed_in("dl_clerk"), f"/projects/{project.id}")

    # 退回 on a document in review; the upload on an online contract's check page
    kind = documents.get_kind("requirements")
    doc = lifecycle.create_draft(db, user(db, "zj_clerk"), kind.code, "需求", None,
                                 start_from=kind.sample())
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    visit(signed_in("zj_reviewer"), f"/documents/{doc.id}")
    online = lifecycle.create_draft(
        db, user(db, "cg_clerk"), "online_contract", "线下合同",
        {"supplier": org(db, PARTY_ORG["supplier"])},
        start_from=documents.get_kind("online_contract").sample())
    visit(signed_in("cg_clerk"), f"/documents/{online.id}/check")

    # the PIN, once a seal waits for the key
    contract = approved_contract(app, db, "合同")
    sealing.start(db, user(db, "gys_mfr"), contract, None, 0, None, None)
    work(app)
    visit(signed_in("gys_mfr"), f"/documents/{contract.id}/seal")

    # 专家库, a draw request and its review, and a drawn expert before and after check-in
    visit(signed_in("cz_reviewer"), "/experts/new")
    visit(signed_in("dl_clerk"), f"/projects/{project.id}/expert-draws")
    draw = expert_draws.request(db, user(db, "dl_clerk"), project, expert_draws.DrawRequest(
        "A0501", db.scalar(select(Region).where(Region.code == "150000")), 3, 0, ()))
    visit(signed_in("dl_reviewer"), f"/expert-draws/{draw.id}")
    expert_draws.approve_and_draw(db, user(db, "dl_reviewer"), draw, "")
    seat = draw.seats[0]
    expert = signed_in_as(app, seat.expert.user.username)
    visit(expert, f"/reviews/{seat.id}")
    panels.check_in(db, seat.expert.user, seat, "id_number", seat.expert.id_number)
    visit(expert, f"/reviews/{seat.id}")

    # 评审: the organiser's credit and qualification forms, then the leader's verdict and the
    # organiser's 退回 once the panel has judged
    evaluation = started_evaluation(app, db, open_call)  # entrusted to 中咨 above
    visit(signed_in("dl_clerk"), f"/evaluations/{evaluation.id}")
    qualify_everyone(db, evaluation, "dl_clerk")
    ev.finish_qualification(db, user(db, "dl_clerk"), evaluation)
    leader = signed_in_as(app, "expert_t0")
    visit(leader, f"/evaluations/{evaluation.id}")
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, user(db, "expert_t0"), evaluation, entry.id,
                              Verdict.passed, "")
    ev.submit_review(db, user(db, "expert_t0"), evaluation)
    visit(signed_in("dl_clerk"), f"/evaluations/{evaluation.id}")
    evaluation.method, evaluation.status = "quality_first", EvaluationStatus.scoring
    db.commit()  # the same lot scored by quality: each expert's score form
    visit(leader, f"/evaluations/{evaluation.id}")

    expected = portal_form_classes() - RESPONDING_AND_OPENING - PRODUCTS
    assert checked >= expected, expected - checked


#: Forms of the responses and the opening hall, walked by the next test.
RESPONDING_AND_OPENING = {"ResponseForm", "ResponseAttachmentForm", "ReceiptCheckForm",
                          "OpenLotForm", "ObjectionForm", "AnswerForm"}


def test_the_response_and_opening_forms_render_their_fields_as_their_types(
        app, db, call, signed_in) -> None:  # noqa: F811
    checked: set[str] = set()

    def visit(client, path: str) -> None:
        with captured_forms(app) as rendered:
            response = client.get(path)
        assert response.status_code == 200, path
        checked.update(check_field_types(response.get_data(as_text=True), rendered))

    supplier = signed_in("gys_mfr")
    visit(supplier, f"/responses/{call.id}/01")
    visit(supplier, "/responses/receipts/check")
    submitted(db, call, "gys_mfr")
    submitted(db, call, "gys_reseller", unit_price="6100.00")
    ends = deadline(db, call) + timedelta(minutes=1)
    with time_machine.travel(ends, tick=False):
        visit(signed_in("dl_clerk"), f"/opening/{call.id}/01")  # 开标: the window's length
        found = open_lot(db, call)
        for name in ("gys_mfr", "gys_reseller"):
            opening.decrypt(db, user(db, name), found, DEMO_PIN)
    with time_machine.travel(ends + timedelta(minutes=31), tick=False):
        opening_record.generate_record(db, user(db, "dl_clerk"), call, found)
        visit(signed_in("gys_mfr"), f"/opening/{call.id}/01")  # 确认 or 异议
        opening_record.confirm(db, user(db, "gys_reseller"), found, "报价宣读有误")
        visit(signed_in("dl_clerk"), f"/opening/{call.id}/01")  # 答复
    assert checked >= RESPONDING_AND_OPENING, RESPONDING_AND_OPENING - checked


#: Forms of 企业信息 and 产品管理, walked by the next test.
PRODUCTS = {"ProfileForm", "ProductForm", "PartsForm"}


def test_the_profile_and_product_forms_render_their_fields_as_their_types(
        app, db, open_call, signed_in) -> None:  # noqa: F811
    from portal.domain import products
    from portal.models import ProductKind
    from tests.product_setup import lot_category

    checked: set[str] = set()
    supplier = signed_in("gys_mfr")
    product = products.enter(db, user(db, "gys_mfr"), products.ProductDetails(
        ProductKind.product, lot_category(db, open_call), "曙光", "W330", "国产八核", "台"))
    for path in ("/supplier/profile", "/products/new", f"/products/{product.id}/edit",
                 f"/products/{product.id}/parts"):
        with captured_forms(app) as rendered:
            response = supplier.get(path)
        assert response.status_code == 200, path
        checked.update(check_field_types(response.get_data(as_text=True), rendered))
    assert checked >= PRODUCTS, PRODUCTS - checked


# 评审报告 has no drafter among the demo roles yet (the expert panel drafts it)
@pytest.mark.parametrize("code", [k.code for k in documents.all_kinds()
                                  if set(k.drafted_by) & set(DRAFTER)])
def test_every_wizard_step_renders_its_fields_as_their_types(app, db, demo, signed_in,
                                                             code: str) -> None:
    kind = documents.get_kind(code)
    drafter_name = next(DRAFTER[r] for r in kind.drafted_by if r in DRAFTER)
    drafter = user(db, drafter_name)
    parties = {role: org(db, PARTY_ORG[role])
               for role in {*kind.reviewed_by, *kind.sealed_by} - {drafter.role.value, "expert"}}
    doc = lifecycle.create_draft(db, drafter, code, kind.title, parties,
                                 start_from=kind.sample())
    client = signed_in(drafter_name)
    for step in kind.steps:
        with captured_forms(app) as rendered:
            page = client.get(f"/documents/{doc.id}/steps/{step.slug}")
        assert page.status_code == 200, step.slug
        assert check_field_types(page.get_data(as_text=True), rendered), step.slug
