"""The catalogue declares every kind once, as documents.md describes it."""

from __future__ import annotations

import re

import pytest

from documents import KINDS, UnknownKind, all_kinds, get_kind
from documents.formdata import field_names, to_formdata
from documents.kind import BOARD_CATEGORIES, ROLES
from documents.templating import TEMPLATE_ROOT

from .conftest import KIND_CODES

CJK = re.compile(r"[\u4e00-\u9fff]")

TITLES = {
    "project_initiation": "采购项目立项", "requirements": "采购需求",
    "procurement_plan": "采购方案",
    "entrustment_agreement": "委托代理协议", "solicitation": "征集文件",
    "intention_announcement": "采购意向公告", "collection_announcement": "征集公告",
    "change_announcement": "变更公告", "termination_announcement": "终止公告",
    "shortlist_announcement": "入围结果公告", "bidding_announcement": "二次竞价公告",
    "deal_announcement": "成交结果公告", "contract_announcement": "合同公告",
    "opening_record": "开标记录表", "evaluation_report": "评审报告",
    "framework_agreement": "框架协议", "purchasing_plan": "采购计划", "contract": "采购合同",
    "online_contract": "合同在线签订", "reorganisation": "重新组织征集",
    "termination_request": "终止采购申请",
}

SEALED_BY = {
    # the 委托方 (collector or purchaser, whichever drafts it) seals first, then the agency
    "entrustment_agreement": ("collector", "purchaser", "agency"),
    "solicitation": ("collector",),
    "collection_announcement": ("collector", "agency"),  # the agency when entrusted
    "change_announcement": ("collector",),
    "termination_announcement": ("collector",),
    "shortlist_announcement": ("collector",),
    "opening_record": ("supplier", "agency", "collector"),  # whoever opened the lot
    "evaluation_report": ("expert",),
    "framework_agreement": ("supplier", "collector"),
    "contract": ("supplier", "purchaser"),
    "online_contract": ("purchaser", "supplier"),
}

BOARD = {
    "intention_announcement": "intention", "collection_announcement": "collection",
    "change_announcement": "change", "termination_announcement": "termination",
    "shortlist_announcement": "shortlist", "bidding_announcement": "bidding",
    "deal_announcement": "deal", "contract_announcement": "contract",
}

