"""May this certificate seal now? Validity period, key usage, revocation, chain of trust.

Used before any private-key operation (issuing a p12 from a real CA, preparing a seal,
signing a digest), so a refusal comes with a clear Chinese reason instead of a PDF whose
signature later shows as invalid.

* Validity and key usage (digitalSignature or nonRepudiation) are always checked.
* Revocation is checked against every given CRL whose issuer signed it (the issuer is looked
  up among ``chain`` and ``trust_roots``; a CRL nobody here signed is ignored, not trusted).
* The chain of trust is checked with pyhanko-certvalidator when ``trust_roots`` is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from seals.asyncrun import run_sync
from seals.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRejected,
    CertificateRevoked,
    CertificateUntrusted,
)

_FORMAT = "%Y-%m-%d %H:%M"


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate as an asn1crypto object (what pyHanko speaks)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def load_certificate(data: bytes) -> x509.Certificate:
    """Load a PEM or DER certificate."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_crl(data: bytes) -> x509.CertificateRevocationList:
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def check_validity_period(cert: x509.Certificate, at: datetime | None = None) -> None:
    moment = at or datetime.now(UTC)
    if moment < cert.not_valid_before_utc:
        start = cert.not_valid_before_utc.strftime(_FORMAT)
        raise CertificateNotYetValid(f"证书尚未生效（生效时间 {start} UTC）")
    if moment > cert.not_valid_after_utc:
        end = cert.not_valid_after_utc.strftime(_FORMAT)
        raise CertificateExpired(f"证书已过期（有效期至 {end} UTC），请续期或更换证书")


def check_signing_usage(cert: x509.Certificate) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no restriction stated
    if not (usage.digital_signature or usage.content_commitment):
        raise CertificateRejected("证书的密钥用途不包括数字签名，不能用于签章")


def _issuer_of(
    crl: x509.CertificateRevocationList, candidates: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    for candidate in candidates:
        key = candidate.public_key()
        if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
            continue  # the CAs we accept sign with RSA or ECDSA
        if candidate.subject == crl.issuer and crl.is_signature_valid(key):
            return candidate
    return None


def _crl_lookup(
    cert: x509.Certificate, crls: Sequence[bytes], issuers: Sequence[x509.Certificate]
) -> tuple[bool, x509.RevokedCertificate | None]:
    """(was a CRL signed by the certificate's issuer given?, its entry for the certificate)."""
    consulted = False
    for raw in crls:
        crl = load_crl(raw)
        if crl.issuer != cert.issuer or _issuer_of(crl, issuers) is None:
            continue  # someone else's CRL, or a forged one: ignore
        consulted = True
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return True, entry
    return consulted, None


def revocation_status(
    cert: x509.Certificate,
    crls: Sequence[bytes],
    issuers: Sequence[x509.Certificate],
    at: datetime | None = None,
) -> tuple[str, datetime | None]:
    """``("revoked", when)``; ``("good", None)`` if the issuer's CRL does not list it (or lists
    it from a later date than ``at``); ``("unknown", None)`` if no CRL of the issuer was given."""
    consulted, entry = _crl_lookup(cert, crls, issuers)
    if entry is not None and entry.revocation_date_utc <= (at or datetime.now(UTC)):
        return "revoked", entry.revocation_date_utc
    return ("good" if consulted else "unknown"), None


def check_revocation(
    cert: x509.Certificate,
    crls: Sequence[bytes],
    issuers: Sequence[x509.Certificate],
    at: datetime | None = None,
) -> None:
    """Raise CertificateRevoked if a CRL signed by the certificate's issuer lists it."""
    status, when = revocation_status(cert, crls, issuers, at)
    if status == "revoked" and when is not None:
        raise CertificateRevoked(f"证书已被吊销（吊销时间 {when.strftime(_FORMAT)} UTC）")


def check_chain(
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[bytes] = (),
    at: datetime | None = None,
) -> None:
    """Raise CertificateUntrusted unless the certificate chains to one of ``trust_roots``."""
    context = ValidationContext(
        trust_roots=[to_asn1(root) for root in trust_roots],
        other_certs=[to_asn1(other) for other in chain],
        crls=list(crls),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=at,
    )
    validator = CertificateValidator(to_asn1(cert), validation_context=context)
    try:
        run_sync(validator.async_validate_path())
    except RevokedError as exc:
        raise CertificateRevoked("证书或其上级 CA 证书已被吊销") from exc
    except (PathBuildingError, PathValidationError) as exc:
        raise CertificateUntrusted("证书不是由受信任的 CA 签发，或证书链无效") from exc


def check_certificate(
    cert: x509.Certificate,
    *,
    chain: Sequence[x509.Certificate] = (),
    trust_roots: Sequence[x509.Certificate] = (),
    crls: Sequence[bytes] = (),
    at: datetime | None = None,
) -> None:
    """Raise a CertificateRejected subclass (Chinese message) unless the certificate may seal.

    ``at`` defaults to now; tests pass a fixed moment instead of freezing the clock.
    """
    check_validity_period(cert, at)
    check_signing_usage(cert)
    if crls:
        check_revocation(cert, crls, [*chain, *trust_roots], at)
    if trust_roots:
        check_chain(cert, chain, trust_roots, crls, at)
