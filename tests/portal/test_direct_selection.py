"""直接选定, services: the purchaser publishes a project to a shortlisted service supplier (a plan
line of the service's 品目 reserves quantity × agreement price), the supplier quotes never above
its agreement price and may quote again, the purchaser confirms (an accepted order at the quoted
price, spending its amount instead of the reservation) or ends it with a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.domain import direct_selection, order_contracts
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import OrderStatus, SelectionStatus, beijing_now
from tests.delegation_setup import user
from tests.helpers import csrf_token
from tests.order_setup import SERVICE_PRICE, in_force, service_in_force

pytestmark = pytest.mark.db
REQUEST = direct_selection.Request(
    requirement="教学楼及宿舍楼日常保洁、秩序维护，每日7:00–19:00。", quantity="12", unit="月",
    contact="刘洋", phone="0471-6900004", office_phone="0471-6900000",
    delivery_address="呼和浩特市新城区东风路12号")


@pytest.fixture
def service(demo, db):
    return service_in_force(db)


def _key(service) -> str:
    return f"{service.shortlisted.id}-0"


def _publish(db, service, **changes):
    from dataclasses import replace

    return direct_selection.publish(db, user(db, "cg_clerk"), _key(service), service.plan,
                                    changes.pop("line", 1), replace(REQUEST, **changes),
                                    beijing_now().date())


def _spent(db, service) -> Decimal:
    return plans.lines(db, service.plan)[0].spent


def test_quoted_at_most_the_agreement_price_then_confirmed_into_an_order(db, service) -> None:
    selection = _publish(db, service)
    assert selection.status is SelectionStatus.quoting and selection.cap_price == SERVICE_PRICE
    assert _spent(db, service) == Decimal("540000.00")  # 12 × 45,000.00 reserved
    today, provider = beijing_now().date(), user(db, "gys_service")
    for outsider in ("gys_mfr", "cg_clerk"):
        with pytest.raises(Forbidden):
            direct_selection.quote(db, user(db, outsider), selection, "44000", "", today)
    with pytest.raises(TransitionNotAllowed):  # nothing quoted yet
        direct_selection.confirm(db, user(db, "cg_clerk"), selection)
    with pytest.raises(InvalidInput, match="报价 45,000.01 元高于协议价格 45,000.00 元"):
        direct_selection.quote(db, provider, selection, "45000.01", "", today)
    direct_selection.quote(db, provider, selection, "44000.00", "含保洁耗材", today)
    direct_selection.quote(db, provider, selection, "43500", "含保洁耗材，另赠绿化养护", today)
    assert selection.status is SelectionStatus.to_confirm
    assert direct_selection.quote_total(selection) == Decimal("522000.00")

    order = direct_selection.confirm(db, user(db, "cg_clerk"), selection)
    assert selection.status is SelectionStatus.succeeded and selection.order_id == order.id
    assert order.status is OrderStatus.accepted
    assert order.seller.name == "呼和浩特市洁安物业服务有限公司"
    (line,) = order.lines
    assert (line.category, line.quantity, line.unit, line.unit_price, line.amount) == (
        "物业管理服务", Decimal("12.00"), "月", Decimal("43500.00"), Decimal("522000.00"))
    assert _spent(db, service) == Decimal("522000.00")  # the order's amount, once
    assert order_contracts.may_draft(user(db, "gys_service"), order)  # the contract follows
    with pytest.raises(TransitionNotAllowed):
        direct_selection.quote(db, provider, selection, "43000", "", today)


def test_publishing_is_refused_for_another_category_an_overspent_line_or_goods(db, service) -> None:
    with pytest.raises(InvalidInput, match="品目是台式计算机"):
        _publish(db, service, line=2)
    with pytest.raises(InvalidInput, match="剩余 540,000.00 元，本次 585,000.00 元"):
        _publish(db, service, quantity="13")
    with pytest.raises(InvalidInput, match="服务需求"):
        _publish(db, service, requirement="  ")
    goods = in_force(db)
    with pytest.raises(InvalidInput, match="入围服务库"):
        direct_selection.publish(db, user(db, "cg_clerk"), f"{goods.setup.suppliers[0].id}-0",
                                 service.plan, 2, REQUEST, beijing_now().date())
    with pytest.raises(Forbidden):
        direct_selection.publish(db, user(db, "cg_reviewer"), _key(service), service.plan, 1,
                                 REQUEST, beijing_now().date())
    assert direct_selection.of_org(db, user(db, "cg_clerk").org_id) == []
    assert _spent(db, service) == Decimal("0.00")


def test_ended_with_a_reason_releases_the_plan(db, service) -> None:
    selection = _publish(db, service)
    buyer = user(db, "cg_clerk")
    with pytest.raises(InvalidInput, match="原因"):
        direct_selection.end(db, buyer, selection, " ")
    with pytest.raises(Forbidden):
        direct_selection.end(db, user(db, "gys_service"), selection, "不做了")
    direct_selection.end(db, buyer, selection, "需求调整，改为下学期采购")
    assert selection.status is SelectionStatus.ended and _spent(db, service) == Decimal("0.00")
    with pytest.raises(TransitionNotAllowed):
        direct_selection.quote(db, user(db, "gys_service"), selection, "40000", "",
                               beijing_now().date())
    with pytest.raises(NotFound):
        direct_selection.load(db, user(db, "gys_mfr"), selection.id)


def test_published_quoted_and_confirmed_through_the_pages(db, service, signed_in) -> None:
    buyer = signed_in("cg_clerk")
    product = buyer.get(f"/catalogue/{_key(service)}").get_data(as_text=True)
    assert f'href="/selections/new/{_key(service)}"' in product and "加入购物车" not in product
    form = buyer.get(f"/selections/new/{_key(service)}").get_data(as_text=True)
    assert f'value="{service.plan.id}:1"' in form and f'value="{service.plan.id}:2"' not in form
    fields = {"csrf_token": csrf_token(form), "requirement": REQUEST.requirement,
              "quantity": "12", "unit": "月", "plan_line": f"{service.plan.id}:1",
              "delivery_address": REQUEST.delivery_address, "contact": "刘洋",
              "phone": "0471-6900004", "office_phone": ""}
    refused = buyer.post(f"/selections/new/{_key(service)}", data={**fields, "quantity": "13"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "剩余 540,000.00 元" in page and REQUEST.requirement in page  # nothing lost
    response = buyer.post(f"/selections/new/{_key(service)}", data=fields)
    assert response.status_code == 302
    (selection,) = direct_selection.of_org(db, user(db, "cg_clerk").org_id)

    provider = signed_in("gys_service")
    assert "直接选定待报价" in provider.get("/todo").get_data(as_text=True)
    page = provider.get(f"/selections/{selection.id}").get_data(as_text=True)
    high = provider.post(f"/selections/{selection.id}/quote", data={
        "csrf_token": csrf_token(page), "unit_price": "46000", "note": ""})
    assert high.status_code == 400 and "高于协议价格" in high.get_data(as_text=True)
    assert provider.post(f"/selections/{selection.id}/quote", data={
        "csrf_token": csrf_token(page), "unit_price": "44000", "note": ""}).status_code == 302
    assert signed_in("gys_mfr").get(f"/selections/{selection.id}").status_code == 404

    page = buyer.get(f"/selections/{selection.id}").get_data(as_text=True)
    assert "44,000.00" in page and "528,000.00" in page and "确认成交结果" in page
    done = buyer.post(f"/selections/{selection.id}/confirm", data={
        "csrf_token": csrf_token(page)})
    db.expire_all()
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/orders/{selection.order_id}")
    assert "起草合同" in provider.get(f"/orders/{selection.order_id}").get_data(as_text=True)
