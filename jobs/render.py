"""Render a revision's PDF and DOCX. Idempotent: a rendered revision is left as it is, and the
same data gives the same bytes, which the content-addressed store keeps once."""

from __future__ import annotations

from typing import Any

import documents
from portal import db, storage
from portal.models import RenderStatus, Revision


def render_revision(revision_id: int) -> str:
    session = db.session()
    revision = session.get(Revision, revision_id)
    if revision is None:
        return "gone"
    if revision.render_status is RenderStatus.done:
        return "already rendered"
    revision.render_status = RenderStatus.running
    session.commit()
    document = revision.document
    kind = documents.get_kind(document.kind)
    pdf = documents.render_pdf(kind.code, revision.data, region=document.region_code)
    revision.pdf_sha256, revision.pdf_size = storage.put(pdf.content, ".pdf"), len(pdf.content)
    revision.anchors = {name: list(anchor) for name, anchor in pdf.anchors.items()}
    if kind.docx_template:
        docx = documents.render_docx(kind.code, revision.data, region=document.region_code)
        revision.docx_sha256 = storage.put(docx.content, ".docx")
        revision.docx_size = len(docx.content)
    revision.render_status, revision.render_error = RenderStatus.done, None
    session.commit()
    return "rendered"


def mark_failed(job: Any, connection: Any, exc_type: type, exc: BaseException, tb: Any) -> None:
    """RQ's on_failure callback: record a readable reason on the revision."""
    session = db.session()
    revision = session.get(Revision, job.args[0])
    if revision is not None:
        revision.render_status = RenderStatus.failed
        revision.render_error = f"{exc_type.__name__}: {exc}"[:500]
        session.commit()
