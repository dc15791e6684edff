"""A built-in demo certificate authority: root CA → issuing CA → holders, plus a TSA.

* ``root`` signs the ``issuing`` CA and the time-stamping authority (:mod:`seals.tsa`);
  ``issuing`` signs organisation certificates (单位证书) and personal certificates (个人证书).
  What goes into each certificate: :mod:`seals.profiles`; where the 统一社会信用代码 and the
  ID number sit: :mod:`seals.identity`. Codes are validated before anything is signed.
* Every issued certificate is recorded (serials are random), so :meth:`revoke` refuses
  unknown serials; the CRL (signed by the issuing CA) carries a CRL-number counter.
* State is a JSON-able dict (:meth:`to_dict` / :meth:`from_dict`) or a directory
  (:meth:`save` / :meth:`load` / :meth:`open`: ``ca.json``, plus ``root.pem`` and ``crl.der``
  for verifiers). CA private keys are PKCS#8 encrypted under the CA passphrase
  (``BestAvailableEncryption``). Holders' keys are never kept: each issue returns the key
  once, inside a PKCS#12 file encrypted under the holder's PIN.

For demonstrations and tests. Production uses certificates from a licensed CA (华测, 信安, …),
imported with :func:`seals.keystore.import_p12`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.sign.timestamps import TimeStamper

from codes.id_number import validate_id_number
from codes.uscc import validate_uscc
from seals import profiles
from seals.errors import CaError, InvalidCode
from seals.identity import HolderKind
from seals.keystore import pack_p12
from seals.profiles import KeyType, SigningKey
from seals.tsa import TimestampAuthority

STATE_FILE = "ca.json"
ROOT_FILE = "root.pem"
CRL_FILE = "crl.der"
DEFAULT_VALIDITY = timedelta(days=365)
_STATE_VERSION = 1
_CRL_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class IssuedCredential:
    """What an issue returns: the holder's PKCS#12 (encrypted under the PIN) and certificate."""

    p12: bytes
    certificate: x509.Certificate

    @property
    def serial(self) -> int:
        return self.certificate.serial_number


