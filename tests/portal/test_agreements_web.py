"""The 框架协议 page of a project: who sees it, who may act, and what a refusal looks like."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from portal.domain import agreements
from portal.models import FilingStatus, Region
from tests.agreement_setup import (
    approved_agreements,
    fully_sealed,
    published_shortlist,
    supplier_seals,
)
from tests.helpers import csrf_token, user

pytestmark = pytest.mark.db


def post(client: Any, path: str, page: str, **data: Any) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(
        client.get(page).get_data(as_text=True))})


def test_the_organiser_generates_from_the_page_and_nothing_is_made_twice(
        app, db, demo_keys, signed_in) -> None:
    project = published_shortlist(app, db)
    clerk = signed_in("zj_clerk")
    page = f"/projects/{project.id}/agreements"
    assert "生成框架协议" in clerk.get(page).get_data(as_text=True)
    for _ in range(2):
        assert post(clerk, f"{page}/generate", page).status_code == 302
    shown = clerk.get(page).get_data(as_text=True)
    assert shown.count('id="agreement-row-') == 2 and "5,600.00" in shown and "5,890.00" in shown
    assert len(agreements.of_project(db, project)) == 2
    # the project page links it
    assert page in clerk.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "待生成框架协议" not in clerk.get("/todo").get_data(as_text=True)


def test_only_the_organisers_clerk_may_generate(app, db, demo_keys, signed_in) -> None:
    project = published_shortlist(app, db)
    page = f"/projects/{project.id}/agreements"
    assert "待生成框架协议" in signed_in("zj_clerk").get("/todo").get_data(as_text=True)
    reviewer = signed_in("zj_reviewer")
    assert post(reviewer, f"{page}/generate", page).status_code == 403
    assert agreements.of_project(db, project) == []
    assert signed_in("zj_clerk").post(f"{page}/generate").status_code == 400  # no CSRF token


def test_a_supplier_sees_its_own_agreement_and_strangers_see_nothing(
        app, db, demo_keys, signed_in) -> None:
    project = published_shortlist(app, db)
    approved_agreements(app, db, project)
    page = f"/projects/{project.id}/agreements"
    mine = signed_in("gys_mfr").get(page).get_data(as_text=True)
    assert user(db, "gys_mfr").org.name in mine and "协议签订" in mine
    assert user(db, "gys_service").org.name not in mine
    assert post(signed_in("gys_mfr"), f"{page}/generate", page).status_code == 403
    for stranger in ("gys_reseller", "hn_clerk", "fj_clerk"):
        assert signed_in(stranger).get(page).status_code == 404


def test_one_click_is_refused_with_the_names_of_suppliers_yet_to_seal(
        app, db, demo_keys, signed_in) -> None:
    project = published_shortlist(app, db)
    approved_agreements(app, db, project)
    supplier_seals(app, db, project, "gys_service")
    page = f"/projects/{project.id}/agreements"
    refused = post(signed_in("zj_clerk"), f"{page}/seal-all", page)
    assert refused.status_code == 409
    assert user(db, "gys_mfr").org.name in refused.get_data(as_text=True)
    assert agreements.batch(db, project) == []
    assert post(signed_in("gys_service"), f"{page}/seal-all", page).status_code == 403


def test_the_regulator_receives_or_returns_a_filing_from_the_page(
        app, db, demo_keys, signed_in) -> None:
    from portal.domain import agreement_filing as filing

    project = fully_sealed(app, db)
    region = db.scalar(select(Region).where(Region.code == "150000"))
    filing.set_required(db, user(db, "cz_reviewer"), region, True)
    page = f"/projects/{project.id}/agreements"
    clerk = signed_in("zj_clerk")
    assert "框架协议待报送备案" in clerk.get("/todo").get_data(as_text=True)
    assert post(clerk, f"{page}/file", page).status_code == 302
    first, second = (g.agreement for g in agreements.of_project(db, project))
    regulator = signed_in("cz_reviewer")
    assert "框架协议待备案" in regulator.get("/todo").get_data(as_text=True)
    assert post(clerk, f"/agreements/{first.id}/filing/receive", page).status_code == 403
    assert post(regulator, f"/agreements/{first.id}/filing/receive", page).status_code == 302
    kept = post(regulator, f"/agreements/{second.id}/filing/return", page, reason="")
    assert kept.status_code == 400 and "退回时必须填写退回原因" in kept.get_data(as_text=True)
    typed = "x" * 501
    too_long = post(regulator, f"/agreements/{second.id}/filing/return", page, reason=typed)
    assert too_long.status_code == 400 and typed in too_long.get_data(as_text=True)
    assert post(regulator, f"/agreements/{second.id}/filing/return", page,
                reason="缺少授权书").status_code == 302
    db.expire_all()
    assert (first.filing_status, second.filing_status) == (FilingStatus.received,
                                                           FilingStatus.returned)
    assert "缺少授权书" in clerk.get(page).get_data(as_text=True)


def test_only_the_administrator_sets_filing_per_region(app, db, demo_keys, signed_in) -> None:
    admin = signed_in("cz_reviewer")
    page = "/oversight/agreement-filing"
    assert "河南省" in admin.get(page).get_data(as_text=True)
    assert signed_in("zj_clerk").get(page).status_code == 403
    region = db.scalar(select(Region).where(Region.code == "150000"))
    assert post(admin, page, page, region=region.id, required="1").status_code == 302
    assert post(signed_in("zj_clerk"), page, "/todo", region=region.id,
                required="0").status_code == 403
    from portal.domain import agreement_filing as filing

    assert dict((r.code, v) for r, v in filing.settings(db))["150000"] is True
