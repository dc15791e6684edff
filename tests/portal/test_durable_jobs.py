"""Work survives faults (issue 18): Redis down at submission, failures and killed workers
retried with back-off and then failed with a reason, every job applied exactly once, stuck
seals abandoned by their owner. Real Redis, real workers, real PDFs; the clock is passed in
where time matters, never waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

import documents
import seals
from portal import db as portal_db
from portal import dispatch, durable
from portal.demo import DEMO_PIN
from portal.domain import lifecycle, sealing
from portal.domain.errors import TransitionNotAllowed
from portal.models import (
    AuditEvent,
    Document,
    RenderStatus,
    Revision,
    Seal,
    SealStatus,
    User,
    utcnow,
)
from tests.helpers import csrf_token, work
from tests.portal.test_sealing import approved_contract  # noqa: F401  (a fixture)

pytestmark = pytest.mark.db

REDIS_DOWN = "unix:///nonexistent/redis.sock"


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def queued_ids(redis_url: str, name: str) -> list[str]:
    with Redis.from_url(redis_url) as connection:
        return Queue(name, connection=connection).get_job_ids()


def sweep(app, now=None):
    with app.app_context():
        return dispatch.sweep(now=now)


@pytest.fixture
def requirements(demo, db):
    kind = documents.get_kind("requirements")
    return lifecycle.create_draft(db, user(db, "zj_clerk"), "requirements", "办公设备采购需求",
                                  start_from=kind.sample())


# ---- Redis down: committed, shown as queued, queued later ----------------------------------

def test_submitting_while_redis_is_down_commits_shows_queued_and_renders_once_redis_is_back(
        app, make_app, db, requirements, redis_url) -> None:
    down = make_app(REDIS_URL=REDIS_DOWN)
    clerk = down.test_client()
    from tests.helpers import sign_in

    assert sign_in(clerk, "zj_clerk").status_code == 302
    check = clerk.get(f"/documents/{requirements.id}/check").get_data(as_text=True)
    response = clerk.post(f"/documents/{requirements.id}/submit",
                          data={"csrf_token": csrf_token(check),
                                "version": str(requirements.version)})
    assert response.status_code == 302  # was 500, although the submission was committed
    page = clerk.get(f"/documents/{requirements.id}").get_data(as_text=True)
    assert "已提交，排队中" in page
    db.expire_all()
    revision = db.get(Document, requirements.id).current_revision
    assert revision.render_status is RenderStatus.queued
    assert queued_ids(redis_url, "render") == []  # nothing reached Redis
    # Redis is back: the dispatcher's pass queues it, a worker renders it
    assert sweep(app)["queued"] == 1
    work(app)
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.done


def test_starting_a_seal_while_redis_is_down_waits_and_is_prepared_later(
        app, make_app, db, approved_contract) -> None:  # noqa: F811
    down = make_app(REDIS_URL=REDIS_DOWN)
    with down.app_context():
        session = portal_db.session()
        doc = session.get(Document, approved_contract.id)
        seal = sealing.start(session, user(session, "gys_mfr"), doc, None, 0, None, None)
        seal_id = seal.id
    assert sweep(app)["queued"] == 1
    work(app)
    db.expire_all()
    assert db.get(Seal, seal_id).status is SealStatus.awaiting_key


# ---- failures in the worker: back-off, then failed with a reason -----------------------------

def _full_disk(monkeypatch) -> None:
    def refuse(content: bytes, suffix: str) -> str:
        raise OSError(28, "No space left on device", "/srv/kuangcai/var/files/ab/secret.pdf")

    monkeypatch.setattr("portal.storage.put", refuse)


def test_a_failing_render_is_retried_with_back_off_then_failed_with_a_reason_and_retried_by_hand(
        app, db, requirements, signed_in, redis_url, monkeypatch) -> None:
    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    _full_disk(monkeypatch)
    work(app)  # first attempt, in the worker: its failure is recorded there (app context)
    db.expire_all()
    revision = db.get(Revision, revision.id)
    assert revision.render_status is RenderStatus.queued  # not "running" for ever
    assert revision.render_attempts == 1 and revision.render_due_at is not None
    assert "/srv" not in revision.render_error and "存储" in revision.render_error
    for attempt in (2, 3, 4):
        due = revision.render_due_at
        assert sweep(app, now=due - timedelta(seconds=1))["queued"] == 0  # back-off respected
        assert sweep(app, now=due)["queued"] == 1
        work(app)
        db.expire_all()
        revision = db.get(Revision, revision.id)
        assert revision.render_attempts == attempt
    assert revision.render_status is RenderStatus.failed
    assert "/srv" not in revision.render_error and "存储" in revision.render_error
    assert queued_ids(redis_url, "render") == []
    clerk = signed_in("zj_clerk")
    page = clerk.get(f"/documents/{requirements.id}").get_data(as_text=True)
    assert "生成失败" in page and "重新生成" in page and "/srv" not in page
    monkeypatch.undo()
    assert clerk.post(f"/documents/revisions/{revision.id}/render",
                      data={"csrf_token": csrf_token(page)}).status_code == 302
    work(app)
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.done


def test_a_job_of_a_killed_worker_is_retried_and_rendered_exactly_once(
        app, db, requirements) -> None:
    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    with app.app_context():  # a worker claimed it and was killed (kill -9): no heartbeats
        assert durable.claim_render(portal_db.session(), revision.id, "killed-worker")
    db.expire_all()
    started = db.get(Revision, revision.id).render_started_at
    work(app)  # the queued copy finds it claimed: nothing to do, nothing rendered twice
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.running
    assert sweep(app, now=started + timedelta(seconds=5))["released"] == 0  # still young
    result = sweep(app, now=started + durable.CLAIM_GRACE + timedelta(seconds=1))
    assert result["released"] == 1
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.queued
    sweep(app, now=utcnow() + timedelta(minutes=5))  # past the back-off
    work(app)
    db.expire_all()
    done = db.get(Revision, revision.id)
    assert done.render_status is RenderStatus.done and done.render_attempts == 2
    with app.app_context():  # the killed worker's late result is refused
        assert not durable.finish_render(portal_db.session(), revision.id, "killed-worker",
                                         pdf_sha256="0" * 64)
    db.expire_all()
    assert db.get(Revision, revision.id).pdf_sha256 == done.pdf_sha256


def test_a_claim_held_by_a_live_worker_is_left_alone(app, db, requirements, redis_url) -> None:
    from rq import Worker

    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    with Redis.from_url(redis_url) as connection:
        live = Worker(["render"], connection=connection, name="busy-worker")
        live.register_birth()
        live.heartbeat()
        with app.app_context():
            durable.claim_render(portal_db.session(), revision.id, "busy-worker")
        db.expire_all()
        claimed = db.get(Revision, revision.id)  # long ago: only the heartbeat keeps it
        claimed.render_started_at = utcnow() - timedelta(minutes=10)
        db.commit()
        result = sweep(app)
        live.register_death()
    assert result["released"] == 0
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.running


def test_a_render_abandoned_on_every_attempt_ends_failed_with_a_reason(
        app, db, requirements) -> None:
    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    now = utcnow()
    for attempt in range(1, len(durable.RENDER_BACKOFF) + 2):
        with app.app_context():
            assert durable.claim_render(portal_db.session(), revision.id, f"killed-{attempt}")
        now += timedelta(minutes=10)
        sweep(app, now=now)
    db.expire_all()
    failed = db.get(Revision, revision.id)
    assert failed.render_status is RenderStatus.failed and "中断" in failed.render_error


# ---- sealing: exactly once, failures, stuck seals --------------------------------------------

def _awaiting_key(app, db, doc) -> Seal:
    seal = sealing.start(db, user(db, "gys_mfr"), doc, None, 0, None, None)
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.awaiting_key, seal.error
    return seal


def test_a_seal_finished_by_duplicate_jobs_is_applied_exactly_once(
        app, db, approved_contract, redis_url) -> None:  # noqa: F811
    seal = _awaiting_key(app, db, approved_contract)
    sealing.sign_with_pin(db, user(db, "gys_mfr"), seal, DEMO_PIN)
    with Redis.from_url(redis_url) as connection:  # e.g. re-queued while the first still ran
        Queue("default", connection=connection).enqueue("jobs.sealing.finish_seal", seal.id)
    work(app)
    db.expire_all()
    assert db.get(Seal, seal.id).status is SealStatus.applied
    applied = db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "seal.applied", AuditEvent.subject_id == str(seal.id)))
    assert applied == 1


def test_a_failing_seal_step_ends_failed_and_can_be_sealed_again_without_the_pin(
        app, db, approved_contract, signed_in, monkeypatch) -> None:  # noqa: F811
    seal = _awaiting_key(app, db, approved_contract)
    sealing.sign_with_pin(db, user(db, "gys_mfr"), seal, DEMO_PIN)

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("timestamp server unreachable")

    monkeypatch.setattr(seals, "finish", unreachable)
    now = utcnow()
    work(app)
    for _attempt in durable.SEAL_BACKOFF:
        now += timedelta(minutes=5)
        sweep(app, now=now)
        work(app)
    db.expire_all()
    failed = db.get(Seal, seal.id)
    assert failed.status is SealStatus.failed and "unreachable" in failed.error
    supplier = signed_in("gys_mfr")
    page = supplier.get(f"/documents/{approved_contract.id}/seal").get_data(as_text=True)
    assert "盖章失败" in page and "重新盖章" in page and "放弃" in page
    monkeypatch.undo()
    response = supplier.post(f"/seals/{seal.id}/retry", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    work(app)
    db.expire_all()
    assert db.get(Seal, seal.id).status is SealStatus.applied


def test_a_stuck_seal_is_not_called_submitted_and_its_owner_may_abandon_it_after_the_timeout(
        app, db, approved_contract, signed_in) -> None:  # noqa: F811
    supplier_user = user(db, "gys_mfr")
    seal = sealing.start(db, supplier_user, approved_contract, None, 0, None, None)
    # no worker runs: the seal stays preparing
    with pytest.raises(TransitionNotAllowed, match="正在处理中") as refused:
        sealing.withdraw(db, supplier_user, seal)
    assert "已提交" not in str(refused.value)
    timeout = app.config["SEAL_ABANDON_SECONDS"]
    later = seal.step_requested_at + timedelta(seconds=timeout)
    sealing.withdraw(db, supplier_user, seal, now=later)
    assert seal.status is SealStatus.withdrawn
    # the late job finds nothing to do, and a new seal may start at once
    work(app)
    db.expire_all()
    assert db.get(Seal, seal.id).status is SealStatus.withdrawn
    again = _awaiting_key(app, db, db.get(Document, approved_contract.id))
    assert again.id != seal.id


def test_the_stamping_page_offers_abandon_once_a_seal_is_stuck(
        app, db, approved_contract, signed_in) -> None:  # noqa: F811
    seal = sealing.start(db, user(db, "gys_mfr"), approved_contract, None, 0, None, None)
    supplier = signed_in("gys_mfr")
    page = supplier.get(f"/seals/{seal.id}/status").get_data(as_text=True)
    assert "已提交，排队中" in page and "放弃" not in page
    # as if the timeout had passed: the step was asked for long ago
    seal.step_requested_at = utcnow() - timedelta(seconds=app.config["SEAL_ABANDON_SECONDS"])
    db.commit()
    page = supplier.get(f"/seals/{seal.id}/status").get_data(as_text=True)
    assert "放弃" in page
    response = supplier.post(f"/seals/{seal.id}/withdraw", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Seal, seal.id).status is SealStatus.withdrawn


def test_a_job_left_started_by_a_dead_worker_or_missing_from_its_queue_is_queued_again(
        app, db, requirements, redis_url) -> None:
    from rq.job import Job, JobStatus

    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    job_id = dispatch.render_job_id(revision.id)
    with Redis.from_url(redis_url) as connection:
        queue = Queue("render", connection=connection)
        assert queue.get_job_ids() == [job_id]
        # Redis came back from its append-only file with the job but not the list entry
        connection.lrem(queue.key, 0, job_id)
        assert sweep(app)["queued"] == 1 and queue.get_job_ids() == [job_id]
        # a worker took it and was killed: RQ still says "started"
        queue.remove(job_id)
        job = Job.fetch(job_id, connection=connection)
        job.worker_name = "killed-worker"
        job.set_status(JobStatus.STARTED)
        job.save()
        assert sweep(app)["queued"] == 1 and queue.get_job_ids() == [job_id]
        assert sweep(app)["queued"] == 0  # a live copy is not queued twice
    work(app)
    db.expire_all()
    assert db.get(Revision, revision.id).render_status is RenderStatus.done


def test_kuangcai_scheduler_once_queues_what_redis_lost(
        app, db, requirements, redis_url, database_url, var_dir, monkeypatch) -> None:
    from click.testing import CliRunner

    from portal.cli import main

    revision = lifecycle.submit(db, user(db, "zj_clerk"), requirements, None)
    with Redis.from_url(redis_url) as connection:
        connection.flushall()  # Redis restarted empty
    for name, value in {"KUANGCAI_ENV": "test", "DATABASE_URL": database_url,
                        "REDIS_URL": redis_url, "KUANGCAI_VAR_DIR": str(var_dir)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    assert "'queued': 1" in result.output
    assert queued_ids(redis_url, "render") == [dispatch.render_job_id(revision.id)]