class CertificateAuthority:
    """Root CA, issuing CA and TSA, keys decrypted once and kept in memory."""

    def __init__(
        self,
        *,
        name: str,
        passphrase: str,
        keys: dict[str, SigningKey],
        certificates: dict[str, x509.Certificate],
        issued: dict[int, dict[str, str]],
        revoked: dict[int, dict[str, str]],
        crl_number: int,
    ) -> None:
        if not passphrase:
            raise CaError("CA 口令不能为空")
        self.name = name
        self._passphrase = passphrase
        self._keys = keys
        self._certificates = certificates
        self._issued = issued
        self._revoked = revoked
        self._crl_number = crl_number
        tsa_key = keys["tsa"]
        if not isinstance(tsa_key, rsa.RSAPrivateKey):
            raise CaError("时间戳服务密钥必须是 RSA 密钥")
        self.timestamp_authority = TimestampAuthority(certificates["tsa"], tsa_key)

    @classmethod
    def create(
        cls, name: str, passphrase: str, *, now: datetime | None = None
    ) -> CertificateAuthority:
        now = now or datetime.now(UTC)
        root_key, issuing_key = profiles.new_key("ec"), profiles.new_key("ec")
        tsa_key = profiles.new_key("rsa")  # RFC 3161 clients expect RSA most widely
        root = profiles.root_certificate(name, root_key, now)
        start, end = now - profiles.CLOCK_SKEW, now + timedelta(days=10 * 365)
        issuing = profiles.issued_certificate(
            root, root_key, profiles.ca_subject(name, "签发 CA"), issuing_key.public_key(),
            start, end, role="ca",
        )  # fmt: skip
        tsa = profiles.issued_certificate(
            root, root_key, profiles.ca_subject(name, "时间戳服务"), tsa_key.public_key(),
            start, end, role="tsa",
        )  # fmt: skip
        return cls(
            name=name,
            passphrase=passphrase,
            keys={"root": root_key, "issuing": issuing_key, "tsa": tsa_key},
            certificates={"root": root, "issuing": issuing, "tsa": tsa},
            issued={},
            revoked={},
            crl_number=0,
        )

    # ---- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-able state; private keys encrypted under the CA passphrase."""
        encryption = serialization.BestAvailableEncryption(self._passphrase.encode("utf-8"))
        pem = serialization.Encoding.PEM
        return {
            "version": _STATE_VERSION,
            "name": self.name,
            "keys": {
                role: key.private_bytes(pem, serialization.PrivateFormat.PKCS8, encryption).decode()
                for role, key in self._keys.items()
            },
            "certificates": {
                role: cert.public_bytes(pem).decode() for role, cert in self._certificates.items()
            },
            "issued": {format(serial, "x"): record for serial, record in self._issued.items()},
            "revoked": {format(serial, "x"): record for serial, record in self._revoked.items()},
            "crl_number": self._crl_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], passphrase: str) -> CertificateAuthority:
        if data.get("version") != _STATE_VERSION:
            raise CaError(f"不支持的 CA 状态版本：{data.get('version')}")
        keys: dict[str, SigningKey] = {}
        for role, pem in data["keys"].items():
            try:
                key = serialization.load_pem_private_key(pem.encode(), passphrase.encode("utf-8"))
            except (ValueError, TypeError) as exc:
                raise CaError("CA 口令错误，无法解密 CA 私钥") from exc
            if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
                raise CaError(f"CA 私钥类型不受支持：{role}")
            keys[role] = key
        return cls(
            name=data["name"],
            passphrase=passphrase,
            keys=keys,
            certificates={
                role: x509.load_pem_x509_certificate(pem.encode())
                for role, pem in data["certificates"].items()
            },
            issued={int(serial, 16): record for serial, record in data["issued"].items()},
            revoked={int(serial, 16): record for serial, record in data["revoked"].items()},
            crl_number=int(data["crl_number"]),
        )

    def save(self, directory: Path | str) -> None:
        """Write ca.json (mode 0600), root.pem and a fresh crl.der into ``directory``."""
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        crl = self.crl()  # bumps the CRL number, so take it before serialising the state
        state = json.dumps(self.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")
        _atomic_write(path / STATE_FILE, state, mode=0o600)
        root = self.root_certificate.public_bytes(serialization.Encoding.PEM)
        _atomic_write(path / ROOT_FILE, root)
        _atomic_write(path / CRL_FILE, crl)

    @classmethod
    def load(cls, directory: Path | str, passphrase: str) -> CertificateAuthority:
        try:
            text = (Path(directory) / STATE_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CaError(f"CA 目录中没有 {STATE_FILE}：{directory}") from None
        return cls.from_dict(json.loads(text), passphrase)

    @classmethod
    def open(
        cls, directory: Path | str, passphrase: str, name: str = "框采演示"
    ) -> CertificateAuthority:
        """Load the CA in ``directory``, creating (and saving) it on first use."""
        if (Path(directory) / STATE_FILE).exists():
            return cls.load(directory, passphrase)
        authority = cls.create(name, passphrase)
        authority.save(directory)
        return authority

    # ---- certificates -------------------------------------------------------------------
    @property
    def root_certificate(self) -> x509.Certificate:
        return self._certificates["root"]

    @property
    def issuing_certificate(self) -> x509.Certificate:
        return self._certificates["issuing"]

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root_certificate]

    @property
    def chain(self) -> list[x509.Certificate]:
        """Intermediates between a holder certificate and the root."""
        return [self.issuing_certificate]

    def issue_organisation(
        self,
        org_name: str,
        uscc: str,
        pin: str,
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_type: KeyType = "ec",
    ) -> IssuedCredential:
        """Issue a 单位证书; the uscc is validated first (InvalidCode says what is wrong)."""
        org_name = _clean_name(org_name, "单位名称")
        code = validate_uscc(uscc)
        record = {"kind": HolderKind.ORGANISATION.value, "name": org_name, "uscc": code}
        subject = profiles.organisation_subject(org_name, code)
        return self._issue(subject, record, pin, not_before, not_after, key_type)

    def issue_person(
        self,
        name: str,
        id_number: str,
        pin: str,
        *,
        org_name: str | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_type: KeyType = "ec",
    ) -> IssuedCredential:
        """Issue a 个人证书; the ID number is validated first (InvalidCode says what is wrong)."""
        name = _clean_name(name, "姓名")
        number = validate_id_number(id_number)
        employer = _clean_name(org_name, "单位名称") if org_name else None
        record = {"kind": HolderKind.PERSON.value, "name": name, "id_number": number}
        subject = profiles.person_subject(name, number, employer)
        return self._issue(subject, record, pin, not_before, not_after, key_type)

    def _issue(
        self,
        subject: x509.Name,
        record: dict[str, str],
        pin: str,
        not_before: datetime | None,
        not_after: datetime | None,
        key_type: KeyType,
    ) -> IssuedCredential:
        start = not_before or datetime.now(UTC) - profiles.CLOCK_SKEW
        end = not_after or start + DEFAULT_VALIDITY
        if end <= start:
            raise CaError("证书有效期结束时间必须晚于开始时间")
        key = profiles.new_key(key_type)
        certificate = profiles.issued_certificate(
            self.issuing_certificate, self._keys["issuing"], subject, key.public_key(),
            start, end, role="holder",
        )  # fmt: skip
        chain = [self.issuing_certificate, self.root_certificate]
        p12 = pack_p12(key, certificate, chain, pin, friendly_name=record["name"])
        self._issued[certificate.serial_number] = {**record, "not_after": end.isoformat()}
        return IssuedCredential(p12=p12, certificate=certificate)

    # ---- revocation ---------------------------------------------------------------------
    def revoke(
        self,
        serial: int,
        *,
        at: datetime | None = None,
        reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
    ) -> None:
        """Put an issued certificate on the CRL (idempotent)."""
        if serial not in self._issued:
            raise CaError(f"本 CA 未签发序列号为 {serial:x} 的证书")
        if serial not in self._revoked:
            when = at or datetime.now(UTC)
            self._revoked[serial] = {"at": when.isoformat(), "reason": reason.value}

    def is_revoked(self, serial: int) -> bool:
        return serial in self._revoked

    def revoked_serials(self) -> frozenset[int]:
        """The serial numbers every CRL of this CA lists (without signing one)."""
        return frozenset(int(serial) for serial in self._revoked)

    def crl(self, *, now: datetime | None = None) -> bytes:
        """A DER CRL signed by the issuing CA listing every revoked holder certificate."""
        self._crl_number += 1
        revoked = [
            (serial, datetime.fromisoformat(entry["at"]), x509.ReasonFlags(entry["reason"]))
            for serial, entry in sorted(self._revoked.items())
        ]
        crl = profiles.revocation_list(
            self.issuing_certificate, self._keys["issuing"], revoked, self._crl_number,
            now or datetime.now(UTC), _CRL_LIFETIME,
        )  # fmt: skip
        return crl.public_bytes(serialization.Encoding.DER)

    # ---- time stamps --------------------------------------------------------------------
    def timestamper(self) -> TimeStamper:
        """An in-process pyHanko TimeStamper backed by this CA's TSA."""
        return self.timestamp_authority.timestamper()

    def timestamp_response(self, request_der: bytes) -> bytes:
        """RFC 3161: DER TimeStampReq in, DER TimeStampResp out (for an HTTP route)."""
        return self.timestamp_authority.timestamp_response(request_der)


def _clean_name(value: str, label: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidCode(f"{label}不能为空")
    if len(cleaned) > 64:  # X.520 upper bound for commonName / organizationName
        raise InvalidCode(f"{label}不能超过 64 个字符")
    return cleaned


def _atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
