"""Stage one part 2 through the real commands, in order: three suppliers respond (one withdraws
and resubmits, one decrypts too late and is excluded), experts are drawn and check in, the lot is
opened and recorded, the panel evaluates by price, the agency confirms, and the 入围结果公告
drafted from the evaluation is reviewed, sealed and published with the computed shortlist."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from portal.demo import DEMO_PIN
from portal.domain import (
    evaluation,
    expert_draws,
    lifecycle,
    opening,
    opening_record,
    panels,
    participation,
    projects,
    responses,
)
from portal.domain.errors import TransitionNotAllowed
from portal.models import (
    Announcement,
    CreditResult,
    DocumentStatus,
    EvaluationStatus,
    Region,
    Verdict,
    beijing_now,
)
from tests.evaluation_setup import EVIDENCE
from tests.helpers import OPINION, seal_as, user, work
from tests.portal.test_experts import FURNITURE
from tests.portal.test_responses import (
    call,  # noqa: F401 - a fixture
    deadline,
    drafted,
)
from tests.product_setup import answers_for

pytestmark = pytest.mark.db


def test_from_responses_to_the_published_shortlist(app, db, call) -> None:  # noqa: F811
    participation.join(db, user(db, "gys_service"), call, "韩梅", "0471-6601234",
                       "han@example.cn", beijing_now())
    # 响应: 北方信创 at 5,800.00 withdraws and resubmits at 5,750.00
    mfr = drafted(db, call, "gys_mfr", unit_price="5800.00")
    responses.submit(db, user(db, "gys_mfr"), mfr, DEMO_PIN, beijing_now())
    responses.withdraw(db, user(db, "gys_mfr"), mfr, DEMO_PIN, beijing_now())
    responses.save_answers(db, user(db, "gys_mfr"), mfr, answers_for(db, "gys_mfr", call, {
        "brand": "曙光", "model": "W330", "parameters": "国产八核", "delivery_period": "7日内",
        "delivery_place": "呼和浩特市", "unit_price": "5750.00"}), beijing_now())
    responses.submit(db, user(db, "gys_mfr"), mfr, DEMO_PIN, beijing_now())
    for name, price in (("gys_reseller", "6100.00"), ("gys_service", "5990.00")):
        responses.submit(db, user(db, name), drafted(db, call, name, unit_price=price),
                         DEMO_PIN, beijing_now())

    # 专家抽取: three experts and a reserve, drawn once the agency's reviewer approves
    draw = expert_draws.request(db, user(db, "dl_clerk"), call, expert_draws.DrawRequest(
        FURNITURE, db.scalar(select(Region).where(Region.code == "150000")), 3, 1, ()))
    expert_draws.approve_and_draw(db, user(db, "dl_reviewer"), draw, "同意")
    seats = [s for s in draw.seats if s.on_panel]
    for seat in seats:
        panels.check_in(db, seat.expert.user, seat, "id_number", seat.expert.id_number)
    panels.choose_leader(db, seats[0].expert.user, seats[0], seats[1])

    # 开标: a 30-minute window; 蒙讯 decrypts too late and is excluded
    ends = deadline(db, call) + timedelta(minutes=1)
    with time_machine.travel(ends, tick=False):
        found = opening.open_lot(db, user(db, "dl_clerk"), call, "01", 30, beijing_now())
        for name in ("gys_mfr", "gys_service"):
            opening.decrypt(db, user(db, name), found, DEMO_PIN)
    with time_machine.travel(ends + timedelta(minutes=31), tick=False):
        with pytest.raises(TransitionNotAllowed):
            opening.decrypt(db, user(db, "gys_reseller"), found, DEMO_PIN)
        opening_record.generate_record(db, user(db, "dl_clerk"), call, found)
        for name in ("gys_mfr", "gys_service"):
            opening_record.confirm(db, user(db, name), found, None)

        # 评审 by price: the panel as it checked in, the decrypted responses
        clerk = user(db, "dl_clerk")
        lot = evaluation.begin(db, clerk, call, "01")
        assert {m.user_id for m in lot.members} == {s.expert.user_id for s in seats}
        leader = next(m for m in lot.members if m.leader)
        assert leader.user_id == seats[1].expert.user_id
        excluded = [e for e in lot.entries if not e.decrypted]
        assert [e.supplier_name for e in excluded] == [user(db, "gys_reseller").org.name]
        for entry in lot.entries:
            if entry.decrypted:
                evaluation.record_credit(db, clerk, lot, entry.id, CreditResult.clean,
                                         "信用中国、中国政府采购网查询无不良记录", EVIDENCE)
                evaluation.record_qualification(db, clerk, lot, entry.id, Verdict.passed, "",
                                                Decimal(0))
        evaluation.finish_qualification(db, clerk, lot)
        chair = seats[1].expert.user
        for entry in evaluation.qualified(lot):
            evaluation.record_substantive(db, chair, lot, entry.id, Verdict.passed, "")
        evaluation.submit_review(db, chair, lot)
        result = evaluation.confirm(db, clerk, lot)
    assert lot.status is EvaluationStatus.confirmed
    # two qualified at 30%: ⌈0.6⌉ = 1 eliminated; the resubmitted 5,750.00 is shortlisted
    assert [(r.supplier_name, r.evaluated_price) for r in result.shortlisted] == [
        (user(db, "gys_mfr").org.name, Decimal("5750.00"))]

    # 入围结果公告: drafted by the agency from the evaluation, reviewed and sealed by the
    # collector, published by the agency
    doc = projects.draft_document(db, clerk, call, "shortlist_announcement", "入围结果公告",
                                  start_from={"project_contact": {"name": "李娜",
                                                                  "phone": "0471-3318866"}})
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    work(app)
    db.expire_all()
    from portal.domain import sealing

    sealing.confirm(db, user(db, "zj_clerk"), seal_as(app, db, doc, "zj_clerk"))
    lifecycle.publish(db, clerk, doc, None)  # the drafting agency publishes
    assert doc.status is DocumentStatus.published
    shown = db.scalar(select(Announcement).where(Announcement.document_id == doc.id))
    assert shown is not None
    (published_lot,) = [lot_ for lot_ in doc.current_revision.data["lots"]
                        if lot_["number"] == "01"]
    assert [s["name"] for s in published_lot["suppliers"]] == [user(db, "gys_mfr").org.name]
    assert published_lot["highest_price"] == "5750.00"
