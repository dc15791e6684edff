"""The one document lifecycle: transitions, guards, review, conflicts, rendering by a worker."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import documents
from portal.domain import lifecycle
from portal.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    StepFinished,
    TransitionNotAllowed,
)
from portal.models import AuditEvent, DocumentStatus, Organisation, RenderStatus, User
from tests.helpers import OPINION

pytestmark = pytest.mark.db
S = DocumentStatus


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def org(db, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


@pytest.fixture
def draft_requirements(demo, db):
    """采购需求 drafted from the sample by the collector's clerk: complete, not yet submitted."""
    kind = documents.get_kind("requirements")
    return lifecycle.create_draft(db, user(db, "zj_clerk"), "requirements", "办公设备采购需求",
                                  start_from=kind.sample())


@pytest.fixture
def in_review_requirements(db, draft_requirements):
    lifecycle.submit(db, user(db, "zj_clerk"), draft_requirements, None)
    return draft_requirements


@pytest.fixture
def approved_requirements(db, in_review_requirements):
    lifecycle.approve(db, user(db, "zj_reviewer"), in_review_requirements, None, CHECKS)
    return in_review_requirements


# 采购需求 needs both named reviews' opinions to be approved.
CHECKS = {"general": "内容完整，符合规定", "key": "需求调查充分，分包合理"}

ALL_COMMANDS = {"save", "submit", "approve", "return", "reopen", "seal", "publish", "change"}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("command", sorted(ALL_COMMANDS))
def test_transition_table_allows_exactly_the_lifecycle(status, command) -> None:
    class Doc:
        pass

    doc = Doc()
    doc.status = status
    allowed = lifecycle.TRANSITIONS.get((status, command), frozenset())
    for target in S:
        doc.status = status
        if target in allowed:
            lifecycle.move(doc, command, target)
            assert doc.status is target
        else:
            with pytest.raises(TransitionNotAllowed):
                lifecycle.move(doc, command, target)
    expected = {
        (S.draft, "save"), (S.draft, "submit"), (S.in_review, "approve"),
        (S.in_review, "return"), (S.approved, "reopen"), (S.approved, "seal"),
        (S.approved, "publish"), (S.sealed, "publish"), (S.sealed, "change"),
        (S.published, "change"),
    }
    assert ((status, command) in lifecycle.TRANSITIONS) is ((status, command) in expected)


def test_submit_freezes_a_revision_and_moves_to_review(db, in_review_requirements) -> None:
    doc = in_review_requirements
    assert doc.status is S.in_review
    revision = doc.current_revision
    assert revision.number == 1 and revision.render_status is RenderStatus.queued
    assert revision.data["project_name"]
    assert len(revision.data_sha256) == 64
    assert revision.drafter_ids == [user(db, "zj_clerk").id]


def test_incomplete_draft_cannot_be_submitted_and_says_which_fields(db, demo) -> None:
    doc = lifecycle.create_draft(db, user(db, "zj_clerk"), "requirements", "空白需求")
    with pytest.raises(lifecycle.SubmissionInvalid) as failed:
        lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    assert "project_name" in failed.value.errors
    assert doc.status is S.draft and doc.revisions == []


def test_drafter_cannot_review_own_draft_even_with_the_reviewer_position(db, demo) -> None:
    supplier = user(db, "gys_mfr")  # holds both clerk and reviewer positions
    kind = documents.get_kind("contract")
    purchaser_org = org(db, "呼和浩特市第一中学")
    doc = lifecycle.create_draft(db, supplier, "contract", "办公设备采购合同",
                                 parties={"purchaser": purchaser_org}, start_from=kind.sample())
    lifecycle.submit(db, supplier, doc, None)
    with pytest.raises(Forbidden):
        lifecycle.approve(db, supplier, doc, None)
    assert not lifecycle.may_review(supplier, doc)
    # The contract is confirmed by the purchaser's reviewer, not by the supplier.
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    assert doc.status is S.approved


def test_reviewer_of_another_org_or_a_clerk_cannot_approve(db, in_review_requirements) -> None:
    for outsider in ("zg_reviewer", "dl_reviewer", "zj_clerk", "cz_reviewer"):
        with pytest.raises(Forbidden):
            lifecycle.approve(db, user(db, outsider), in_review_requirements, None)
    assert in_review_requirements.status is S.in_review


def test_return_needs_a_reason_and_sends_the_draft_back(db, in_review_requirements) -> None:
    reviewer = user(db, "zj_reviewer")
    with pytest.raises(InvalidInput, match="退回原因"):
        lifecycle.return_to_drafter(db, reviewer, in_review_requirements, None, "   ")
    lifecycle.return_to_drafter(db, reviewer, in_review_requirements, None,
                                "需求调查情况不足三家供应商")
    doc = in_review_requirements
    assert doc.status is S.draft and doc.returned_reason == "需求调查情况不足三家供应商"
    decision = doc.current_revision.decisions[-1]
    assert decision.decision.value == "returned" and decision.reviewer_id == reviewer.id
    # the draft keeps what was submitted, and the next submission is revision 2
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    assert [r.number for r in doc.revisions] == [1, 2] and doc.returned_reason is None


