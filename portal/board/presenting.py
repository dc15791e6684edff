"""What the board's pages need beyond the rows themselves: filter choices, the sealed PDF."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal import verification
from portal.board import BOARD_LABELS, CATEGORY_LABELS, search
from portal.board.query import Filters
from portal.models import Announcement, Organisation, Region


def board_context(db: Session, filters: Filters) -> dict[str, Any]:
    """Choices for the filter form: only organisations that have announcements on the board."""

    def orgs(column: Any) -> list[Organisation]:
        # one index probe per organisation, never a scan of the whole board
        used = exists().where(column == Organisation.id)
        return list(db.scalars(select(Organisation).where(used).order_by(Organisation.name)))

    return {
        "kinds": [(code, str(label)) for code, label in BOARD_LABELS.items()],
        "categories": [(code, str(label)) for code, label in CATEGORY_LABELS.items()],
        "regions": list(db.scalars(select(Region).order_by(Region.code))),
        "collectors": orgs(Announcement.collector_org_id),
        "purchasers": orgs(Announcement.purchaser_org_id),
        "highlight": search.highlight,
        "snippet": search.snippet,
    }


def pdf_sha256(db: Session, announcement: Announcement) -> str | None:
    """The latest sealed bytes of the published revision (fixed once published: no seal can
    be added or withdrawn after publication; None only while a rendering is still due)."""
    from portal.domain import sealing

    return sealing.current_pdf(db, announcement.revision)


def verification_epoch() -> str:
    """The seal badge's part of a page's ETag: it changes when a verdict can (see
    :func:`portal.verification.epoch`)."""
    revoked, day = verification.epoch()
    material = f"{day.isoformat()}|{sorted(revoked)}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def board_label(code: str) -> str:
    return str(BOARD_LABELS.get(code, code))


def category_label(code: str | None) -> str:
    return str(CATEGORY_LABELS.get(code, "")) if code else ""
