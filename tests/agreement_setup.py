"""Set-up for framework-agreement tests: a published 入围结果公告 with its 入围供应商, the
agreements generated and approved, sealed by the suppliers, then by the collector.

The sample project is run by 内蒙古自治区政府采购中心 itself (zj_clerk / zj_reviewer). Lot 01 is
evaluated by price with three responses; two are shortlisted: 呼和浩特市洁安物业服务有限公司
(gys_service) at 5,600.00 and 北方信创计算机有限公司 (gys_mfr) at 5,890.00. Needs ``demo_keys``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from portal.demo import DEMO_PIN
from portal.domain import agreements, lifecycle, projects, sealing
from portal.domain import evaluation as ev
from portal.models import CreditResult, Document, Project, Verdict
from tests.evaluation_setup import (
    EVIDENCE,
    experts,
    opened,
    seat,
    solicitation_project,
    suppliers,
)
from tests.helpers import OPINION, approve_and_seal, seal_as, user, work

#: The shortlisted suppliers' accounts, in rank order (5,600.00 then 5,890.00).
SUPPLIER_ACCOUNTS = ("gys_service", "gys_mfr")
PRICES = ("5890.00", "6050.00", "5600.00")  # beifang, mengxun, jiean


def confirmed_lot(app: Any, db: Any) -> Project:
    """Lot 01 confirmed: every response qualified and passed, the 20% eliminated."""
    project = solicitation_project(app, db, elimination_rate="20")
    panel = [seat(e.id, e.display_name, "内蒙古大学", True, i == 0)
             for i, e in enumerate(experts(db))]
    clerk = user(db, "zj_clerk")
    evaluation = ev.start(db, clerk, project, "01", opened(suppliers(db)[:3], list(PRICES)),
                          panel)
    for entry in evaluation.entries:
        ev.record_credit(db, clerk, evaluation, entry.id, CreditResult.clean, "无不良记录",
                         EVIDENCE)
        ev.record_qualification(db, clerk, evaluation, entry.id, Verdict.passed, "", Decimal(0))
    ev.finish_qualification(db, clerk, evaluation)
    leader = db.get(type(clerk), next(m.user_id for m in evaluation.members if m.leader))
    for entry in ev.qualified(evaluation):
        ev.record_substantive(db, leader, evaluation, entry.id, Verdict.passed, "")
    ev.submit_review(db, leader, evaluation)
    ev.confirm(db, clerk, evaluation)
    return project


def published_shortlist(app: Any, db: Any) -> Project:
    """The 入围结果公告 of the confirmed lot sealed and published: its two 入围供应商 exist."""
    project = confirmed_lot(app, db)
    doc = projects.draft_document(
        db, user(db, "zj_clerk"), project, "shortlist_announcement", "入围结果公告",
        start_from={"project_contact": {"name": "王丽", "phone": "0471-6945678"}})
    approve_and_seal(app, db, doc)
    lifecycle.publish(db, user(db, "zj_clerk"), doc, None)
    return project


def approved_agreements(app: Any, db: Any, project: Project) -> list[Any]:
    """生成框架协议, submitted by the clerk, approved with an opinion, rendered."""
    made = agreements.generate(db, user(db, "zj_clerk"), project)
    agreements.submit_all(db, user(db, "zj_clerk"), project)
    for agreement in made:
        lifecycle.approve(db, user(db, "zj_reviewer"), db.get(Document, agreement.document_id),
                          None, OPINION)
    work(app)
    db.expire_all()
    return made


def supplier_seals(app: Any, db: Any, project: Project, username: str) -> None:
    """The supplier ``username`` seals and submits its own agreement(s)."""
    org_id = user(db, username).org_id
    for generated in agreements.of_project(db, project):
        if generated.agreement.shortlisted.supplier_org_id == org_id:
            sealing.confirm(db, user(db, username), seal_as(app, db, generated.document,
                                                            username))
    db.expire_all()


def collector_seals_all(app: Any, db: Any, project: Project, pin: str = DEMO_PIN) -> None:
    """一键签订: start, the jobs prepare, one PIN, the jobs finish, submit."""
    clerk = user(db, "zj_clerk")
    agreements.start_collector_sealing(db, clerk, project)
    work(app)
    db.expire_all()
    agreements.sign_all(db, clerk, project, pin)
    work(app)
    db.expire_all()
    agreements.confirm_all(db, clerk, project)
    db.expire_all()


def fully_sealed(app: Any, db: Any, project: Project | None = None) -> Project:
    """A published shortlist (``project``'s, or a new one) whose agreements every supplier and
    the collector have sealed."""
    project = project or published_shortlist(app, db)
    approved_agreements(app, db, project)
    for username in SUPPLIER_ACCOUNTS:
        supplier_seals(app, db, project, username)
    collector_seals_all(app, db, project)
    return project
