"""OCDS of a call-off by 直接选定: nothing of an order is released until its 合同公告 is published;
then its record holds the award (the order), the contract (both seals) and, once the purchaser
uploads a payment voucher, an implementation release with the payment as a transaction, all
linked to the framework's stage-one process (``framework``) and valid against the schema."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from portal.domain import lifecycle, order_contracts, orders
from portal.models import beijing_now
from tests.delegation_setup import user
from tests.evaluation_setup import _blank_pdf
from tests.order_setup import checked_out, in_force, sealed_contract
from tests.portal.test_board_ocds import _codes, _errors

pytestmark = pytest.mark.db


def test_an_order_is_a_call_off_released_from_its_contract_announcement(app, db,
                                                                        demo_keys) -> None:
    from ocdsmerge import Merger

    from tests.portal.test_board_ocds import _schema

    world = in_force(db)
    order = checked_out(db, world)
    buyer, seller = user(db, "cg_clerk"), user(db, "gys_reseller")
    sealed_contract(app, db, order)
    orders.ship(db, seller, order, company="顺丰速运", tracking="SF1234567890",
                invoice_name="发票.pdf", invoice=_blank_pdf())
    ocid = f"ocds-kuangcai-{order.number}"
    url = f"/ocds/records/{ocid}.json"
    client = app.test_client()
    notice = order_contracts.draft_announcement(db, buyer, order)
    lifecycle.submit(db, buyer, notice, None)
    assert client.get(url).status_code == 404  # a submitted announcement releases nothing
    lifecycle.publish(db, buyer, notice, None)

    package = client.get(url).get_json()
    assert not _errors(package, "record-package-schema.json")
    record = next(r for r in package["records"] if r["ocid"] == ocid)
    assert [r["id"] for r in record["releases"]] == [
        f"award-order-{order.id}", f"contract-order-{order.id}", f"contract-{notice.id}"]
    framework = f"ocds-kuangcai-{world.setup.project.number}"
    for release in record["releases"]:
        assert {p["identifier"]: p["relationship"] for p in release.get(
            "relatedProcesses", [])} in ({framework: ["framework"]}, {})
    compiled = record["compiledRelease"]
    assert compiled["relatedProcesses"][0]["relationship"] == ["framework"]
    (award,), (contract,) = compiled["awards"], compiled["contracts"]  # one of each, shared ids
    assert award["value"] == {"amount": 34800.0, "currency": "CNY"}
    assert award["suppliers"] == [{"id": f"CN-USCC-{order.seller.uscc}",
                                   "name": "内蒙古蒙讯科技有限公司"}]
    assert [(i["quantity"], i["unit"]["value"]["amount"]) for i in award["items"]] == [
        (6.0, 5800.0)]
    assert contract["awardID"] == award["id"] and contract["value"]["amount"] == 34800.0
    signed = beijing_now().date()  # the contract's signing date, 00:00 in Beijing, in UTC
    assert contract["dateSigned"] == f"{signed - timedelta(days=1)}T16:00:00+00:00"
    assert compiled["tender"]["procurementMethod"] in _codes("method.csv")
    assert {"buyer", "supplier"} <= {role for p in compiled["parties"] for role in p["roles"]}

    orders.receive(db, buyer, order)
    orders.upload_acceptance(db, buyer, order, "验收单.pdf", _blank_pdf())
    orders.upload_payment(db, buyer, order, "凭证.pdf", _blank_pdf(), Decimal("30000.00"),
                          beijing_now().date())
    package = client.get(url).get_json()  # the cached record was made again
    assert not _errors(package, "record-package-schema.json")
    record = next(r for r in package["records"] if r["ocid"] == ocid)
    assert record["releases"][-1]["tag"] == ["implementation"]
    (transaction,) = record["compiledRelease"]["contracts"][0]["implementation"]["transactions"]
    assert transaction["value"] == {"amount": 30000.0, "currency": "CNY"}
    assert transaction["payer"]["name"] == "呼和浩特市第一中学"
    assert transaction["payee"]["name"] == "内蒙古蒙讯科技有限公司"
    reference = Merger(schema=_schema("release-schema.json")).create_compiled_release(
        record["releases"])
    assert {k: v for k, v in record["compiledRelease"].items() if v != []} == reference
