"""The demo board: announcements of every kind, published through the real lifecycle, each
sealed kind carrying a valid seal of its collector, and seeding twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import documents
from documents.kind import BOARD_CATEGORIES
from portal import storage, verification
from portal.demo import seed_board
from portal.domain import sealing
from portal.models import Announcement, AuditEvent, DocumentStatus

pytestmark = pytest.mark.db


def test_seed_board_publishes_every_kind_with_valid_seals_and_only_once(
        app, demo_keys, db) -> None:
    published = seed_board(db)
    rows = db.scalars(select(Announcement)).all()
    assert 24 <= published == len(rows) <= 36
    assert {a.board_category for a in rows} == set(BOARD_CATEGORIES)
    assert len({a.region_code for a in rows}) >= 3
    assert len({a.local_region_code for a in rows}) >= 4
    assert len({a.collector_org_id for a in rows if a.collector_org_id}) >= 3
    assert len({a.title for a in rows}) == len(rows)
    for a in rows:
        assert a.document.status is DocumentStatus.published
        sha = sealing.current_pdf(db, a.revision)
        assert sha is not None, a.title
        if documents.get_kind(a.kind).sealed_by:
            report = verification.verify(db, storage.read(sha, ".pdf")).report
            assert report.ok and len(report.signatures) == 1, a.title
            assert report.signatures[0].org_name == a.owner_org.name
    # published by the commands, so the audit trail records each publication
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "document.published")) == published

    assert seed_board(db) == 0
    assert db.scalar(select(func.count()).select_from(Announcement)) == published
