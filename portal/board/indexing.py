"""Publishing puts an announcement on the board: one index row, written in the same
transaction as the status change, with the HTML and text rendered once from the revision, and
its place among the OCDS contracting processes."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from sqlalchemy import select
from sqlalchemy.orm import Session

import documents
from portal.board import processes, versions
from portal.models import Announcement, Document, DocumentStatus, utcnow

_SPACES = re.compile(r"\s+")


def index_published(db: Session, doc: Document) -> Announcement:
    """Add ``doc`` (just published) to the board; the caller commits."""
    if doc.status is not DocumentStatus.published:
        raise ValueError("only published documents belong on the board")
    kind = documents.get_kind(doc.kind)
    revision = doc.current_revision
    assert revision is not None and kind.board_category is not None
    data = revision.data
    body_html, body_text = html_and_text(
        documents.render_html(doc.kind, data, region=doc.region_code))
    number = _first(data, "project_number", "original_project_number", "agreement_number")
    announcement = Announcement(
        document_id=doc.id, revision_id=revision.id, kind=doc.kind,
        board_category=kind.board_category, region_code=doc.region_code,
        local_region_code=doc.owner_org.region.code, owner_org_id=doc.owner_org_id,
        collector_org_id=doc.party_org_id("collector"),
        purchaser_org_id=doc.party_org_id("purchaser"),
        procurement_category=_first(data, "project_category") or _inherited(db, number),
        project_number=number,
        project_name=_first(data, "project_name", "original_project_name", "agreement_name",
                            "contract_name"),
        title=doc.title, body_text=body_text, body_html=body_html, published_at=utcnow(),
    )
    versions.bump(db, versions.scopes_of(db, announcement))
    db.add(announcement)
    announcement.process = processes.place(db, doc, announcement)
    return announcement


def _first(data: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _inherited(db: Session, project_number: str | None) -> str | None:
    """A change, result or contract says goods or services through its project's call."""
    if project_number is None:
        return None
    return db.scalar(
        select(Announcement.procurement_category)
        .where(Announcement.project_number == project_number,
               Announcement.procurement_category.is_not(None))
        .order_by(Announcement.published_at).limit(1))


def html_and_text(document_html: str) -> tuple[str, str]:
    """The body of the document's own HTML, fit for a page under our CSP (no inline styles,
    the document title one level under the page's), and its plain text for search."""
    tree = lxml.html.document_fromstring(document_html)
    body = tree.body
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        element.attrib.pop("style", None)
        if element.tag == "h1":
            element.tag = "h2"
    for anchor in body.find_class("seal-anchor"):
        anchor.drop_tree()
    inner = (body.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body)
    text = _SPACES.sub(" ", body.text_content()).strip()
    return inner.strip(), text
