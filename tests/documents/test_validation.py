"""One set of forms decides wizard posts and JSON alike, with Chinese field-level messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from documents import ValidationFailed, get_kind, to_formdata, validate, validate_step
from documents import fields as f
from documents.formdata import iter_leaves
from documents.kinds import sample_data as s

from .conftest import KIND_CODES

CJK = re.compile(r"[\u4e00-\u9fff]")
Sample = Callable[[str], dict[str, Any]]


def _errors(code: str, data: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        validate(code, data)
    errors = caught.value.errors
    assert errors
    for path, messages in errors.items():
        assert all(CJK.search(message) for message in messages), (path, messages)
    return errors


def _leaves(code: str) -> dict[str, Any]:
    kind = get_kind(code)
    formdata = to_formdata(kind.sample())
    return {
        field.name: field
        for step in kind.steps
        for field in iter_leaves(step.form_class(formdata))
    }


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split("-")
    target: Any = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value


def _bad_value(field: Any, current: Any) -> Any:
    """An unreadable or forbidden value for the field's type, or None if none applies."""
    if isinstance(field, f.MoneyText):
        return "一千元"
    if isinstance(field, f.DecimalText):
        return "十二"
    if isinstance(field, f.DateText):
        return "2026-02-30"
    if isinstance(field, f.MonthText):
        return "2027-13"
    if isinstance(field, f.DateTimeText):
        return "明天上午"
    if isinstance(field, f.MultiChoiceField):
        return ["bogus"]
    if isinstance(field, f.ChoiceField):
        return "bogus"
    if isinstance(field, f.CountField):
        return "三"
    validators = {type(v) for v in field.validators}
    if f.Uscc in validators:
        return current[:-1] + ("0" if current[-1] != "0" else "1")
    if f.Phone in validators:
        return "12345"
    return None


def _malformed_cases() -> list[tuple[str, str]]:
    cases = []
    for code in KIND_CODES:
        flat = to_formdata(get_kind(code).sample())
        leaves = _leaves(code)
        for name in flat:
            if name in leaves and _bad_value(leaves[name], flat[name]) is not None:
                cases.append((code, name))
    return cases


@pytest.mark.parametrize("code", KIND_CODES)
def test_every_sample_is_valid_and_typed(code: str, sample_of: Sample) -> None:
    document = validate(code, sample_of(code))
    assert document.kind == code
    for value in _scalars(document.data):
        assert not isinstance(value, float)
    assert validate(code, document.to_json()) == document


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict) or hasattr(value, "items"):
        return [s for item in value.values() for s in _scalars(item)]
    if isinstance(value, tuple):
        return [s for item in value for s in _scalars(item)]
    return [value]


def test_typed_values_are_decimals_dates_and_read_only(sample_of: Sample) -> None:
    data = validate("contract", sample_of("contract")).data
    assert data["total_amount"] == Decimal("345600.00")
    assert isinstance(data["signing_date"], date)
    assert isinstance(data["items"], tuple)
    with pytest.raises(TypeError):
        data["total_amount"] = Decimal(0)  # type: ignore[index]
    opening = validate("opening_record", sample_of("opening_record")).data
    assert opening["opening_time"] == datetime.combine(s.day(s.DEADLINE), time(9, 30))


@pytest.mark.parametrize("code", KIND_CODES)
def test_an_empty_document_names_each_missing_field_in_chinese(code: str) -> None:
    errors = _errors(code, {})
    leaves = _leaves(code)
    required = [name for name, field in leaves.items()
                if getattr(field.flags, "required", False) and "-" not in name]
    for name in required:
        assert name in errors, name
        assert errors[name][0].startswith(("请填写", "请选择")), errors[name]


