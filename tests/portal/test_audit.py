"""The hash-chained audit trail detects changed, removed and reordered events."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text, update

from portal.cli import main
from portal.domain.audit import record, verify_chain
from portal.models import AuditEvent, AuditHead

pytestmark = pytest.mark.db


@pytest.fixture
def chain(demo, db):
    """The demo seeding's events plus a few of our own."""
    for n in range(3):
        record(db, actor=None, action="test.step", subject_type="thing", subject_id=n,
               before="draft", after="in_review")
    db.commit()
    return db


def test_untouched_chain_verifies(chain) -> None:
    report = verify_chain(chain)
    assert report.ok
    assert report.events == chain.scalar(select(func.count()).select_from(AuditEvent))


def test_changing_an_event_breaks_the_chain_at_that_event(chain) -> None:
    chain.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(after="published"))
    chain.commit()
    report = verify_chain(chain)
    assert not report.ok
    assert report.broken_at == 5
    assert "改动" in report.reason


def test_rewriting_an_event_and_its_hash_is_caught_by_the_next_event(chain) -> None:
    chain.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(hash="f" * 64))
    chain.commit()
    report = verify_chain(chain)
    assert not report.ok and report.broken_at == 3


def test_removing_an_event_in_the_middle_is_detected(chain) -> None:
    chain.execute(text("DELETE FROM audit_events WHERE seq = 4"))
    chain.commit()
    report = verify_chain(chain)
    assert not report.ok and report.broken_at == 4 and "删除" in report.reason


def test_cutting_off_the_last_event_is_detected(chain) -> None:
    last = chain.scalar(select(func.max(AuditEvent.seq)))
    chain.execute(text(f"DELETE FROM audit_events WHERE seq = {last}"))
    chain.commit()
    report = verify_chain(chain)
    assert not report.ok and "末尾" in report.reason


def test_each_event_links_to_the_previous_hash(chain) -> None:
    events = chain.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert chain.get(AuditHead, 1).last_hash == events[-1].hash


def test_cli_audit_verify_exits_nonzero_after_tampering(chain, database_url, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("KUANGCAI_ENV", "test")
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert "审计链完整" in good.output
    chain.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor_org_id=999))
    chain.commit()
    bad = runner.invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "第 2 条" in bad.output
