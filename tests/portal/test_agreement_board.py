"""框架协议公示 on the board: per lot the active suppliers, the removed ones with reason and
date, confirmed resellers with delivery regions and prices, products, and the OCDS record,
whose shortlist release names the shortlisted suppliers as parties with the role supplier."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain import delegations
from portal.domain import shortlisted_admin as admin
from portal.models import Region
from tests.delegation_setup import agreement_project, org, user
from tests.evaluation_setup import _blank_pdf

pytestmark = pytest.mark.db


@pytest.fixture
def shortlisted(demo, db):
    return agreement_project(db, "NMGZC-T14-0401")


def test_the_public_page_lists_suppliers_resellers_and_products(app, db, shortlisted) -> None:
    one, two = shortlisted.suppliers
    d = delegations.delegate(db, user(db, "gys_mfr"), one, org(db, "内蒙古蒙讯科技有限公司"),
                             "委托书.pdf", _blank_pdf())
    anonymous = app.test_client()
    url = f"/agreements/{shortlisted.project.id}"
    page = anonymous.get(url).get_data(as_text=True)
    assert one.name in page and two.name in page and "世恒TD120" in page
    assert "内蒙古蒙讯科技有限公司" not in page  # not confirmed yet
    delegations.confirm(db, user(db, "zj_clerk"), d)
    baotou = db.scalar(select(Region).where(Region.code == "150200"))
    delegations.set_regions(db, user(db, "gys_mfr"), d, [baotou.id])
    delegations.set_price(db, user(db, "gys_reseller"), d, Decimal("5800.00"))
    response = anonymous.get(url)
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-cache"
    assert "内蒙古蒙讯科技有限公司" in page and baotou.name in page and "5,800.00" in page
    assert f"/ocds/records/ocds-kuangcai-{shortlisted.project.number}.json" in page
    assert anonymous.get("/agreements/999999").status_code == 404


def test_a_removal_shows_on_the_public_page_at_once(app, db, shortlisted) -> None:
    one = shortlisted.suppliers[0]
    anonymous = app.test_client()
    url = f"/agreements/{shortlisted.project.id}"
    before = anonymous.get(url).get_data(as_text=True)
    assert f'id="public-supplier-{one.id}"' in before and "已清退" not in before
    admin.change_status(db, user(db, "zj_clerk"), one, "remove", "提供虚假材料谋取入围")
    after = anonymous.get(url).get_data(as_text=True)
    active_part = after.split("暂停或清退的供应商")[0]
    assert f'id="public-supplier-{one.id}"' not in active_part
    removed_part = after.split("暂停或清退的供应商")[1]
    assert one.name in removed_part and "提供虚假材料谋取入围" in removed_part
    assert "已清退" in removed_part


def test_the_shortlist_release_lists_the_shortlisted_suppliers_as_parties(app, db,
                                                                          shortlisted) -> None:
    ocid = f"ocds-kuangcai-{shortlisted.project.number}"
    record = app.test_client().get(f"/ocds/records/{ocid}.json").get_json()
    releases = record["records"][0]["releases"]
    award = next(r for r in releases if r["tag"] == ["award"])
    suppliers = [p for p in award["parties"] if "supplier" in p["roles"]]
    assert sorted(p["identifier"]["id"] for p in suppliers) == sorted(
        s.uscc for s in shortlisted.suppliers)
    assert {s["name"] for s in award["awards"][0]["suppliers"]} == {
        s.name for s in shortlisted.suppliers}
    tender = next(r for r in releases if r["tag"] == ["tender"])
    assert not any("supplier" in p["roles"] for p in tender["parties"])


def test_the_shortlist_announcement_links_the_agreement_page(app, db, shortlisted) -> None:
    page = app.test_client().get(f"/announcements/{shortlisted.shortlist.id}")
    assert page.status_code == 200
    assert f'href="/agreements/{shortlisted.project.id}"' in page.get_data(as_text=True)
