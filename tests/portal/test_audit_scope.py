"""The regulator's audit view shows the events of its own province's organisations only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.domain import accounts
from portal.domain.audit import record
from portal.models import Organisation, Position, User
from portal.views.auth import hasher
from tests.helpers import sign_in

pytestmark = pytest.mark.db


def test_each_regulator_reads_only_its_provinces_events(demo, db) -> None:
    henan = db.scalar(select(Organisation).where(Organisation.name == "河南省财政厅"))
    with demo.app_context():
        henan_reviewer = accounts.create_user(
            db, actor=None, hasher=hasher(), username="hn_reviewer", display_name="河南审核",
            password="Kuangcai@2026", org=henan, positions=frozenset({Position.reviewer}))
    inner_mongolia = db.scalar(select(User).where(User.username == "zj_clerk"))
    record(db, actor=inner_mongolia, action="test.nmg_secret", subject_type="thing",
           subject_id=1)
    record(db, actor=henan_reviewer, action="test.henan_secret", subject_type="thing",
           subject_id=2)
    db.commit()

    def trail(username: str) -> str:
        client = demo.test_client()
        assert sign_in(client, username).status_code == 302
        response = client.get("/oversight/audit")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    nmg, henan_page = trail("cz_reviewer"), trail("hn_reviewer")
    assert "test.nmg_secret" in nmg and "test.henan_secret" not in nmg
    assert "test.henan_secret" in henan_page and "test.nmg_secret" not in henan_page
    assert "内蒙古自治区" in nmg and "河南省" in henan_page
