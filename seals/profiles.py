"""Certificate and CRL profiles of the demo CA (what goes into each certificate).

| certificate | key | basicConstraints | keyUsage (critical) | EKU (critical) |
| --- | --- | --- | --- | --- |
| root CA (self-signed, 20 y) | EC P-256 | CA, pathLen 1 | keyCertSign, cRLSign | – |
| issuing CA (10 y) | EC P-256 | CA, pathLen 0 | keyCertSign, cRLSign | – |
| TSA (by root, 10 y) | RSA-2048 | not CA | digitalSignature, nonRepudiation | timeStamping |
| holder (1 y default) | EC P-256 / RSA-2048 | not CA | digitalSignature, nonRepudiation | – |

Holder certificates carry no extended key usage on purpose: NSS (and so poppler's pdfsig)
checks signer certificates for e-mail signing, which an EKU without emailProtection would fail.
All certificates carry subject and authority key identifiers; serials are random 63-bit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from seals.identity import ID_NUMBER_PREFIX, USCC_PREFIX

KeyType = Literal["ec", "rsa"]
SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
CLOCK_SKEW = timedelta(minutes=5)


def new_key(key_type: KeyType) -> SigningKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def random_serial() -> int:
    return secrets.randbits(63) | 1  # never 0


def _name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def ca_subject(ca_name: str, role: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, ca_name),
        (NameOID.COMMON_NAME, f"{ca_name} {role}"),
    )


def organisation_subject(org_name: str, uscc: str) -> x509.Name:
    """单位证书: CN = O = org name; organizationIdentifier = NTRCN-<uscc>."""
    return _name(
        (NameOID.COUNTRY_NAME, "CN"),
        (NameOID.ORGANIZATION_NAME, org_name),
        (NameOID.ORGANIZATION_IDENTIFIER, USCC_PREFIX + uscc),
        (NameOID.COMMON_NAME, org_name),
    )


def person_subject(name: str, id_number: str, org_name: str | None) -> x509.Name:
    """个人证书: CN = name; serialNumber = IDCCN-<ID number>; O = employer if given."""
    pairs = [(NameOID.COUNTRY_NAME, "CN")]
    if org_name:
        pairs.append((NameOID.ORGANIZATION_NAME, org_name))
    pairs += [(NameOID.SERIAL_NUMBER, ID_NUMBER_PREFIX + id_number), (NameOID.COMMON_NAME, name)]
    return _name(*pairs)


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _build(
    subject: x509.Name,
    public_key: CertificateIssuerPublicKeyTypes,
    issuer_name: x509.Name,
    issuer_public_key: CertificateIssuerPublicKeyTypes,
    issuer_key: SigningKey,
    not_before: datetime,
    not_after: datetime,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(random_serial())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key),
            critical=False,
        )
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def root_certificate(ca_name: str, key: SigningKey, now: datetime) -> x509.Certificate:
    subject = ca_subject(ca_name, "根 CA")
    return _build(
        subject, key.public_key(), subject, key.public_key(), key,
        now - CLOCK_SKEW, now + timedelta(days=20 * 365),
        [(x509.BasicConstraints(ca=True, path_length=1), True), (_key_usage(signing=False), True)],
    )  # fmt: skip


def issued_certificate(
    issuer: x509.Certificate,
    issuer_key: SigningKey,
    subject: x509.Name,
    public_key: CertificateIssuerPublicKeyTypes,
    not_before: datetime,
    not_after: datetime,
    *,
    role: Literal["ca", "tsa", "holder"],
) -> x509.Certificate:
    """A certificate signed by ``issuer`` with the extensions of ``role`` (see the table)."""
    extensions: list[tuple[x509.ExtensionType, bool]]
    if role == "ca":
        extensions = [
            (x509.BasicConstraints(ca=True, path_length=0), True),
            (_key_usage(signing=False), True),
        ]
    else:
        extensions = [
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (_key_usage(signing=True), True),
        ]
        if role == "tsa":
            extensions.append((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True))
    issuer_public_key = issuer.public_key()
    assert isinstance(issuer_public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)  # noqa: S101
    return _build(
        subject, public_key, issuer.subject, issuer_public_key, issuer_key,
        not_before, not_after, extensions,
    )  # fmt: skip


def revocation_list(
    issuer: x509.Certificate,
    issuer_key: SigningKey,
    revoked: list[tuple[int, datetime, x509.ReasonFlags]],
    number: int,
    now: datetime,
    lifetime: timedelta,
) -> x509.CertificateRevocationList:
    issuer_public_key = issuer.public_key()
    assert isinstance(issuer_public_key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)  # noqa: S101
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.subject)
        .last_update(now - CLOCK_SKEW)
        .next_update(now + lifetime)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key), critical=False
        )
    )
    for serial, when, reason in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(reason), critical=False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer_key, hashes.SHA256())
