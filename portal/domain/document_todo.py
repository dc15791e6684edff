"""What the document lifecycle puts on people's 我的待办, derived from the documents' state."""

from __future__ import annotations

from collections.abc import Iterator

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.domain import lifecycle, sealing
from portal.models import Document, DocumentParty, DocumentStatus, Position, User
from portal.todo import TodoItem, register

S = DocumentStatus


def _label(doc: Document) -> str:
    return f"{lifecycle.kind_of(doc).title}：{doc.title}"


@register
def document_todo(db: Session, user: User) -> Iterator[TodoItem]:
    involved = select(DocumentParty.document_id).where(DocumentParty.org_id == user.org_id)
    docs = db.scalars(
        select(Document).where(
            Document.status != S.published,
            or_(Document.owner_org_id == user.org_id, Document.id.in_(involved)),
        )
    ).all()
    clerk_here = Position.clerk in user.positions
    for doc in docs:
        if lifecycle.retired(db, doc) and sealing.in_progress(db, doc) is None:
            continue  # an earlier round's (a seal already begun is still finished)
        link = url_for("documents.show", document_id=doc.id)
        if doc.status is S.draft and clerk_here and doc.owner_org_id == user.org_id:
            if doc.returned_reason:
                yield TodoItem(_("已退回待修改"), _label(doc), link, doc.updated_at,
                               _("退回原因：%(r)s", r=doc.returned_reason))
            else:
                yield TodoItem(_("草稿待提交"), _label(doc), link, doc.updated_at)
        elif lifecycle.may_review(user, doc):
            yield TodoItem(_("待审核"), _label(doc), link, doc.updated_at)
        elif sealing.may_seal(db, user, doc):
            yield TodoItem(_("待盖章"), _label(doc), link, doc.updated_at)
        elif (seal := sealing.in_progress(db, doc)) is not None and seal.org_id == user.org_id \
                and clerk_here and seal.status.value in ("awaiting_key", "applied"):
            yield TodoItem(_("待完成盖章"), _label(doc),
                           url_for("sealing.stamp", document_id=doc.id), seal.created_at)
        elif lifecycle.may_publish(user, doc):
            yield TodoItem(_("待发布"), _label(doc), link, doc.updated_at)
