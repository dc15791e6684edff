"""Key custody: the one seam between sealing and wherever private keys live.

Sealing code never sees a private key. It talks to a :class:`KeyCustody`:

* ``certificate`` – the holder's X.509 certificate (``cryptography`` object);
* ``chain`` – intermediate CA certificates to embed so verifiers can build the path;
* ``sign_digest(digest, algorithm)`` – sign an already computed hash (``algorithm`` names it,
  e.g. ``"sha256"``) and return the raw signature value: PKCS#1 v1.5 for RSA keys, DER-encoded
  ``ECDSA-Sig-Value`` for EC keys – what goes into a CMS ``SignerInfo``.

The built-in store below keeps keys as PKCS#12 files encrypted under the holder's PIN and
signs in process (:class:`UnlockedKey`). A USB key (PKCS#11 token), an HSM or a remote signing
service replaces it by implementing the same three members; since only a digest crosses the
seam, such a device never needs the PDF. Nothing else in ``seals`` has to change.

Private keys are only ever stored encrypted: :func:`pack_p12` is the only serialiser and it
always encrypts under a PIN. :func:`unlock` loads a key once; reuse the :class:`UnlockedKey`
for every signature in a request instead of re-parsing the file (RSA parsing costs ~70 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from seals.certcheck import check_certificate
from seals.errors import InvalidKeyFile, SealsError, WrongPin
from seals.profiles import SigningKey

MIN_PIN_LENGTH = 6

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@runtime_checkable
class KeyCustody(Protocol):
    """Whatever holds a private key and can sign a digest with it."""

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> Sequence[x509.Certificate]: ...

    def sign_digest(self, digest: bytes, algorithm: str) -> bytes: ...


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    try:
        return _HASHES[name.lower()]()
    except KeyError:
        raise SealsError(f"不支持的摘要算法：{name}") from None


class UnlockedKey:
    """A private key held in this process after the PIN opened its PKCS#12 file."""

    __slots__ = ("_key", "_certificate", "_chain")

    def __init__(
        self, key: SigningKey, certificate: x509.Certificate, chain: Sequence[x509.Certificate]
    ) -> None:
        self._key = key
        self._certificate = certificate
        self._chain = tuple(chain)

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        return self._chain

    def sign_digest(self, digest: bytes, algorithm: str) -> bytes:
        algo = hash_algorithm(algorithm)
        if len(digest) != algo.digest_size:
            raise SealsError(f"摘要长度与算法 {algorithm} 不符")
        prehashed = utils.Prehashed(algo)
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(digest, padding.PKCS1v15(), prehashed)
        return self._key.sign(digest, ec.ECDSA(prehashed))

    def __repr__(self) -> str:  # never show key material, even in tracebacks
        subject = self._certificate.subject.rfc4514_string()
        return f"<UnlockedKey {subject} serial={self._certificate.serial_number:x}>"


def _check_pin(pin: str) -> bytes:
    if len(pin) < MIN_PIN_LENGTH:
        raise SealsError(f"证书密码至少 {MIN_PIN_LENGTH} 位")
    return pin.encode("utf-8")


def pack_p12(
    key: SigningKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    pin: str,
    friendly_name: str = "kuangcai",
) -> bytes:
    """Serialise key + certificate + CA chain as PKCS#12, encrypted under ``pin``."""
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        key,
        certificate,
        list(chain) or None,
        serialization.BestAvailableEncryption(_check_pin(pin)),
    )