@pytest.mark.parametrize("code", KIND_CODES)
def test_removing_one_required_field_reports_exactly_that_field(code: str, sample_of: Sample
                                                               ) -> None:
    leaves = _leaves(code)
    sample = sample_of(code)
    for name, field in leaves.items():
        if "-" in name or not getattr(field.flags, "required", False):
            continue
        data = sample_of(code)
        del data[name]
        assert set(_errors(code, data)) == {name}, name
    assert sample == sample_of(code)


@pytest.mark.parametrize(("code", "path"), _malformed_cases())
def test_a_malformed_value_is_reported_at_its_path(code: str, path: str, sample_of: Sample
                                                  ) -> None:
    data = sample_of(code)
    leaves = _leaves(code)
    current = to_formdata(data).getlist(path)
    _set(data, path, _bad_value(leaves[path], current[0] if current else ""))
    errors = _errors(code, data)
    assert path in errors


def test_floats_are_refused_with_a_message_at_their_path(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["items"][0]["unit_price"] = 5760.0
    errors = _errors("contract", data)
    assert errors["items-0-unit_price"] == ["不接受浮点数，请以字符串填写（如 \"1234.50\"）"]


def test_unknown_keys_are_reported_not_dropped(sample_of: Sample) -> None:
    data = sample_of("termination_announcement")
    data["reasons"] = "typo"
    assert _errors("termination_announcement", data) == {"reasons": ["未知字段"]}


def test_a_document_must_be_an_object() -> None:
    assert _errors("contract", ["not", "an", "object"]) == {"": ["文书数据必须是 JSON 对象"]}


@pytest.mark.parametrize("code", KIND_CODES)
def test_a_wizard_post_and_json_validate_to_the_same_document(code: str, sample_of: Sample
                                                             ) -> None:
    posted = MultiDict(list(to_formdata(sample_of(code)).items(multi=True)))
    assert validate(code, posted) == validate(code, sample_of(code))
    for step in get_kind(code).steps:
        result = validate_step(code, step.slug, posted)
        assert result.ok, (step.slug, result.errors)


def test_validate_step_reports_only_its_own_fields() -> None:
    result = validate_step("contract", "items", {"items": [{"name": "台式计算机"}]})
    assert not result.ok
    assert set(result.errors) == {"items-0-specification", "items-0-quantity", "items-0-unit",
                                  "items-0-unit_price", "items-0-amount", "total_amount"}
    assert result.form.items.entries[0].form.name.data == "台式计算机"


def test_validate_step_applies_rules_to_its_own_fields(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["total_amount"] = "1.00"
    result = validate_step("contract", "items", data)
    assert result.errors == {"total_amount": ["合计金额应等于各行金额之和 345,600.00 元"]}


def test_money_typed_with_thousands_separators_is_read(sample_of: Sample) -> None:
    data = sample_of("contract")
    data["items"][0]["unit_price"] = "5,760.00"
    data["total_amount"] = "345,600"
    assert validate("contract", data).data["total_amount"] == Decimal("345600.00")


@pytest.mark.parametrize(
    ("code", "change", "path", "message"),
    [
        ("contract", lambda d: d["items"][0].update(amount="345600.01"), "items-0-amount",
         "金额应为数量×单价＝345,600.00元"),
        ("contract", lambda d: d.update(total_amount="-1"), "total_amount",
         "合同总价（元）必须大于0"),
        ("procurement_plan", lambda d: d.update(agreement_term_months=13),
         "agreement_term_months", "货物项目框架协议期限不得超过12个月"),
        ("procurement_plan", lambda d: d.update(agreement_type="open"),
         "second_stage_methods", "开放式框架协议的第二阶段只能采用直接选定方式"),
        ("solicitation", lambda d: d.update(elimination_rate="15"), "elimination_rate",
         "淘汰率不得低于20%"),
        ("solicitation", lambda d: d.update(consumables_years=2), "consumables_years",
         "专用耗材报价年限（年）应在3到10之间"),
        ("collection_announcement", lambda d: d.update(agreement_type="open"),
         "join_application", "开放式框架协议须填写申请加入方式及提交材料"),
        ("shortlist_announcement", lambda d: d["lots"][0].update(highest_price="5000.00"),
         "lots-0-suppliers-0-agreement_price", "入围价格不能高于该包最高入围价格"),
        ("shortlist_announcement", lambda d: d.update(evaluation_method="quality_first"),
         "lots-0-lowest_score", "质量优先法须填写最低入围得分"),
        ("evaluation_report", lambda d: d["suppliers"][3].update(shortlisted=True),
         "suppliers", "5家通过资格审查，至少淘汰2家，入围不得超过3家"),
        ("evaluation_report", lambda d: d["suppliers"][5].update(rejection_reason=""),
         "suppliers-5-rejection_reason", "资格审查不通过的，须写明原因"),
        ("framework_agreement", lambda d: d["products"][0].update(agreement_price="6600.00"),
         "products-0-agreement_price", "协议价格不得高于最高限制单价 6,500.00 元"),
        ("framework_agreement", lambda d: d.update(term_end=s.iso_day(s.TERM_START + 366)),
         "term_end",
         "框架协议期限不得超过12个月"),
        ("requirements", lambda d: d.update(goods_function=""), "goods_function",
         "请填写功能要求"),
        ("bidding_announcement", lambda d: d.update(start_time=s.iso_time(s.BIDDING - 1, "09:00")),
         "start_time", "竞价开始时间不能早于公告发布时间"),
        ("deal_announcement", lambda d: d.update(deal_amount="345600.01"), "deal_amount",
         "合计金额应等于各行金额之和 345,600.00 元"),
        ("opening_record", lambda d: d.update(decryption_minutes=20), "decryption_minutes",
         "解密时限（分钟）应在30到600之间"),
        ("entrustment_agreement", lambda d: d.update(authority_end=s.iso_day(s.ENTRUSTED - 1)),
         "authority_end", "代理期限的结束日期不能早于开始日期"),
        ("intention_announcement", lambda d: d["intentions"].clear(), "intentions-0-project_name",
         "请填写采购项目名称"),
    ],
)
def test_domain_rules_give_chinese_messages(code: str, change: Callable[[dict[str, Any]], Any],
                                            path: str, message: str, sample_of: Sample) -> None:
    data = sample_of(code)
    change(data)
    assert message in _errors(code, data)[path]


def test_the_survey_needs_three_purchasers(sample_of: Sample) -> None:
    data = sample_of("requirements")
    data["surveyed_purchasers"].pop()
    assert _errors("requirements", data) == {"surveyed_purchasers": ["至少需要3家采购人"]}


def test_contract_amounts_are_computed_from_quantity_and_unit_price() -> None:
    from documents.kinds.parts import computed_amounts

    typed = {"items-0-quantity": "60", "items-0-unit_price": "5,760.00",
             "items-0-amount": "1", "items-1-quantity": "3", "items-1-unit_price": "0.335",
             "total_amount": "9"}
    assert computed_amounts(typed, "items", "total_amount") == {
        "items-0-amount": "345600.00", "items-1-amount": "1.01",  # half up to the fen
        "total_amount": "345601.01"}
    unfinished = {**typed, "items-1-unit_price": "abc"}
    assert computed_amounts(unfinished, "items", "total_amount") == {
        "items-0-amount": "345600.00"}  # the total waits for every row
    assert get_kind("contract").computed_amounts == ("items", "total_amount")


def test_a_rule_across_fields_of_one_step_is_shown_beside_its_field() -> None:
    """合计 that is not the sum of the rows: the step fails and the field carries the reason."""
    data = get_kind("contract").sample()
    data["total_amount"] = "1.00"
    result = validate_step("contract", "items", to_formdata(data))
    assert not result.ok
    assert result.form.total_amount.errors == ["合计金额应等于各行金额之和 345,600.00 元"]
