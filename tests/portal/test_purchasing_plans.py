"""采购计划: drafted by the purchaser's clerk, approved by its reviewer, then spent line by line
by call-offs; spending past a line's budget is refused with the figures and leaves nothing
behind; a call-off that falls through gives its spending back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

import documents
from portal.domain import lifecycle
from portal.domain import purchasing_plans as plans
from portal.domain.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from portal.models import AuditEvent, DocumentStatus, PlanSpending
from tests.helpers import user

pytestmark = pytest.mark.db


def drafted_plan(db, clerk="cg_clerk"):
    kind = documents.get_kind(plans.KIND)
    return lifecycle.create_draft(db, user(db, clerk), kind.code, "2027年度教学设备采购计划", {},
                                  start_from=kind.sample())


@pytest.fixture
def approved_plan(demo, db):
    """The sample plan: line 1 台式计算机 360,000.00, line 2 复印纸 10,000.00."""
    plan = drafted_plan(db)
    lifecycle.submit(db, user(db, "cg_clerk"), plan, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), plan, None)
    assert plan.status is DocumentStatus.approved
    return plan


def test_the_plan_takes_the_purchasers_registered_name_and_computes_its_total(demo, db) -> None:
    plan = drafted_plan(db)
    data = lifecycle.draft_formdata(plan)
    assert data["purchaser-name"] == user(db, "cg_clerk").org.name  # from the profile, locked
    assert data["total_budget"] == "370000.00"


def test_line_budgets_and_the_total_are_computed_not_typed(demo, db) -> None:
    plan = drafted_plan(db)
    data = lifecycle.draft_formdata(plan)
    data["lines-0-quantity"] = "50"
    data["lines-0-amount"] = "350000.00"  # typed over: 50 × 6,000.00 is what counts
    data["total_budget"] = "1.00"
    lifecycle.save_step(db, user(db, "cg_clerk"), plan, None, "lines", data)
    saved = lifecycle.draft_formdata(plan)
    assert (saved["lines-0-amount"], saved["total_budget"]) == ("300000.00", "310000.00")
    lifecycle.submit(db, user(db, "cg_clerk"), plan, None)
    assert plan.current_revision.data["total_budget"] == "310000.00"


def test_the_drafter_cannot_approve_and_a_draft_cannot_be_spent(demo, db) -> None:
    plan = drafted_plan(db)
    with pytest.raises(TransitionNotAllowed):
        plans.spend(db, user(db, "cg_clerk"), plan, 1, Decimal("1.00"), "order", 1)
    assert plans.lines(db, plan) == []  # nothing approved yet
    lifecycle.submit(db, user(db, "cg_clerk"), plan, None)
    assert plan.status is DocumentStatus.in_review
    assert plans.usable_of(db, plan.owner_org_id) == []


def test_spending_within_the_budget_is_recorded_and_leaves_the_rest(demo, db,
                                                                    approved_plan) -> None:
    clerk = user(db, "cg_clerk")
    plans.spend(db, clerk, approved_plan, 1, Decimal("345600.00"), "order", 7)
    db.commit()
    line = plans.lines(db, approved_plan)[0]
    assert (line.budget, line.spent, line.remaining) == (
        Decimal("360000.00"), Decimal("345600.00"), Decimal("14400.00"))
    assert plans.lines(db, approved_plan)[1].spent == Decimal("0.00")
    again = plans.spend(db, clerk, approved_plan, 1, Decimal("345600.00"), "order", 7)
    db.commit()  # the same order spends once
    assert again.amount == Decimal("345600.00")
    assert plans.lines(db, approved_plan)[0].spent == Decimal("345600.00")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "plan.spent"))
    assert event.detail["remaining"] == "14400.00" and event.actor_user_id == clerk.id


def test_overspending_a_line_is_refused_with_the_figures_and_records_nothing(
        demo, db, approved_plan) -> None:
    clerk = user(db, "cg_clerk")
    plans.spend(db, clerk, approved_plan, 1, Decimal("350000.00"), "order", 1)
    db.commit()
    with pytest.raises(InvalidInput) as refused:
        plans.spend(db, clerk, approved_plan, 1, Decimal("12000.00"), "order", 2)
    db.rollback()
    message = refused.value.message
    for figure in ("360,000.00", "350,000.00", "10,000.00", "12,000.00"):
        assert figure in message
    assert db.scalar(select(func.count()).select_from(PlanSpending)) == 1
    with pytest.raises(InvalidInput):  # nor a line the plan does not have, nor nothing
        plans.spend(db, clerk, approved_plan, 3, Decimal("1.00"), "order", 3)
    with pytest.raises(InvalidInput):
        plans.spend(db, clerk, approved_plan, 2, Decimal("0"), "order", 4)


def test_a_released_spending_gives_the_budget_back(demo, db, approved_plan) -> None:
    clerk = user(db, "cg_clerk")
    plans.spend(db, clerk, approved_plan, 2, Decimal("10000.00"), "order", 5)
    db.commit()
    assert plans.release(db, clerk, "order", 5, "供应商退回订单：缺货") is not None
    db.commit()
    assert plans.lines(db, approved_plan)[1].remaining == Decimal("10000.00")
    assert plans.release(db, clerk, "order", 5, "again") is None  # nothing left to release
    plans.spend(db, clerk, approved_plan, 2, Decimal("8000.00"), "order", 5)  # re-ordered
    db.commit()
    assert plans.lines(db, approved_plan)[1].remaining == Decimal("2000.00")


def test_only_a_clerk_of_the_plans_purchaser_spends_it(demo, db, approved_plan) -> None:
    for username in ("cg_reviewer", "zj_clerk", "gys_mfr"):
        with pytest.raises(Forbidden):
            plans.spend(db, user(db, username), approved_plan, 1, Decimal("1.00"), "order", 9)
    with pytest.raises(NotFound):  # another organisation's plan does not exist for it
        plans.load(db, user(db, "zj_clerk"), approved_plan.id)


def test_plan_pages_show_budget_spent_and_remaining_to_the_purchaser_only(
        demo, db, approved_plan, signed_in) -> None:
    plans.spend(db, user(db, "cg_clerk"), approved_plan, 1, Decimal("345600.00"), "order", 11)
    db.commit()
    client = signed_in("cg_reviewer")
    listing = client.get("/plans").get_data(as_text=True)
    assert approved_plan.title in listing and "14,400.00" in listing
    page = client.get(f"/plans/{approved_plan.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "345,600.00" in html and "订单 #11" in html
    assert signed_in("zj_clerk").get("/plans").status_code == 403
    assert signed_in("cg_clerk").get("/plans/999999").status_code == 404
