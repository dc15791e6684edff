"""Key custody: PIN-protected PKCS#12, certificate checks before any key is used."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from pyhanko.sign.timestamps import TimeStamper

from seals import (
    CertificateAuthority,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    CertificateUntrusted,
    InvalidKeyFile,
    KeyCustody,
    SealsError,
    SealSpec,
    UnlockedKey,
    WrongPin,
    check_certificate,
    import_p12,
    official_seal_png,
    seal_pdf,
    unlock,
    verify_pdf,
)
from tests.seals.conftest import PIN, SUPPLIER, Holder


class CountingCustody:
    """Stands in for a USB key or HSM: records every use of the key."""

    def __init__(self, inner: UnlockedKey) -> None:
        self.inner = inner
        self.signatures = 0

    @property
    def certificate(self) -> x509.Certificate:
        return self.inner.certificate

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        return self.inner.chain

    def sign_digest(self, digest: bytes, algorithm: str) -> bytes:
        self.signatures += 1
        return self.inner.sign_digest(digest, algorithm)


def _spec() -> SealSpec:
    return SealSpec("seal", official_seal_png(SUPPLIER[0]), page=0)


def test_a_wrong_pin_is_refused_in_chinese(supplier: Holder) -> None:
    with pytest.raises(WrongPin, match="证书密码错误"):
        unlock(supplier.p12, PIN + "0")


def test_a_file_that_is_not_pkcs12_is_refused(supplier: Holder) -> None:
    with pytest.raises(InvalidKeyFile):
        unlock(b"-----BEGIN CERTIFICATE-----", PIN)


def test_a_short_pin_is_refused_when_issuing(ca: CertificateAuthority) -> None:
    with pytest.raises(SealsError, match="至少 6 位"):
        ca.issue_organisation(*SUPPLIER, "12345")


def test_the_unlocked_key_never_shows_its_key(supplier: Holder) -> None:
    assert "UnlockedKey" in repr(supplier.key)
    assert not hasattr(supplier.key, "__dict__")


def test_the_built_in_store_and_a_custom_custody_fit_the_same_interface(
    supplier: Holder, contract_pdf: bytes, ca: CertificateAuthority
) -> None:
    assert isinstance(supplier.key, KeyCustody)
    custody = CountingCustody(supplier.key)
    assert isinstance(custody, KeyCustody)
    sealed = seal_pdf(contract_pdf, custody, _spec(), None)
    assert custody.signatures == 1
    assert verify_pdf(sealed, ca.trust_roots).ok


def test_import_checks_chain_validity_and_revocation(ca: CertificateAuthority) -> None:
    issued = ca.issue_organisation(*SUPPLIER, PIN)
    imported = import_p12(issued.p12, PIN, ca.trust_roots, crls=[ca.crl()])
    assert imported.certificate == issued.certificate
    stranger = CertificateAuthority.create("外部 CA", "other-passphrase")
    with pytest.raises(CertificateUntrusted, match="受信任"):
        import_p12(issued.p12, PIN, stranger.trust_roots)


@pytest.mark.parametrize(
    ("start", "end", "error", "message"),
    [
        (-400, -10, CertificateExpired, "证书已过期"),
        (10, 400, CertificateNotYetValid, "证书尚未生效"),
    ],
)
def test_expired_and_not_yet_valid_certificates_are_refused_before_signing(
    ca: CertificateAuthority,
    contract_pdf: bytes,
    timestamper: TimeStamper,
    start: int,
    end: int,
    error: type[Exception],
    message: str,
) -> None:
    now = datetime.now(UTC)
    issued = ca.issue_organisation(
        *SUPPLIER, PIN, not_before=now + timedelta(days=start), not_after=now + timedelta(days=end)
    )
    custody = CountingCustody(unlock(issued.p12, PIN))
    with pytest.raises(error, match=message):
        seal_pdf(contract_pdf, custody, _spec(), timestamper)
    assert custody.signatures == 0
    with pytest.raises(error):
        import_p12(issued.p12, PIN, ca.trust_roots)


def test_a_revoked_certificate_is_refused_before_signing(contract_pdf: bytes) -> None:
    authority = CertificateAuthority.create("吊销测试", "revoke-passphrase")
    issued = authority.issue_organisation(*SUPPLIER, PIN)
    authority.revoke(issued.serial)
    custody = CountingCustody(unlock(issued.p12, PIN))
    with pytest.raises(CertificateRevoked, match="证书已被吊销"):
        seal_pdf(contract_pdf, custody, _spec(), None, crls=[authority.crl()])
    assert custody.signatures == 0
    with pytest.raises(CertificateRevoked):
        import_p12(issued.p12, PIN, authority.trust_roots, crls=[authority.crl()])


def test_a_crl_signed_by_someone_else_is_ignored(ca: CertificateAuthority) -> None:
    issued = ca.issue_organisation(*SUPPLIER, PIN)
    impostor = CertificateAuthority.create("框采测试", "impostor-passphrase")  # same name
    impostor_crl = impostor.crl()
    check_certificate(issued.certificate, chain=ca.chain, crls=[impostor_crl])
