"""Seal PIN guessing: five wrong PINs lock the credential for a while that grows with each
lock, every refused attempt is in the audit trail and on the certificate page, and the stored
PKCS#12 costs a copier many hashes a guess."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select

from portal.demo import DEMO_PIN
from portal.domain import sealing
from portal.domain.credentials import PinLocked
from portal.domain.errors import InvalidInput
from portal.models import AuditEvent, SealStatus, User, utcnow
from tests.helpers import approved_contract, csrf_token, work

pytestmark = pytest.mark.db


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


@pytest.fixture
def awaiting_key(app, demo_keys, db):
    """The supplier's seal on an approved contract, prepared and waiting for the PIN."""
    supplier = user(db, "gys_mfr")
    doc = approved_contract(app, db, "PIN 锁定测试合同")
    seal = sealing.start(db, supplier, doc, None, 0, None, None)
    work(app)
    db.expire_all()
    assert seal.status is SealStatus.awaiting_key
    return seal


def _guess(db, seal, pin: str = "000000") -> str:
    with pytest.raises(InvalidInput) as refused:
        sealing.sign_with_pin(db, user(db, "gys_mfr"), seal, pin)
    db.expire_all()
    return refused.value.message


def test_five_wrong_pins_lock_the_credential_even_against_the_right_one(db, awaiting_key):
    seal = awaiting_key
    messages = [_guess(db, seal) for _ in range(5)]
    assert "还可尝试 4 次" in messages[0] and "还可尝试 1 次" in messages[3]
    assert "证书已锁定" in messages[4] and "15 分钟" in messages[4]
    with pytest.raises(PinLocked, match="分钟后再试"):
        sealing.sign_with_pin(db, user(db, "gys_mfr"), seal, DEMO_PIN)
    db.expire_all()
    assert seal.status is SealStatus.awaiting_key and seal.signature is None
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "credential").order_by(AuditEvent.seq)).all()
    assert actions == ["credential.bound"] * actions.count("credential.bound") + [
        "credential.pin_failed"] * 5 + ["credential.pin_locked", "credential.pin_refused"]


def test_the_lock_ends_and_grows_with_each_repeat(db, awaiting_key):
    seal = awaiting_key
    credential = seal.credential
    for _ in range(5):
        _guess(db, seal)
    first = credential.pin_locked_until - utcnow()
    assert timedelta(minutes=14) < first <= timedelta(minutes=15)
    credential.pin_locked_until = utcnow() - timedelta(seconds=1)  # the lock ran out
    db.commit()
    for _ in range(4):
        _guess(db, seal)
    assert "30 分钟" in _guess(db, seal)  # the second lock lasts twice as long
    credential.pin_locked_until = utcnow() - timedelta(seconds=1)
    db.commit()
    sealing.sign_with_pin(db, user(db, "gys_mfr"), seal, DEMO_PIN)
    db.expire_all()
    assert seal.status is SealStatus.finishing
    assert (credential.pin_failures, credential.pin_lockouts) == (0, 0)


def test_the_lock_is_configurable(app, make_app, demo_keys, awaiting_key):
    strict = make_app(PIN_MAX_FAILURES=2, PIN_LOCK_MINUTES=60)
    from portal import db as portal_db

    with strict.app_context():
        session = portal_db.session()
        seal = session.merge(awaiting_key)
        _guess(session, seal)
        assert "60 分钟" in _guess(session, seal)


def test_the_owner_sees_attempts_and_the_time_left_over_http(db, awaiting_key, signed_in):
    client = signed_in("gys_mfr")
    page = client.get(f"/documents/{awaiting_key.revision.document_id}/seal")
    token = csrf_token(page.get_data(as_text=True))
    for _ in range(5):
        wrong = client.post(f"/seals/{awaiting_key.id}/key",
                            data={"csrf_token": token, "pin": "999999"})
        assert wrong.status_code == 400
    assert "证书已锁定" in wrong.get_data(as_text=True)
    right = client.post(f"/seals/{awaiting_key.id}/key",
                        data={"csrf_token": token, "pin": DEMO_PIN})
    assert right.status_code == 400 and "分钟后再试" in right.get_data(as_text=True)
    ca_page = client.get("/account/ca").get_data(as_text=True)
    assert "证书已锁定，15 分钟后解锁" in ca_page
    assert ca_page.count("密码错误（连续第") == 5 and "锁定期间尝试，已拒绝" in ca_page


def test_the_stored_pkcs12_is_rewrapped_at_our_key_derivation_cost(db, awaiting_key):
    stored = awaiting_key.credential.p12_encrypted
    key, certificate, _chain = pkcs12.load_key_and_certificates(stored, DEMO_PIN.encode())
    assert key is not None and certificate is not None
    pfx = asn1_pkcs12.Pfx.load(stored)
    assert pfx["mac_data"].native is None  # no cheap MAC check beside the decryption
    bags = asn1_pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
    shrouded = [bag for info in bags if info["content_type"].native == "data"
                for bag in asn1_pkcs12.SafeContents.load(info["content"].native)]
    key_bag = next(b for b in shrouded if b["bag_id"].native == "pkcs8_shrouded_key_bag")
    algorithm = key_bag["bag_value"]["encryption_algorithm"]
    assert algorithm["algorithm"].native == "pbes2"
    assert algorithm["parameters"]["key_derivation_func"]["parameters"]["iteration_count"] \
        .native == 2048  # TestConfig's PKCS12_KDF_ROUNDS
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(stored, b"000000")


def test_a_file_bound_before_is_brought_up_to_cost_at_the_next_right_pin(db, awaiting_key):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption

    import seals

    credential = awaiting_key.credential
    key, certificate, chain = pkcs12.load_key_and_certificates(credential.p12_encrypted,
                                                              DEMO_PIN.encode())
    credential.p12_encrypted = pkcs12.serialize_key_and_certificates(
        b"old", key, certificate, chain, BestAvailableEncryption(DEMO_PIN.encode()))
    db.commit()
    assert seals.kdf_rounds_of(credential.p12_encrypted) == 0  # a MAC: the cheap test
    sealing.sign_with_pin(db, user(db, "gys_mfr"), awaiting_key, DEMO_PIN)
    db.expire_all()
    assert seals.kdf_rounds_of(credential.p12_encrypted) == 2048
    assert seals.unlock(credential.p12_encrypted, DEMO_PIN).certificate == certificate
