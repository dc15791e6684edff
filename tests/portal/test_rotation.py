"""顺序轮候: call-offs go round the lot's suppliers in the shortlist's order, passing over (and
saying why) a supplier that cannot take one now; every assignment is appended to a hash-chained
ledger that any change, removal or reordering breaks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.domain import rotation
from portal.domain.errors import Forbidden, TransitionNotAllowed
from portal.models import Document, OrderStatus, ShortlistedStatus, beijing_now
from tests.delegation_setup import user
from tests.order_setup import in_force

pytestmark = pytest.mark.db
WHERE = {"delivery_address": "东风路12号", "contact": "刘洋", "phone": "0471-6900004"}


def _with_rotation(db, world) -> None:
    for row in world.setup.suppliers:
        doc = db.get(Document, row.agreement.document_id)
        doc.current_revision.data = {**doc.current_revision.data,
                                     "second_stage_methods": ["direct_selection", "rotation"]}
    db.commit()


def _assign(db, world, quantity="2"):
    return rotation.assign(db, user(db, "cg_clerk"), world.setup.project, "01", world.plan, 1,
                           quantity, today=beijing_now().date(), **WHERE)


@pytest.fixture
def world(demo, db):
    return in_force(db)


def test_call_offs_go_round_in_the_published_order_passing_over_a_suspended_supplier(
        db, world) -> None:
    with pytest.raises(TransitionNotAllowed, match="未约定顺序轮候"):
        _assign(db, world)
    _with_rotation(db, world)
    with pytest.raises(Forbidden):
        rotation.assign(db, user(db, "cg_reviewer"), world.setup.project, "01", world.plan, 1,
                        "2", today=beijing_now().date(), **WHERE)
    first, second = world.setup.suppliers  # ranks 1 and 2
    made = [_assign(db, world) for _ in range(3)]
    assert [e.supplier_name for _o, e in made] == [first.name, second.name, first.name]
    order, entry = made[0]
    assert order.status is OrderStatus.created and order.seller.name == first.name
    assert order.total == Decimal("11780.00")  # 2 × its agreement price, 5,890.00
    assert entry.order_number == order.number

    second.status = ShortlistedStatus.suspended
    db.commit()
    _order, passed_over = _assign(db, world)
    assert passed_over.supplier_name == first.name
    assert passed_over.skipped == [{"supplier": second.name, "reason": "已暂停"}]
    assert [e.seq for e in rotation.ledger(db, world.setup.project, "01")] == [1, 2, 3, 4]
    assert rotation.verify(db, world.setup.project, "01") is None


def test_the_ledger_is_hash_chained_and_a_changed_or_removed_entry_breaks_it(db, world) -> None:
    _with_rotation(db, world)
    for _ in range(4):
        _assign(db, world)
    project = world.setup.project
    entries = rotation.ledger(db, project, "01")
    assert entries[0].prev_hash == rotation.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    entries[1].supplier_name = "内蒙古某某公司"  # rewriting history…
    db.commit()
    assert rotation.verify(db, project, "01") == 2
    entries[1].supplier_name = world.setup.suppliers[1].name
    db.commit()
    assert rotation.verify(db, project, "01") is None
    db.delete(entries[2])  # …or dropping an entry
    db.commit()
    assert rotation.verify(db, project, "01") == 4


def test_the_public_page_and_the_command_check_the_chain(app, db, world, database_url,
                                                         monkeypatch) -> None:
    from click.testing import CliRunner
    from sqlalchemy import update

    from portal.cli import main
    from portal.models import RotationEntry

    _with_rotation(db, world)
    for _ in range(3):
        _assign(db, world)
    project = world.setup.project
    page = app.test_client().get(f"/agreements/{project.id}").get_data(as_text=True)
    assert "哈希链校验通过：共 3 条" in page
    assert rotation.ledger(db, project, "01")[2].hash in page  # anyone can recompute it
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KUANGCAI_ENV", "test")
    good = CliRunner().invoke(main, ["rotation", "verify", project.number])
    assert good.exit_code == 0 and "共 3 条，哈希链完整" in good.output, good.output
    db.execute(update(RotationEntry).where(RotationEntry.seq == 2)
               .values(purchaser_name="包头市第一医院"))
    db.commit()
    bad = CliRunner().invoke(main, ["rotation", "verify", project.number])
    assert bad.exit_code == 1 and "自第 2 条起" in bad.output
    page = app.test_client().get(f"/agreements/{project.id}").get_data(as_text=True)
    assert "哈希链校验失败：自第 2 条起" in page


def test_a_purchaser_orders_by_rotation_from_the_product_page(db, world, signed_in) -> None:
    from tests.helpers import csrf_token

    buyer = signed_in("cg_clerk")
    key = f"{world.setup.suppliers[1].id}-0"  # any offer of the lot
    assert "轮候下单" not in buyer.get(f"/catalogue/{key}").get_data(as_text=True)
    _with_rotation(db, world)
    page = buyer.get(f"/catalogue/{key}").get_data(as_text=True)
    assert "顺序轮候下单" in page
    fields = {"csrf_token": csrf_token(page), "quantity": "3",
              "plan_line": f"{world.plan.id}:1", "delivery_address": "东风路12号",
              "contact": "刘洋", "phone": "0471-6900004"}
    refused = buyer.post(f"/catalogue/{key}/rotation", data={**fields, "quantity": "0"})
    assert refused.status_code == 400 and "数量须大于零" in refused.get_data(as_text=True)
    done = buyer.post(f"/catalogue/{key}/rotation", data=fields)
    assert done.status_code == 302
    (entry,) = rotation.ledger(db, world.setup.project, "01")
    assert entry.supplier_name == world.setup.suppliers[0].name  # rank 1's turn, not the page's
    assert "按顺序轮候，本次由" in buyer.get(done.headers["Location"]).get_data(as_text=True)
