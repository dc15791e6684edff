"""Render a revision's PDF and DOCX, exactly once whatever is retried.

The job claims the revision (queued → running, for this worker) before rendering and records
the result only while it still holds the claim (``portal.durable``); a failure is handled here,
inside the worker's app context, and queued again with a back-off or marked failed. The same
data gives the same bytes, which the content-addressed store keeps once.
"""

from __future__ import annotations

import logging

import documents
from portal import db, durable, storage
from portal.models import Revision

log = logging.getLogger(__name__)


def render_revision(revision_id: int) -> str:
    session = db.session()
    worker = durable.worker_name()
    if not durable.claim_render(session, revision_id, worker):
        return "nothing to do"  # rendered, failed, gone or another attempt holds it
    session.expire_all()
    revision = session.get(Revision, revision_id)
    assert revision is not None
    try:
        values = _render(revision)
    except Exception as exc:
        log.exception("rendering revision %s failed", revision_id)
        session.rollback()
        return durable.release_render(session, revision, worker, exc, durable.reason(exc))
    if not durable.finish_render(session, revision_id, worker, **values):
        return "superseded"  # released as abandoned meanwhile; another attempt owns it
    log.info("revision %s rendered by %s", revision_id, worker)
    return "rendered"


def _render(revision: Revision) -> dict[str, object]:
    document = revision.document
    kind = documents.get_kind(document.kind)
    pdf = documents.render_pdf(kind.code, revision.data, region=document.region_code)
    values: dict[str, object] = {
        "pdf_sha256": storage.put(pdf.content, ".pdf"), "pdf_size": len(pdf.content),
        "anchors": {name: list(anchor) for name, anchor in pdf.anchors.items()},
    }
    if kind.docx_template:
        docx = documents.render_docx(kind.code, revision.data, region=document.region_code)
        values["docx_sha256"] = storage.put(docx.content, ".docx")
        values["docx_size"] = len(docx.content)
    return values


def mark_failed(job: object, connection: object, *args: object) -> None:
    """RQ on_failure callback named by jobs queued before the durable dispatcher (issue 18):
    nothing to do, the dispatcher finds the render in the database and retries or fails it."""
