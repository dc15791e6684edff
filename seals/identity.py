"""Who a certificate names: organisation name, uscc, person name, ID number.

Where the codes live (our demo CA writes them this way; the readers also accept real CAs'
certificates that put the bare code in the same attributes):

* 统一社会信用代码 of an organisation: subject ``organizationIdentifier`` (OID 2.5.4.97), as
  ``NTRCN-<uscc>`` (ETSI EN 319 412-1 §5.1.4 semantics: national trade register, China).
* 公民身份号码 of a person: subject ``serialNumber`` (OID 2.5.4.5), as ``IDCCN-<id number>``
  (ETSI EN 319 412-1 §5.1.3 semantics: national identity card, China).

A value is only returned if it passes its check digit, so a stray serialNumber of another
kind is never mistaken for an ID number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cryptography import x509
from cryptography.x509.oid import NameOID

from codes.id_number import is_valid_id_number
from codes.uscc import is_valid_uscc

USCC_OID = NameOID.ORGANIZATION_IDENTIFIER  # 2.5.4.97
ID_NUMBER_OID = NameOID.SERIAL_NUMBER  # 2.5.4.5
USCC_PREFIX = "NTRCN-"
ID_NUMBER_PREFIX = "IDCCN-"


class HolderKind(StrEnum):
    ORGANISATION = "organisation"  # 单位证书
    PERSON = "person"  # 个人证书


@dataclass(frozen=True)
class CertificateIdentity:
    """The parts of a certificate the portal binds to accounts (CA 自助绑定)."""

    kind: HolderKind
    common_name: str
    org_name: str | None
    uscc: str | None
    id_number: str | None
    serial_hex: str
    issuer: str
    not_before: datetime
    not_after: datetime


def _attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _coded(cert: x509.Certificate, oid: x509.ObjectIdentifier, prefix: str) -> str | None:
    raw = _attribute(cert, oid)
    if raw is None:
        return None
    return raw.removeprefix(prefix).strip()


def uscc_of(cert: x509.Certificate) -> str | None:
    """The 统一社会信用代码 in the certificate's subject, or None if absent or invalid."""
    code = _coded(cert, USCC_OID, USCC_PREFIX)
    return code if code is not None and is_valid_uscc(code) else None


def id_number_of(cert: x509.Certificate) -> str | None:
    """The 公民身份号码 in the certificate's subject, or None if absent or invalid."""
    number = _coded(cert, ID_NUMBER_OID, ID_NUMBER_PREFIX)
    return number if number is not None and is_valid_id_number(number) else None


def common_name_of(cert: x509.Certificate) -> str:
    return _attribute(cert, NameOID.COMMON_NAME) or cert.subject.rfc4514_string()


def org_name_of(cert: x509.Certificate) -> str | None:
    return _attribute(cert, NameOID.ORGANIZATION_NAME)


def identity_of(cert: x509.Certificate) -> CertificateIdentity:
    """Read everything the portal needs to bind a certificate to an org or an operator."""
    id_number = id_number_of(cert)
    uscc = uscc_of(cert)
    kind = HolderKind.PERSON if id_number is not None else HolderKind.ORGANISATION
    return CertificateIdentity(
        kind=kind,
        common_name=common_name_of(cert),
        org_name=org_name_of(cert),
        uscc=uscc,
        id_number=id_number,
        serial_hex=format(cert.serial_number, "x"),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )
