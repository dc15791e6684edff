"""企业信息 and 产品管理 (seed 000 §二 2.2 and 3): a manufacturer's clerk enters products of a
published lot's 品目, edits them until they are stocked (入库), copies a stocked one to change
it, links accessories and consumables; a reseller enters none; only the organisation's own
stocked products of the lot's 品目 answer a lot, and a refused answer loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.domain import accounts, audit, open_applications, products, responses
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Position,
    Product,
    ProductKind,
    SupplierKind,
    beijing_now,
)
from portal.views.auth import hasher
from tests.helpers import csrf_token
from tests.portal.test_participation import user
from tests.portal.test_responses import ANSWERS, call  # noqa: F401 - a fixture
from tests.product_setup import lot_category

pytestmark = pytest.mark.db

PARAMETERS = "国产八核处理器，16GB内存，512GB固态硬盘"


def details(category: str, kind: ProductKind = ProductKind.product, **changes: str,
            ) -> products.ProductDetails:
    given = {"brand": "曙光", "model": "W330-Z", "parameters": PARAMETERS, "unit": "台",
             **changes}
    return products.ProductDetails(kind, category, given["brand"], given["model"],
                                   given["parameters"], given["unit"])


def entered(db: Any, username: str, category: str, *, stocked: bool = False,
            kind: ProductKind = ProductKind.product, **changes: str) -> Product:
    clerk = user(db, username)
    product = products.enter(db, clerk, details(category, kind, **changes))
    if stocked:
        products.stock(db, clerk, product)
    return product


def actions(db: Any, product: Product) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "product", AuditEvent.subject_id == str(product.id))
        .order_by(AuditEvent.seq)))


def form_data(client: Any, path: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf_token(client.get(path).get_data(as_text=True)), **fields}


# ---- the domain --------------------------------------------------------------------------------

def test_a_product_is_edited_until_stocked_and_changed_afterwards_only_as_a_copy(
        db, call) -> None:  # noqa: F811
    category = lot_category(db, call)
    clerk = user(db, "gys_mfr")
    product = entered(db, "gys_mfr", category)
    assert product.stocked_at is None and product.org_id == clerk.org_id
    products.edit(db, clerk, product, details(category, model="W330-Z2", unit="套"))
    assert (product.model, product.unit) == ("W330-Z2", "套")
    products.stock(db, clerk, product)
    assert product.stocked_at is not None
    with pytest.raises(TransitionNotAllowed, match="已入库，不能修改；如需修改，请复制"):
        products.edit(db, clerk, product, details(category, model="W330-Z3"))
    with pytest.raises(TransitionNotAllowed):
        products.stock(db, clerk, product)
    twin = products.copy(db, clerk, product)
    assert twin.id != product.id and twin.stocked_at is None
    assert (twin.category, twin.brand, twin.model, twin.parameters) == (
        product.category, product.brand, "W330-Z2", PARAMETERS)
    products.edit(db, clerk, twin, details(category, model="W330-Z3"))
    assert product.model == "W330-Z2"  # the stocked one is untouched
    assert actions(db, product) == ["product.entered", "product.edited", "product.stocked"]
    assert actions(db, twin) == ["product.copied", "product.edited"]
    assert audit.verify_chain(db).ok


def test_a_category_of_no_published_lot_and_missing_fields_are_refused_field_by_field(
        db, call) -> None:  # noqa: F811
    with pytest.raises(products.ProductInvalid) as refused:
        products.enter(db, user(db, "gys_mfr"), details(
            "不存在的品目", brand=" ", model="M" * 201, parameters="", unit="台"))
    assert set(refused.value.errors) == {"category", "brand", "model", "parameters"}
    assert "请从已发布征集文件的采购包品目中选择" in refused.value.errors["category"][0]
    assert "型号不超过 200 个字" in refused.value.errors["model"][0]
    assert db.scalar(select(Product)) is None


def test_a_reseller_enters_no_products_until_its_profile_says_it_makes_them(
        db, call) -> None:  # noqa: F811
    category = lot_category(db, call)
    reseller = user(db, "gys_reseller")
    assert reseller.org.supplier_kind is SupplierKind.reseller
    assert not products.may_manage(reseller)
    with pytest.raises(Forbidden, match="代理商不能录入产品"):
        products.enter(db, reseller, details(category))
    org = reseller.org
    products.update_profile(db, reseller, products.Profile(
        org.address, org.contact, org.phone, SupplierKind.manufacturer))
    assert entered(db, "gys_reseller", category).org_id == org.id
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "supplier.profile_updated"))
    assert event.detail["before"]["supplier_kind"] == "reseller"
    assert event.detail["after"]["supplier_kind"] == "manufacturer"


def test_only_a_suppliers_clerk_maintains_the_profile_and_bad_details_are_refused(
        db, call) -> None:  # noqa: F811
    mfr = user(db, "gys_mfr")
    profile = products.Profile("呼和浩特市金桥开发区腾飞路5号", "孙伟", "0471-6900006",
                               SupplierKind.manufacturer)
    watcher = accounts.create_user(db, actor=None, hasher=hasher(), username="gys_mfr_rv",
                                   display_name="审核员", password="Kuangcai@2026x",
                                   org=mfr.org, positions=frozenset({Position.reviewer}))
    for outsider in (user(db, "zj_clerk"), watcher):
        with pytest.raises(Forbidden, match="只有供应商的经办岗可以维护企业信息"):
            products.update_profile(db, outsider, profile)
        with pytest.raises(Forbidden):
            products.enter(db, outsider, details(lot_category(db, call)))
    with pytest.raises(products.ProductInvalid) as refused:
        products.update_profile(db, mfr, products.Profile(" ", "", "12345",
                                                          SupplierKind.manufacturer))
    assert set(refused.value.errors) == {"address", "contact", "phone"}
    db.refresh(mfr.org)
    assert mfr.org.phone == "0471-6900006"


def test_another_organisations_products_and_parts_are_out_of_reach(
        db, call) -> None:  # noqa: F811
    category = lot_category(db, call)
    theirs = entered(db, "gys_mfr", category)
    their_part = entered(db, "gys_mfr", category, kind=ProductKind.accessory, model="托架")
    service = user(db, "gys_service")
    with pytest.raises(NotFound):
        products.own(db, service, theirs.id)
    for command in (products.stock, products.copy):
        with pytest.raises(NotFound):
            command(db, service, theirs)
    with pytest.raises(NotFound):
        products.edit(db, service, theirs, details(category))
    mine = entered(db, "gys_service", category, brand="洁安")
    with pytest.raises(InvalidInput, match="只能关联本单位录入的配件或耗材"):
        products.link_parts(db, service, mine, [their_part.id])
    with pytest.raises(InvalidInput, match="只能关联本单位录入的配件或耗材"):
        products.link_parts(db, service, mine, [mine.id])  # a product is no part
    assert mine.parts == [] and theirs.stocked_at is None


def test_accessories_and_consumables_are_linked_to_a_product_and_unlinked(
        db, call) -> None:  # noqa: F811
    category = lot_category(db, call)
    clerk = user(db, "gys_mfr")
    product = entered(db, "gys_mfr", category, stocked=True)
    tray = entered(db, "gys_mfr", category, kind=ProductKind.accessory, model="键盘托架")
    toner = entered(db, "gys_mfr", category, kind=ProductKind.consumable, model="清洁套装")
    products.link_parts(db, clerk, product, [tray.id, toner.id])
    assert product.parts == [tray, toner]
    with pytest.raises(InvalidInput, match="配件或耗材只能关联到产品上"):
        products.link_parts(db, clerk, tray, [toner.id])
    products.link_parts(db, clerk, product, [toner.id])
    assert product.parts == [toner]
    assert products.copy(db, clerk, product).parts == [toner]
    assert actions(db, product)[-1] == "product.parts_linked"


def test_only_own_stocked_products_of_the_lots_category_answer_a_lot_and_refusals_lose_nothing(
        db, call) -> None:  # noqa: F811
    category = lot_category(db, call)
    clerk = user(db, "gys_mfr")
    response = responses.draft_for(db, clerk, call, "01")
    with pytest.raises(InvalidInput, match=f"本单位没有品目为“{category}”的已入库产品，请先在"):
        responses.save_answers(db, clerk, response, {**ANSWERS, "product_id": ""},
                               beijing_now())
    mine = entered(db, "gys_mfr", category, stocked=True)
    responses.save_answers(db, clerk, response, {**ANSWERS, "product_id": str(mine.id),
                                                 "brand": "typed", "model": "typed"},
                           beijing_now())
    kept = dict(response.answers)
    assert (kept["brand"], kept["model"], kept["parameters"]) == (
        "曙光", "W330-Z", PARAMETERS)  # from the product, not as typed

    unstocked = entered(db, "gys_mfr", category, model="W330-未入库")
    part = entered(db, "gys_mfr", category, stocked=True, kind=ProductKind.accessory)
    other_lot = entered(db, "gys_mfr", lot_category(db, call, "02"), stocked=True)
    theirs = entered(db, "gys_service", category, stocked=True, brand="他人")
    for wrong in (unstocked, part, other_lot, theirs):
        with pytest.raises(InvalidInput, match=f"请选择本单位品目为“{category}”的已入库产品"):
            responses.save_answers(db, clerk, response, {
                **ANSWERS, "product_id": str(wrong.id), "unit_price": "5000.00"},
                beijing_now())
        db.rollback()
        db.refresh(response)
        assert response.answers == kept
    assert products.stocked_for(db, clerk.org, category) == [mine]
    assert open_applications.stocked_products(db, clerk.org_id, category) == [mine]


# ---- the pages ---------------------------------------------------------------------------------

def test_the_profile_page_saves_with_a_token_and_shows_errors_with_a_400(
        db, call, signed_in) -> None:  # noqa: F811
    client = signed_in("gys_mfr")
    page = client.get("/supplier/profile").get_data(as_text=True)
    org = user(db, "gys_mfr").org
    assert org.uscc in page and "供应商类型" in page
    fields = {"supplier_kind": "manufacturer", "address": "呼和浩特市新城区新华大街1号",
              "contact": "孙伟", "phone": "12345"}
    assert client.post("/supplier/profile", data=fields).status_code == 400  # no token
    reply = client.post("/supplier/profile", data={**fields, "csrf_token": csrf_token(page)})
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert "请输入有效的手机号码或固定电话" in text and "呼和浩特市新城区新华大街1号" in text
    reply = client.post("/supplier/profile", data={**fields, "phone": "0471-6900099",
                                                   "csrf_token": csrf_token(page)})
    assert reply.status_code == 302
    db.refresh(org)
    assert (org.address, org.phone) == ("呼和浩特市新城区新华大街1号", "0471-6900099")
    assert "已保存企业信息" in client.get("/supplier/profile").get_data(as_text=True)


def test_entering_editing_stocking_and_linking_through_the_pages(
        db, call, signed_in) -> None:  # noqa: F811
    category = lot_category(db, call)
    client = signed_in("gys_mfr")
    page = client.get("/products/new").get_data(as_text=True)
    assert category in page
    typed = {"category": category, "brand": "曙光", "model": "", "parameters": PARAMETERS,
             "unit": "台"}
    assert client.post("/products/new", data=typed).status_code == 400  # no token
    reply = client.post("/products/new", data={**typed, "csrf_token": csrf_token(page)})
    assert reply.status_code == 400
    assert "请填写型号" in reply.get_data(as_text=True) and PARAMETERS in reply.get_data(
        as_text=True)
    assert db.scalar(select(Product)) is None
    reply = client.post("/products/new", data={**typed, "model": "W330-Z",
                                               "csrf_token": csrf_token(page)})
    assert reply.status_code == 302
    product = db.scalar(select(Product))
    assert product.stocked_at is None and product.parameters == PARAMETERS

    edit = f"/products/{product.id}/edit"
    reply = client.post(edit, data=form_data(client, edit, **{**typed, "model": "W330-Z2"}))
    assert reply.status_code == 302
    stock = f"/products/{product.id}/stock"
    client.post(stock, data={})  # no token: refused, nothing stocked
    db.refresh(product)
    assert product.model == "W330-Z2" and product.stocked_at is None
    assert client.post(stock, data=form_data(client, "/products")).status_code == 302
    db.refresh(product)
    assert product.stocked_at is not None
    reply = client.get(edit)
    assert reply.status_code == 409 and "请复制为新产品" in reply.get_data(as_text=True)

    accessory = "/products/new?kind=accessory"
    client.post(accessory, data=form_data(client, accessory, **{**typed, "model": "托架"}))
    tray = db.scalar(select(Product).where(Product.kind == ProductKind.accessory))
    parts = f"/products/{product.id}/parts"
    assert "托架" in client.get(parts).get_data(as_text=True)
    reply = client.post(parts, data=form_data(client, parts, parts=str(tray.id)))
    assert reply.status_code == 302
    db.refresh(product)
    assert product.parts == [tray]
    listing = client.get("/products?state=stocked").get_data(as_text=True)
    assert "W330-Z2" in listing and "曙光 托架" in listing  # the product with its part


def test_a_reseller_is_told_why_it_cannot_enter_products(db, call, signed_in) -> None:  # noqa: F811
    client = signed_in("gys_reseller")
    assert "代理商不能录入产品" in client.get("/products").get_data(as_text=True)
    reply = client.get("/products/new")
    assert reply.status_code == 403 and "代理商不能录入产品" in reply.get_data(as_text=True)
    data = form_data(client, "/products", category=lot_category(db, call), brand="蒙讯",
                     model="X", parameters="p", unit="台")
    assert client.post("/products/new", data=data).status_code == 403
    assert db.scalar(select(Product)) is None


def test_another_suppliers_product_pages_are_not_found_and_other_roles_are_refused(
        db, call, signed_in) -> None:  # noqa: F811
    product = entered(db, "gys_mfr", lot_category(db, call))
    other = signed_in("gys_service")
    token = form_data(other, "/products")
    for path in (f"/products/{product.id}/edit", f"/products/{product.id}/parts"):
        assert other.get(path).status_code == 404
    for path in ("edit", "stock", "copy", "parts"):
        assert other.post(f"/products/{product.id}/{path}", data=token).status_code == 404
    collector = signed_in("zj_clerk")
    assert collector.get("/products").status_code == 403
    assert collector.get("/supplier/profile").status_code == 403
    assert "W330-Z" not in other.get("/products").get_data(as_text=True)
    db.refresh(product)
    assert product.stocked_at is None


def test_the_response_form_offers_only_stocked_products_and_refuses_others_keeping_the_answers(
        db, call, signed_in) -> None:  # noqa: F811
    category = lot_category(db, call)
    client = signed_in("gys_mfr")
    lot = f"/responses/{call.id}/01"
    page = client.get(lot).get_data(as_text=True)
    assert "不能响应本包" in page and "去产品管理录入并入库" in page
    stocked = entered(db, "gys_mfr", category, stocked=True, model="W330-入库")
    entered(db, "gys_mfr", category, model="W330-未入库")
    theirs = entered(db, "gys_service", category, stocked=True, model="他人-入库")
    page = client.get(lot).get_data(as_text=True)
    assert "W330-入库" in page and "W330-未入库" not in page and "他人-入库" not in page
    answers = {"delivery_period": "合同签订后7日内", "delivery_place": "呼和浩特市新城区",
               "unit_price": "5873.45", "csrf_token": csrf_token(page)}
    reply = client.post(lot, data={**answers, "product_id": str(theirs.id)})
    assert reply.status_code == 400
    text = reply.get_data(as_text=True)
    assert f"请选择本单位品目为“{category}”的已入库产品" in text
    assert "呼和浩特市新城区" in text and "5873.45" in text  # nothing typed is lost
    reply = client.post(lot, data={**answers, "product_id": str(stocked.id)})
    assert reply.status_code == 302
    response = responses.find(db, user(db, "gys_mfr").org_id, responses.call_of(db, call), "01")
    assert response.answers["product_id"] == str(stocked.id)
    assert response.answers["model"] == "W330-入库"
