"""消息通知: notices to organisations, and the unread ones on each user's 我的待办."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain import audit
from portal.domain.errors import Forbidden
from portal.models import Document, Notice, User, utcnow
from portal.todo import TodoItem, register


def send(session: Session, org_ids: Iterable[int], subject: str, body: str,
         about: Document | None) -> list[Notice]:
    """One notice per organisation, in the caller's transaction."""
    sent = [Notice(org_id=org_id, subject=subject, body=body,
                   document_id=about.id if about else None) for org_id in dict.fromkeys(org_ids)]
    session.add_all(sent)
    session.flush()
    for notice in sent:
        audit.record(session, actor=None, action="notice.sent", subject_type="notice",
                     subject_id=notice.id, before=None, after=notice.org_id,
                     detail={"document": notice.document_id, "subject": subject})
    return sent


def for_org(session: Session, user: User) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.org_id == user.org_id)
                                .order_by(Notice.id.desc())))


def mark_read(session: Session, user: User, notice: Notice) -> None:
    if notice.org_id != user.org_id:
        raise Forbidden(_("只能处理本单位的消息。"))
    if notice.read_at is None:
        notice.read_at, notice.read_by_id = utcnow(), user.id
        session.commit()


@register
def unread_todo(session: Session, user: User) -> Iterator[TodoItem]:
    for notice in session.scalars(select(Notice).where(
            Notice.org_id == user.org_id, Notice.read_at.is_(None)).order_by(Notice.id)):
        yield TodoItem(_("未读消息"), notice.subject,
                       url_for("notices.index", _anchor=f"notice-{notice.id}"),
                       notice.created_at, notice.body)
