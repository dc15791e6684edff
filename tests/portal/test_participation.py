"""参与项目 / 获取征集文件, and the notices suppliers who joined get on change and termination."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

import documents
from portal import storage
from portal.domain import lifecycle, participation, projects, sealing
from portal.domain.errors import TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Notice,
    Participation,
    Project,
    ProjectStatus,
    User,
    beijing_now,
)
from tests.helpers import approve_and_seal, csrf_token, draft, published_call

pytestmark = pytest.mark.db


def user(db: Any, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


@pytest.fixture
def open_call(app, db, demo_keys) -> Project:
    return published_call(app, db, -timedelta(days=1), timedelta(days=9))


def join(client: Any, project: Project, **fields: str) -> Any:
    page = client.get(f"/participation/{project.id}").get_data(as_text=True)
    data = {"contact": "王工", "phone": "0471-6601234", "email": "wang@example.cn", **fields}
    return client.post(f"/participation/{project.id}", data={**data,
                                                              "csrf_token": csrf_token(page)})


def test_a_supplier_joins_and_obtains_the_sealed_solicitation(
        db, open_call, signed_in) -> None:
    announcement = participation.opening_of(db, open_call).announcement
    board_page = signed_in("gys_mfr").get(f"/announcements/{announcement.id}")
    assert f'href="/participation/{open_call.id}"' in board_page.get_data(as_text=True)
    client = signed_in("gys_mfr")
    listing = client.get("/participation").get_data(as_text=True)
    assert open_call.name in listing and "参与项目" in listing
    assert client.get(f"/participation/{open_call.id}/solicitation.pdf").status_code == 403

    joined = join(client, open_call)
    assert joined.status_code == 302
    page = client.get(joined.headers["Location"]).get_data(as_text=True)
    assert "已确认参与" in page and "下载征集文件" in page
    pdf = client.get(f"/participation/{open_call.id}/solicitation.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"

    db.expire_all()
    solicitation = projects.solicitation_of(db, open_call)
    revision = solicitation.current_revision
    assert pdf.data == storage.read(sealing.current_pdf(db, revision), ".pdf")
    assert b"/ByteRange" in pdf.data  # the sealed bytes, not the bare rendering
    record = db.scalar(select(Participation))
    assert (record.contact, record.phone, record.revision_id) == ("王工", "0471-6601234",
                                                                  revision.id)
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "project", AuditEvent.subject_id == str(open_call.id)))
    assert {"participation.joined", "solicitation.obtained"} <= set(actions)
    listing = client.get("/participation").get_data(as_text=True)
    assert "已获取征集文件的项目" in listing and "尚未下载" not in listing


def test_bad_contact_details_are_refused_with_the_entries_kept(db, open_call,
                                                                signed_in) -> None:
    client = signed_in("gys_mfr")
    refused = join(client, open_call, contact="", phone="12345", email="not-an-address")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "请填写联系人" in page and "请输入有效的手机号码或固定电话" in page
    assert "请输入有效的电子邮箱" in page
    assert 'value="12345"' in page and 'value="not-an-address"' in page  # nothing lost
    assert db.scalar(select(Participation)) is None


def test_joining_twice_outside_the_period_or_as_a_non_supplier_is_refused(
        app, db, demo_keys, signed_in, monkeypatch) -> None:
    later = published_call(app, db, timedelta(days=2), timedelta(days=9))
    client = signed_in("gys_mfr")
    assert later.name not in client.get("/participation").get_data(as_text=True)
    refused = join(client, later)
    assert refused.status_code == 409 and "不在征集文件获取时间内" in refused.get_data(as_text=True)

    now = beijing_now() + timedelta(days=3)
    participation.join(db, user(db, "gys_mfr"), later, "王工", "13800000000", "a@b.cn", now)
    from portal.domain.errors import Forbidden, InvalidInput

    with pytest.raises(InvalidInput, match="已参与"):
        participation.join(db, user(db, "gys_mfr"), later, "王工", "13800000000", "a@b.cn", now)
    # two clerks confirming at once: the second finds the first's record only at the database
    monkeypatch.setattr(participation, "of_org", lambda *_: None)
    with pytest.raises(InvalidInput, match="已参与"):
        participation.join(db, user(db, "gys_mfr"), later, "王工", "13800000000", "a@b.cn", now)
    monkeypatch.undo()
    assert len(db.scalars(select(Participation)).all()) == 1
    with pytest.raises(Forbidden):
        participation.join(db, user(db, "cg_clerk"), later, "李", "13800000000", "a@b.cn", now)
    assert signed_in("cg_clerk").get("/participation").status_code == 403


def test_termination_notifies_the_suppliers_who_joined_and_no_one_else(
        app, db, open_call, signed_in) -> None:
    mfr = signed_in("gys_mfr")
    assert join(mfr, open_call).status_code == 302
    request = draft(db, open_call, "termination_request", "终止采购申请")
    lifecycle.submit(db, user(db, "zj_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    clerk = signed_in("zj_clerk")
    link = f"/documents/new?kind=termination_announcement&amp;project={open_call.id}"
    assert link in clerk.get("/todo").get_data(as_text=True)  # 待编制终止公告
    termination = draft(db, open_call, "termination_announcement", "终止公告")
    assert "待编制终止公告" not in clerk.get("/todo").get_data(as_text=True)
    approve_and_seal(app, db, termination)
    lifecycle.publish(db, user(db, "zj_clerk"), termination, None)
    assert open_call.status is ProjectStatus.terminated

    notices = db.scalars(select(Notice)).all()
    assert [n.org_id for n in notices] == [user(db, "gys_mfr").org_id]
    assert "项目终止" in notices[0].subject and open_call.number in notices[0].body
    todo = mfr.get("/todo").get_data(as_text=True)
    assert "未读消息" in todo and notices[0].subject in todo
    assert "未读消息" not in signed_in("gys_reseller").get("/todo").get_data(as_text=True)

    page = mfr.get("/notices").get_data(as_text=True)
    assert f"/announcements/{termination.id}" in page  # links to the termination announcement
    outsider = signed_in("gys_service")
    other_page = outsider.get("/notices").get_data(as_text=True)
    assert outsider.post(f"/notices/{notices[0].id}/read",
                         data={"csrf_token": csrf_token(other_page)}).status_code == 404
    assert mfr.post(f"/notices/{notices[0].id}/read",
                    data={"csrf_token": csrf_token(page)}).status_code == 302
    db.expire_all()
    assert notices[0].read_at is not None and "未读消息" not in mfr.get("/todo").get_data(
        as_text=True)
    listing = mfr.get("/participation").get_data(as_text=True)
    assert "已终止" in listing


def test_a_change_notifies_and_hands_over_the_new_solicitation_once_sealed(
        app, db, open_call, signed_in) -> None:
    mfr = signed_in("gys_mfr")
    join(mfr, open_call)
    first = mfr.get(f"/participation/{open_call.id}/solicitation.pdf").data
    solicitation = projects.solicitation_of(db, open_call)
    lifecycle.reopen_for_change(db, user(db, "zj_clerk"), solicitation, None)
    # while the change is drafted, the last sealed solicitation is still what is handed over
    assert mfr.get(f"/participation/{open_call.id}/solicitation.pdf").data == first
    approve_and_seal(app, db, solicitation)
    clerk = signed_in("zj_clerk")
    todo = clerk.get("/todo").get_data(as_text=True)  # seed 000 §一 8.2: reached from 我的待办
    link = f"/documents/new?kind=change_announcement&amp;project={open_call.id}"
    assert "待编制变更公告" in todo and link in todo
    form = clerk.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert '<option selected value="change_announcement">' in form
    assert f'<option selected value="{open_call.id}">' in form
    change = draft(db, open_call, "change_announcement", "变更公告")
    assert "待编制变更公告" not in clerk.get("/todo").get_data(as_text=True)
    approve_and_seal(app, db, change)
    lifecycle.publish(db, user(db, "zj_clerk"), change, None)

    notice = db.scalar(select(Notice))
    assert "项目变更" in notice.subject and notice.document_id == change.id
    second = mfr.get(f"/participation/{open_call.id}/solicitation.pdf").data
    assert second != first
    db.expire_all()
    record = db.scalar(select(Participation))
    assert record.revision_id == solicitation.revisions[-1].id and len(solicitation.revisions) == 2


def test_after_reorganisation_joining_and_downloads_wait_for_the_new_rounds_call(
        app, db, open_call, signed_in) -> None:
    """终止 → 重新组织征集: the terminated round's announcement opens nothing; joining and
    downloading follow the current round's published call only."""
    assert join(signed_in("gys_mfr"), open_call).status_code == 302
    request = draft(db, open_call, "termination_request", "终止采购申请")
    lifecycle.submit(db, user(db, "zj_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    termination = draft(db, open_call, "termination_announcement", "终止公告")
    approve_and_seal(app, db, termination)
    lifecycle.publish(db, user(db, "zj_clerk"), termination, None)
    again = lifecycle.create_draft(
        db, user(db, "zj_clerk"), "reorganisation", "重新组织征集", project_id=open_call.id,
        start_from={**documents.get_kind("reorganisation").sample(),
                    "project_number": open_call.number})
    lifecycle.submit(db, user(db, "zj_clerk"), again, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), again, None)
    assert open_call.status is ProjectStatus.active and open_call.round == 2

    now = beijing_now()
    assert participation.opening_of(db, open_call) is None
    assert open_call not in [o.project for o in participation.openings(db, now)]
    with pytest.raises(TransitionNotAllowed, match="征集公告尚未发布"):
        participation.join(db, user(db, "gys_reseller"), open_call, "郭敏", "0472-6900007",
                           "guo@example.cn", now)
    with pytest.raises(TransitionNotAllowed, match="本轮征集公告尚未发布"):
        participation.hand_over(db, user(db, "gys_mfr"), open_call)
    download = signed_in("gys_mfr").get(f"/participation/{open_call.id}/solicitation.pdf")
    assert download.status_code == 404  # no open call to download from