#: documents.md, kind by kind: what each must contain, as field names of its forms.
SPEC_FIELDS = {
    "requirements": ["overview", "surveyed_purchasers", "surveyed_suppliers", "survey_summary",
                     "implementation_plan", "lots", "goods_function", "goods_performance",
                     "goods_materials", "goods_delivery", "goods_after_sales", "service_content",
                     "service_standard", "service_staffing", "service_area", "service_workload",
                     "risk_measures", "alternatives"],
    "procurement_plan": ["project_name", "project_number", "lots", "lots-0-max_unit_price",
                         "evaluation_method", "elimination_rate", "second_stage_methods",
                         "agreement_term_months", "eligible_purchasers", "region"],
    "entrustment_agreement": ["principal-name", "principal-address", "principal-uscc",
                              "principal-contact", "agent-name", "agent-uscc", "scope", "matters",
                              "authority", "authority_start", "authority_end",
                              "principal_duties", "agent_duties", "fee_standard", "fee_method",
                              "archive_keeping", "termination", "breach_liability",
                              "dispute_resolution", "signing_date"],
    # seed 000 §一 1
    "project_initiation": ["project_name", "project_number", "project_category",
                           "agreement_type", "agreement_term_months", "budget_amount",
                           "region", "lots", "lots-0-name"],
    # seed 004 §四 4.1.2; issue 15: basic information and lines (category, quantity, budget)
    "purchasing_plan": ["plan_number", "plan_name", "fiscal_year", "funding_source",
                        "purchaser-name", "purchaser-uscc", "lines-0-category", "lines-0-quantity",
                        "lines-0-unit_price", "lines-0-amount", "total_budget"],
    # seed 000 §一 9.1
    "termination_request": ["project_number", "project_name", "reason"],
    # seed 000 §一 10
    "reorganisation": ["project_number", "lots", "lots-0-number", "return_step", "reason"],
    # seed 001 §二: the uploaded PDF is the contract; the record names it and its parties
    "online_contract": ["contract_number", "contract_name", "agreement_number",
                        "purchaser-name", "purchaser-uscc", "supplier-name", "supplier-uscc",
                        "contract_amount", "signing_date"],
    "solicitation": ["invitation", "supplier_notices", "qualification_conditions",
                     "qualification_check", "lots", "lots-0-max_unit_price",
                     "policy_requirements", "policy_application", "agreement_term_months",
                     "pricing_rules", "consumables_years", "evaluation_method",
                     "evaluation_standards", "elimination_rate", "shortlist_cap",
                     "rejection_reasons", "response_format", "submission_deadline",
                     "opening_time", "opening_place", "validity_days",
                     "framework_agreement_text", "contract_text", "second_stage_methods",
                     "supplier_choice_rules", "payment_terms", "upgrade_rules", "user_feedback",
                     "removal_addition_rules", "credit_check", "agency_fee"],
    "intention_announcement": ["intentions-0-project_name", "intentions-0-requirements_outline",
                               "intentions-0-budget_amount", "intentions-0-expected_month",
                               "intentions-0-remarks"],
    "collection_announcement": ["collector-name", "collector-address", "collector-contact",
                                "collector-phone", "project_name", "project_number",
                                "requirements_summary", "lots-0-max_unit_price",
                                "eligible_purchasers", "region", "lots-0-estimated_quantity",
                                "qualification_conditions", "agreement_term_months",
                                "obtain_start", "obtain_end", "obtain_place", "obtain_method",
                                "submission_deadline", "submission_place", "submission_method",
                                "opening_time", "opening_place", "announcement_days",
                                "join_application", "performance_region", "payment_standard",
                                "removal_addition_rules", "separate_agreement"],
    "change_announcement": ["original_project_number", "original_project_name",
                            "original_announcement_date", "corrections-0-target",
                            "corrections-0-old_value", "corrections-0-new_value", "change_date",
                            "other_matters", "collector-name", "agency-name",
                            "project_contact-name"],
    "termination_announcement": ["project_number", "project_name", "reason", "other_matters",
                                 "collector-phone", "project_contact-phone"],
    "shortlist_announcement": ["project_number", "project_name", "lots-0-highest_price",
                               "lots-0-lowest_score", "lots-0-suppliers-0-name",
                               "lots-0-suppliers-0-address", "lots-0-suppliers-0-agreement_price",
                               "lots-0-suppliers-0-product", "panel-0-name",
                               "announcement_date"],
    "bidding_announcement": ["project_number", "agreement_name", "agreement_number",
                             "purchaser-name", "items-0-name", "items-0-quantity",
                             "technical_requirements", "service_requirements",
                             "items-0-max_unit_price", "delivery_place",
                             "delivery_time", "start_time", "duration_hours", "quoting_rules",
                             "project_contact-phone"],
    "deal_announcement": ["project_name", "project_number", "agreement_number",
                          "purchaser-name", "supplier-name", "supplier-address", "deal_amount",
                          "items-0-name"],
    "contract_announcement": ["contract_number", "contract_name", "project_number",
                              "project_name", "purchaser-address", "purchaser-contact",
                              "supplier-address", "items-0-name", "items-0-specification",
                              "items-0-quantity", "items-0-unit_price", "contract_amount",
                              "performance_period", "performance_place", "procurement_method",
                              "signing_date", "announcement_date", "other_matters",
                              "attachment_name"],
    "opening_record": ["project_name", "project_number", "lot_number", "opening_time",
                       "opening_place", "suppliers-0-name", "suppliers-0-price",
                       "suppliers-0-other_items", "suppliers-0-decryption",
                       "objections-0-objection", "objections-0-answer", "staff-0-name"],
    "evaluation_report": ["announcement_media", "announcement_date", "opening_date",
                          "opening_place", "suppliers-0-name", "panel-0-name",
                          "evaluation_method", "evaluation_standards",
                          "suppliers-0-qualification", "suppliers-0-rejection_reason",
                          "suppliers-0-score", "suppliers-0-rank", "suppliers-0-shortlisted"],
    "framework_agreement": ["collector-name", "supplier-name", "project_name", "project_number",
                            "requirements", "max_unit_price", "products-0-name",
                            "products-0-agreement_price", "upgrade_rules",
                            "second_stage_methods", "eligible_purchasers", "region",
                            "payment_terms", "contract_text", "term_start", "term_end",
                            "removal_addition_rules", "rights_duties"],
    "contract": ["contract_number", "contract_name", "agreement_name", "agreement_number",
                 "purchaser-address", "purchaser-uscc", "purchaser-contact",
                 "purchaser-bank_account", "supplier-uscc", "supplier-bank_account",
                 "items-0-name", "items-0-specification", "items-0-quantity",
                 "items-0-unit_price", "items-0-amount", "total_amount", "delivery_place",
                 "delivery_time", "acceptance", "payment_terms", "breach_liability",
                 "dispute_resolution", "signing_date"],
}


