"""入围供应商管理: contacts (name and uscc locked), 暂停 / 恢复 / 清退 with a reason, the 变更公告
drafted for it, the history, and who may do it."""

from __future__ import annotations

import pytest

from portal.domain import shortlisted_admin as admin
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import Document, ShortlistedStatus
from tests.delegation_setup import agreement_project, user
from tests.helpers import csrf_token

pytestmark = pytest.mark.db


@pytest.fixture
def shortlisted(demo, db):
    return agreement_project(db, "NMGZC-T14-0101")


def test_suspend_resume_and_remove_follow_the_transition_table(demo, db, shortlisted) -> None:
    clerk, s = user(db, "zj_clerk"), shortlisted.suppliers[0]
    project = shortlisted.project
    assert [x.id for x in admin.active_suppliers(db, project, "01")] == \
        [x.id for x in shortlisted.suppliers]
    notice = admin.change_status(db, clerk, s, "suspend", "未按约定供货")
    assert s.status is ShortlistedStatus.suspended and not admin.is_active(s)
    assert s.status_notice_id == notice.id
    assert notice.kind == "change_announcement" and notice.project_id == project.id
    drafted = dict(notice.draft_data)
    assert drafted["corrections-0-target"] == "result"
    assert "未按约定供货" in drafted["corrections-0-new_value"]
    assert s.id not in [x.id for x in admin.active_suppliers(db, project, "01")]
    assert admin.change_status(db, clerk, s, "resume", "整改完成") is None
    assert admin.is_active(s)
    admin.change_status(db, clerk, s, "remove", "提供虚假材料")
    assert s.status is ShortlistedStatus.removed
    for command in admin.COMMANDS:  # 清退 is final
        with pytest.raises(TransitionNotAllowed):
            admin.change_status(db, clerk, s, command, "再试")
    actions = [e.action for e in admin.history(db, s)]
    assert actions == ["shortlisted.suspend", "shortlisted.resume", "shortlisted.remove"]
    assert admin.history(db, s)[-1].detail["reason"] == "提供虚假材料"


@pytest.mark.parametrize("status, command, allowed", [
    (status, command, (status, command) in admin.TRANSITIONS)
    for status in ShortlistedStatus for command in admin.COMMANDS])
def test_every_status_change_is_allowed_or_refused(demo, db, shortlisted, status, command,
                                                   allowed) -> None:
    s = shortlisted.suppliers[1]
    s.status = status
    db.commit()
    if allowed:
        admin.change_status(db, user(db, "zj_clerk"), s, command, "原因")
        assert s.status is admin.TRANSITIONS[(status, command)]
    else:
        with pytest.raises(TransitionNotAllowed):
            admin.change_status(db, user(db, "zj_clerk"), s, command, "原因")


def test_a_reason_is_required_and_only_the_collectors_clerk_may_act(demo, db,
                                                                    shortlisted) -> None:
    s = shortlisted.suppliers[0]
    with pytest.raises(InvalidInput):
        admin.change_status(db, user(db, "zj_clerk"), s, "suspend", "  ")
    for name in ("zj_reviewer", "dl_clerk", "gys_mfr", "zg_clerk"):
        with pytest.raises(Forbidden):
            admin.change_status(db, user(db, name), s, "suspend", "原因")
        with pytest.raises(Forbidden):
            admin.update_contacts(db, user(db, name), s, address="新地址", contact="甲",
                                  phone="1")
    assert s.status is ShortlistedStatus.active


def test_contacts_change_is_audited_and_name_and_uscc_stay(demo, db, shortlisted) -> None:
    s = shortlisted.suppliers[0]
    name, uscc = s.name, s.uscc
    admin.update_contacts(db, user(db, "zj_clerk"), s, address="呼和浩特市新址8号",
                          contact="孙伟", phone="0471-1234567")
    assert (s.address, s.name, s.uscc) == ("呼和浩特市新址8号", name, uscc)
    event = admin.history(db, s)[-1]
    assert event.action == "shortlisted.contacts"
    assert event.detail["after"]["address"] == "呼和浩特市新址8号"


def test_the_management_pages_by_role(demo, db, signed_in, shortlisted) -> None:
    s, project = shortlisted.suppliers[0], shortlisted.project
    clerk = signed_in("zj_clerk")
    page = clerk.get(f"/shortlisted/projects/{project.id}").get_data(as_text=True)
    assert s.name in page and s.uscc in page
    assert signed_in("dl_clerk").get(f"/shortlisted/{s.id}").status_code == 200  # agency reads
    assert signed_in("zg_clerk").get(f"/shortlisted/{s.id}").status_code == 404  # not its own
    assert signed_in("gys_mfr").get(f"/shortlisted/{s.id}").status_code == 403
    token = csrf_token(clerk.get(f"/shortlisted/{s.id}").get_data(as_text=True))
    # an empty reason: 400, the page again with the message
    empty = clerk.post(f"/shortlisted/{s.id}/status",
                       data={"csrf_token": token, "command": "remove", "reason": ""})
    assert empty.status_code == 400 and "请填写原因" in empty.get_data(as_text=True)
    # the agency's clerk may read but not act
    agency = signed_in("dl_clerk")
    token_a = csrf_token(agency.get(f"/shortlisted/{s.id}").get_data(as_text=True))
    refused = agency.post(f"/shortlisted/{s.id}/status",
                          data={"csrf_token": token_a, "command": "remove", "reason": "x"})
    assert refused.status_code == 403
    done = clerk.post(f"/shortlisted/{s.id}/status", data={
        "csrf_token": token, "command": "remove", "reason": "串通投标", "version": s.version})
    assert done.status_code == 302
    db.expire_all()
    assert s.status is ShortlistedStatus.removed
    assert db.get(Document, s.status_notice_id).status.value == "draft"
    shown = clerk.get(f"/shortlisted/{s.id}").get_data(as_text=True)
    assert "串通投标" in shown and "查看起草的变更公告" in shown
    # a stale form (the version it saw) is refused, what was typed is kept
    stale = clerk.post(f"/shortlisted/{s.id}/contacts", data={
        "csrf_token": token, "address": "新地址九号", "contact": "孙伟", "phone": "1",
        "version": "1"})
    assert stale.status_code == 409  # removed: no more changes (the form is gone with it)
