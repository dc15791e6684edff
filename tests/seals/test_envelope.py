"""Sealed envelopes open only with the recipient's key, for EC P-256 and RSA certificates;
receipts prove a SHA-256 and its time, and fail after one changed byte."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from seals import CertificateAuthority, unlock
from seals.envelope import EnvelopeError, header_of, seal_envelope
from seals.keystore import open_envelope
from seals.receipt import ReceiptInvalid, check_token, issue_token

PIN = "246810"
SECRET = "单价 5890.00 元 联想 启天M437".encode()


@pytest.fixture(scope="module", params=["ec", "rsa"])
def holders(request: pytest.FixtureRequest, ca: CertificateAuthority):  # type: ignore[no-untyped-def]
    mine = ca.issue_organisation("内蒙古甲乙科技有限公司", "91150100MA0N000013", PIN,
                                 key_type=request.param)
    other = ca.issue_organisation("内蒙古丙丁科技有限公司", "91150100MA0N000026", PIN,
                                  key_type=request.param)
    return unlock(mine.p12, PIN), unlock(other.p12, PIN)


def test_envelope_opens_with_the_recipients_key_only(holders) -> None:  # type: ignore[no-untyped-def]
    mine, other = holders
    envelope = seal_envelope(SECRET, mine.certificate)
    assert SECRET not in envelope and b"5890" not in envelope
    assert open_envelope(envelope, mine) == SECRET
    with pytest.raises(EnvelopeError):
        open_envelope(envelope, other)


def test_envelope_uses_the_algorithm_of_the_key(holders) -> None:  # type: ignore[no-untyped-def]
    mine, _ = holders
    header, _, _ = header_of(seal_envelope(SECRET, mine.certificate))
    is_ec = isinstance(mine.certificate.public_key(), ec.EllipticCurvePublicKey)
    expected = "ECDH" if is_ec else "RSA-OAEP"
    assert header["recipient"]["alg"].startswith(expected)
    assert header["enc"] == "A256GCM"


def test_a_changed_byte_anywhere_is_refused(holders) -> None:  # type: ignore[no-untyped-def]
    mine, _ = holders
    envelope = bytearray(seal_envelope(SECRET, mine.certificate))
    for index in (20, len(envelope) - 1, len(envelope) - 20):
        damaged = bytearray(envelope)
        damaged[index] ^= 0x01
        with pytest.raises(EnvelopeError):
            open_envelope(bytes(damaged), mine)


def test_each_envelope_has_its_own_content_key(holders) -> None:  # type: ignore[no-untyped-def]
    mine, _ = holders
    assert seal_envelope(SECRET, mine.certificate) != seal_envelope(SECRET, mine.certificate)


def test_receipt_verifies_and_fails_after_one_changed_byte(ca: CertificateAuthority) -> None:
    ciphertext = bytearray(b"\x01\x02" * 500)
    digest = hashlib.sha256(ciphertext).hexdigest()
    token = issue_token(ca.timestamp_authority, digest)
    tsa = ca.timestamp_authority.certificate
    result = check_token(token, digest, tsa, ca.trust_roots)
    assert result.sha256 == digest
    ciphertext[10] ^= 0xFF
    with pytest.raises(ReceiptInvalid, match="摘要"):
        check_token(token, hashlib.sha256(ciphertext).hexdigest(), tsa, ca.trust_roots)
    forged = bytearray(token)
    forged[-5] ^= 0x01  # inside the signature value
    with pytest.raises(ReceiptInvalid):
        check_token(bytes(forged), digest, tsa, ca.trust_roots)
    other = CertificateAuthority.create("别的CA", "other-passphrase")
    with pytest.raises(ReceiptInvalid, match="受信任"):
        check_token(token, digest, tsa, other.trust_roots)
