"""The demo board: announcements of every kind, published through the real lifecycle, each
sealed kind carrying valid seals of its parties, and seeding twice adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from sqlalchemy import func, select

from documents.kind import BOARD_CATEGORIES
from portal import storage, verification
from portal.demo_board import seed_board
from portal.domain import lifecycle, participation, sealing
from portal.models import (
    Announcement,
    AuditEvent,
    DocumentStatus,
    Organisation,
    Project,
    beijing_now,
)

pytestmark = pytest.mark.db


def test_seed_board_publishes_every_kind_with_valid_seals_and_only_once(
        app, demo_keys, db) -> None:
    published = seed_board(db)
    rows = db.scalars(select(Announcement)).all()
    assert 24 <= published == len(rows) <= 36
    assert {a.board_category for a in rows} == set(BOARD_CATEGORIES)
    assert len({a.region_code for a in rows}) >= 3
    assert len({a.local_region_code for a in rows}) >= 4
    assert len({a.collector_org_id for a in rows if a.collector_org_id}) >= 3
    assert len({a.title for a in rows}) == len(rows)
    for a in rows:
        assert a.document.status is DocumentStatus.published
        sha = sealing.current_pdf(db, a.revision)
        assert sha is not None, a.title
        sealers = lifecycle.sealers(a.document)
        if sealers:
            report = verification.verify(db, storage.read(sha, ".pdf")).report
            assert report.ok, a.title
            assert [s.org_name for s in report.signatures] == [
                db.get(Organisation, a.document.party_org_id(role)).name for role in sealers
            ], a.title
    # published by the commands, so the audit trail records each publication
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "document.published")) == published

    # one call is open today, entrusted to an agency: collector and agency sealed it
    call = next(a for a in rows if a.project_number == "NMGZC-KJ-2027-0020")
    assert lifecycle.sealers(call.document) == ("collector", "agency")
    opening = participation.opening_of(db, db.get(Project, call.document.project_id))
    assert opening is not None and opening.is_open(beijing_now())
    solicitation = participation.sealed_solicitation(db, opening.project)
    assert solicitation is not None
    # the sealed 征集文件 tells the announcement's story: project, parties, deadline
    said = call.document.current_revision.data
    assert solicitation.data["project_name"] == said["project_name"] == opening.project.name
    assert solicitation.data["submission_deadline"] == said["submission_deadline"]
    assert solicitation.data["opening_time"] == said["opening_time"]
    assert opening.project.agency.name in solicitation.data["invitation"]
    assert "打印机" not in solicitation.data["pricing_rules"]  # a furniture call

    assert seed_board(db) == 0
    assert db.scalar(select(func.count()).select_from(Announcement)) == published


@pytest.mark.parametrize("day", [date(2028, 2, 9), date(2030, 10, 2)])
def test_the_demo_board_seeds_on_any_day(day, app, db, demo) -> None:
    """Its dates move with the day of seeding: calls behind, call-off biddings ahead (a
    bidding that starts in the past is refused), obtaining periods around holidays."""
    from portal.demo import seed_credentials

    with time_machine.travel(datetime.combine(day, time(1, 0), tzinfo=UTC), tick=True):
        seed_credentials(db)
        published = seed_board(db)
        assert published >= 24
        rows = db.scalars(select(Announcement)).all()
        biddings = [a for a in rows if a.board_category == "bidding"]
        assert biddings and all(a.revision.data["start_time"] > day.isoformat()
                                for a in biddings)


def test_the_demo_goods_projects_budgets_are_their_lots_at_the_maximum_prices() -> None:
    """立项, 需求 and the lots tell one story: a goods budget is what its lots cost at their
    maximum unit prices and estimated quantities (services are priced per month and area)."""
    from decimal import Decimal

    from portal.demo_board import PROJECTS, open_call_project

    for p in [*PROJECTS, open_call_project()]:
        if p.category == "goods":
            lots = sum(Decimal(lot[2]) * Decimal(lot[4]) for lot in p.lots)
            assert Decimal(p.budget) == lots, p.name


def test_every_pool_expert_of_the_demo_gets_a_personal_certificate_once(app, demo, db) -> None:
    """Whichever panel a draw seats can seal its 评审报告 in the demo."""
    from portal.demo import seed_credentials, seed_expert_credentials
    from portal.domain import credentials
    from portal.models import Expert, HolderType

    seed_credentials(db)
    seed_expert_credentials(db)
    pool = db.scalars(select(Expert).where(Expert.active)).all()
    assert len(pool) >= 8
    for expert in pool:
        (held,) = credentials.active_credentials(db, expert.user)
        assert held.holder_type is HolderType.person and held.subject_code == expert.id_number
    assert seed_expert_credentials(db) == []


def test_the_demo_furniture_maker_has_stocked_products_for_both_lots_of_the_open_call(
        app, demo_keys, db) -> None:
    """A supplier can answer the call the demo opens today as soon as the demo starts; the
    other demo suppliers stay as they are (蒙讯 a reseller, which enters no products)."""
    from portal.demo_board import open_call_project
    from portal.demo_products import ACCOUNT, seed_products
    from portal.domain import credentials, products
    from portal.models import ProductKind, SupplierKind, User
    from portal.views.auth import hasher

    seed_board(db)
    listed = seed_products(db, hasher())
    clerk = db.scalar(select(User).where(User.username == ACCOUNT[0]))
    assert listed == [(clerk.username, clerk.org.name, "clerk、reviewer")]
    assert clerk.org.supplier_kind is SupplierKind.manufacturer
    assert credentials.org_key(db, clerk.org_id) is not None
    for _name, category, *_rest in open_call_project().lots:
        assert len(products.stocked_for(db, clerk.org, category)) == 1, category
    desk = products.stocked_for(db, clerk.org, open_call_project().lots[0][1])[0]
    assert [p.kind for p in desk.parts] == [ProductKind.accessory]
    reseller = db.scalar(select(User).where(User.username == "gys_reseller"))
    assert reseller.org.supplier_kind is SupplierKind.reseller
    assert products.of_org(db, reseller.org_id) == []
    seed_products(db, hasher())  # again: nothing more
    assert len(products.of_org(db, clerk.org_id)) == 3


def test_the_demo_has_agreements_in_force_and_a_purchaser_ready_to_buy(app, demo_keys, db) -> None:
    """Stage two can be tried at once: the shortlisted suppliers with accounts have signed,
    the collector has sealed, and 呼和浩特市第一中学 has an approved plan for every lot."""
    from portal.demo_agreements import PLAN_LINES, seed_agreements
    from portal.domain import agreements, catalogue
    from portal.domain import purchasing_plans as plans
    from portal.models import User

    seed_board(db)
    assert seed_agreements(db) == 6
    buyer = db.scalar(select(User).where(User.username == "cg_clerk"))
    offers = catalogue.offers(db, buyer.org, beijing_now().date())
    assert {(o.category, o.seller.name) for o in offers} == {
        (lot, seller) for lot, *_ in PLAN_LINES
        for seller in ("北方信创计算机有限公司", "内蒙古蒙讯科技有限公司")}
    project = db.scalar(select(Project).where(Project.number == "NMGZC-KJ-2027-0011"))
    generated = agreements.of_project(db, project)
    assert len(generated) == 6 and all(agreements.is_sealed(db, g.agreement) for g in generated)
    (plan,) = plans.usable_of(db, buyer.org_id)
    assert [line.category for line in plans.lines(db, plan)] == [c for c, *_ in PLAN_LINES]
    assert seed_agreements(db) == 0  # once