def test_stale_version_is_a_conflict_and_changes_nothing(db, in_review_requirements) -> None:
    doc = in_review_requirements
    seen = doc.version
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, seen, CHECKS)
    with pytest.raises(Conflict, match="已被他人修改"):
        lifecycle.reopen(db, user(db, "zj_clerk"), doc, seen)
    assert doc.status is S.approved


def test_concurrent_writers_one_wins_one_gets_a_conflict(app, db, in_review_requirements) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from portal.models import Document

    doc_id = in_review_requirements.id
    other = app.extensions["kuangcai.db"]()
    try:
        theirs = other.get(Document, doc_id)
        lifecycle.approve(db, user(db, "zj_reviewer"), db.get(Document, doc_id), None, CHECKS)
        theirs.title = "另一人的修改"
        with pytest.raises(StaleDataError):
            other.commit()
    finally:
        other.close()
    assert db.get(Document, doc_id).status is S.approved


def test_reopen_after_approval_makes_a_new_revision_on_next_submit(db, approved_requirements):
    doc = approved_requirements
    lifecycle.reopen(db, user(db, "zj_clerk"), doc, None)
    assert doc.status is S.draft
    formdata = lifecycle.draft_formdata(doc)
    assert formdata.get("project_name") == doc.revisions[0].data["project_name"]
    lifecycle.submit(db, user(db, "zj_clerk"), doc, None)
    assert doc.revisions[0].data == doc.revisions[1].data
    assert doc.revisions[0].data_sha256 == doc.revisions[1].data_sha256


def test_saving_a_step_keeps_invalid_input_and_reports_it(db, draft_requirements) -> None:
    doc = draft_requirements
    step = documents.get_kind("requirements").steps[0]
    first = next(iter(step.form_class()))
    result = lifecycle.save_step(db, user(db, "zj_clerk"), doc, doc.version, step.slug,
                                 MultiDict([(first.name, "")]))
    assert first.name in result.errors
    assert [first.name, ""] in doc.draft_data


def test_submitted_document_cannot_be_edited(db, in_review_requirements) -> None:
    step = documents.get_kind("requirements").steps[0]
    with pytest.raises(StepFinished):
        lifecycle.save_step(db, user(db, "zj_clerk"), in_review_requirements, None, step.slug,
                            MultiDict())


def test_only_declared_drafters_may_create_a_kind(db, demo) -> None:
    with pytest.raises(Forbidden):
        lifecycle.create_draft(db, user(db, "gys_mfr"), "requirements", "越权起草")
    with pytest.raises(Forbidden):
        lifecycle.create_draft(db, user(db, "zj_reviewer"), "requirements", "审核岗起草")


def test_every_transition_is_audited(db, approved_requirements) -> None:
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "document")
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["document.created", "document.submitted", "document.approved"]


def test_publish_only_board_kinds_after_the_required_steps(db, demo) -> None:
    clerk = user(db, "cg_clerk")
    kind = documents.get_kind("intention_announcement")
    doc = lifecycle.create_draft(db, clerk, kind.code, "2027年度办公设备采购意向",
                                 start_from=kind.sample())
    with pytest.raises(TransitionNotAllowed):
        lifecycle.publish(db, clerk, doc, None)
    lifecycle.submit(db, clerk, doc, None)
    for role in kind.reviewed_by:
        assert role == "purchaser"
        lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    assert not kind.sealed_by  # documents.md: drafted by P, reviewed, published
    lifecycle.publish(db, clerk, doc, None)
    assert doc.status is S.published


def test_a_kind_with_sealers_cannot_be_published_before_sealing(db, demo) -> None:
    clerk = user(db, "zj_clerk")
    kind = documents.get_kind("collection_announcement")
    assert kind.sealed_by == ("collector", "agency") and kind.board_category == "collection"
    assert kind.sealed_if_party == ("agency",)  # sealed by the collector alone here
    assert kind.reviewed_by == ("collector",)
    doc = lifecycle.create_draft(db, clerk, kind.code, "征集公告", start_from=kind.sample())
    lifecycle.submit(db, clerk, doc, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), doc, None, OPINION)
    assert doc.status is S.approved
    with pytest.raises(TransitionNotAllowed, match="盖章"):
        lifecycle.publish(db, clerk, doc, None)
    assert not lifecycle.may_publish(clerk, doc)


def test_requirements_record_general_and_key_review_separately(db, in_review_requirements):
    reviewer = user(db, "zj_reviewer")
    with pytest.raises(InvalidInput, match="重点审查"):
        lifecycle.approve(db, reviewer, in_review_requirements, None, {"general": "符合"})
    assert in_review_requirements.status is S.in_review
    decision = lifecycle.approve(db, reviewer, in_review_requirements, None, CHECKS)
    assert decision.checks == CHECKS