def _all_field_names(code: str) -> set[str]:
    kind = get_kind(code)
    formdata = to_formdata(kind.sample())  # the sample has rows, so row fields get names
    names: set[str] = set()
    for step in kind.steps:
        names |= field_names(step.form_class(formdata))
    return names


def test_the_catalogue_has_every_kind_in_flow_order() -> None:
    assert [kind.code for kind in all_kinds()] == list(TITLES)
    assert {code: kind.title for code, kind in KINDS.items()} == TITLES


@pytest.mark.parametrize("code", KIND_CODES)
def test_every_field_documents_md_lists_is_in_the_kinds_forms(code: str) -> None:
    missing = set(SPEC_FIELDS[code]) - _all_field_names(code)
    assert not missing


@pytest.mark.parametrize("code", KIND_CODES)
def test_kind_declares_roles_board_and_templates(code: str) -> None:
    kind = get_kind(code)
    assert set(kind.drafted_by) <= set(ROLES) and kind.drafted_by
    assert set(kind.reviewed_by) <= set(ROLES)
    assert kind.sealed_by == SEALED_BY.get(code, ())
    assert kind.board_category == BOARD.get(code)
    assert kind.board_category is None or kind.board_category in BOARD_CATEGORIES
    assert (TEMPLATE_ROOT / "default" / kind.html_template).is_file()
    has_docx = code in {"solicitation", "entrustment_agreement", "framework_agreement",
                        "contract"}
    assert (kind.docx_template is not None) == has_docx
    if kind.docx_template:
        assert (TEMPLATE_ROOT / "default" / kind.docx_template).is_file()


def test_opening_record_has_no_reviewer_and_the_contract_is_confirmed_by_the_purchaser() -> None:
    assert get_kind("opening_record").reviewed_by == ()
    assert get_kind("contract").reviewed_by == ("purchaser",)
    assert get_kind("procurement_plan").reviewed_by == ("collector", "regulator")


@pytest.mark.parametrize("code", KIND_CODES)
def test_every_step_and_field_is_labelled_in_chinese(code: str) -> None:
    kind = get_kind(code)
    for step in kind.steps:
        assert CJK.search(step.title)
        assert re.fullmatch(r"[a-z_]+", step.slug)
        from werkzeug.datastructures import MultiDict

        from documents.formdata import iter_leaves
        for field in iter_leaves(step.form_class(MultiDict())):
            assert CJK.search(str(field.label.text)), (step.slug, field.name)


def test_unknown_kinds_are_named_with_the_valid_codes() -> None:
    with pytest.raises(UnknownKind) as caught:
        get_kind("invoice")
    assert "invoice" in str(caught.value) and "contract" in str(caught.value)
    assert isinstance(caught.value, LookupError)


def test_unknown_steps_are_refused() -> None:
    from documents import UnknownStep

    with pytest.raises(UnknownStep):
        get_kind("contract").step("nope")


def test_samples_are_fresh_copies() -> None:
    kind = get_kind("contract")
    first = kind.sample()
    first["items"].clear()
    assert kind.sample()["items"]