def rewrap_p12(p12: bytes, pin: str, kdf_rounds: int) -> bytes:
    """The same key and certificates, encrypted again under ``pin`` with ``kdf_rounds``
    iterations of PBKDF2-SHA256 (AES-256): a file copied off the server then costs every
    guess ``kdf_rounds`` hashes, not the few thousand most issuers use.

    The result has no MAC: ``cryptography`` derives the MAC key with a fixed 2,048 rounds,
    which would give a guesser a cheap test of each PIN beside the expensive decryption. A
    PKCS#12 without MAC is valid (RFC 7292 makes ``macData`` optional) and :func:`unlock`
    still proves the file whole: the key must decrypt and match the certificate, whose chain
    is checked at every use. Raises like :func:`unlock` when the PIN does not open ``p12``."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(p12, pin.encode("utf-8"))
    except ValueError as exc:
        raise WrongPin() from exc
    if key is None or certificate is None:
        raise InvalidKeyFile("证书文件中没有私钥或证书")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidKeyFile("只支持 RSA 或椭圆曲线（ECDSA）密钥")
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(kdf_rounds)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(_check_pin(pin))
    )
    wrapped = asn1_pkcs12.Pfx.load(pkcs12.serialize_key_and_certificates(
        b"kuangcai", key, certificate, list(others) or None, encryption))
    return asn1_pkcs12.Pfx({"version": wrapped["version"],
                            "auth_safe": wrapped["auth_safe"]}).dump()


def kdf_rounds_of(p12: bytes) -> int:
    """The PBKDF2 rounds protecting the private key in ``p12``, 0 when it has a MAC (whose
    cheap derivation bounds the cost of a guess) or when it cannot be told."""
    try:
        pfx = asn1_pkcs12.Pfx.load(p12)
        if pfx["mac_data"].native is not None:
            return 0
        rounds = [
            bag["bag_value"]["encryption_algorithm"]["parameters"]["key_derivation_func"][
                "parameters"]["iteration_count"].native
            for info in asn1_pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
            if info["content_type"].native == "data"
            for bag in asn1_pkcs12.SafeContents.load(info["content"].native)
            if bag["bag_id"].native == "pkcs8_shrouded_key_bag"
        ]
    except (ValueError, TypeError, KeyError):
        return 0
    return min(rounds) if rounds else 0


def unlock(p12: bytes, pin: str) -> UnlockedKey:
    """Open a PKCS#12 file with the holder's PIN; WrongPin (证书密码错误) if it does not fit."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(p12, pin.encode("utf-8"))
    except ValueError as exc:
        # cryptography reports a wrong password and a damaged file with the same exception;
        # a file that is not even DER-shaped cannot be PKCS#12 at all.
        if not p12[:1] == b"\x30":
            raise InvalidKeyFile("证书文件格式错误（应为 PKCS#12 .p12/.pfx 文件）") from exc
        raise WrongPin() from exc
    if key is None or certificate is None:
        raise InvalidKeyFile("证书文件中没有私钥或证书")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise InvalidKeyFile("只支持 RSA 或椭圆曲线（ECDSA）密钥")
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if key.public_key().public_bytes(*spki) != certificate.public_key().public_bytes(*spki):
        raise InvalidKeyFile("证书文件中的私钥与证书不匹配")
    chain = [cert for cert in others if cert.subject != cert.issuer]
    return UnlockedKey(key, certificate, chain)


def import_p12(
    p12: bytes,
    pin: str,
    trust_roots: Sequence[x509.Certificate],
    *,
    crls: Sequence[bytes] = (),
    at: datetime | None = None,
) -> UnlockedKey:
    """Open a PKCS#12 file from any CA and refuse it unless it may seal.

    Checked like our own certificates: validity period, signing key usage, a chain to one of
    ``trust_roots``, and revocation in the given CRLs.
    """
    unlocked = unlock(p12, pin)
    check_certificate(
        unlocked.certificate, chain=unlocked.chain, trust_roots=trust_roots, crls=crls, at=at
    )
    return unlocked


def open_envelope(envelope: bytes, key: UnlockedKey) -> bytes:
    """Decrypt a sealed envelope (:mod:`seals.envelope`) with an unlocked key; the key stays in
    its custody object, as for signing."""
    from seals.envelope import open_envelope as _open

    return _open(envelope, key._key)  # noqa: SLF001 - the one other use of the key, here
