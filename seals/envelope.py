"""Sealed envelopes (数字信封): bytes encrypted so that only one certificate's key opens them.

A random AES-256-GCM content key encrypts the bytes; the content key is wrapped to the
recipient certificate's public key:

* EC P-256: an ephemeral ECDH key agreement, HKDF-SHA256 over the shared secret (bound to both
  public keys) gives a key-encryption key, which wraps the content key (AES key wrap, RFC 3394);
* RSA: RSA-OAEP with SHA-256 encrypts the content key.

Layout: ``KCENV1`` · 4-byte big-endian header length · header (UTF-8 JSON: algorithms, nonce,
the recipient certificate's SHA-256, the wrapped key) · AES-GCM ciphertext with its tag. The
header is authenticated as additional data, so nothing in it can be swapped unnoticed.

Sealing needs only the certificate (no PIN); opening needs the unlocked private key. A pure
module: bytes and ``cryptography`` objects in, bytes out; no web framework, no database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from seals.errors import SealsError
from seals.profiles import SigningKey

MAGIC = b"KCENV1"
EC_WRAP = "ECDH-ES-P256+HKDF-SHA256+A256KW"
RSA_WRAP = "RSA-OAEP-SHA256"
_INFO = b"kuangcai envelope v1"
_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


class EnvelopeError(SealsError):
    """The envelope is damaged, or the key given is not the one it was sealed to."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise EnvelopeError("数字信封格式错误")
    return base64.b64decode(text, validate=True)


def certificate_sha256(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _kek(shared: bytes, ephemeral_spki: bytes, recipient_spki: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None,
                info=_INFO + ephemeral_spki + recipient_spki).derive(shared)


def _wrap(content_key: bytes, certificate: x509.Certificate) -> dict[str, str]:
    public = certificate.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        if not isinstance(public.curve, ec.SECP256R1):
            raise EnvelopeError("只支持 P-256 椭圆曲线证书")
        ephemeral = ec.generate_private_key(ec.SECP256R1())
        epk = ephemeral.public_key().public_bytes(*_SPKI)
        kek = _kek(ephemeral.exchange(ec.ECDH(), public), epk, public.public_bytes(*_SPKI))
        return {"alg": EC_WRAP, "epk": _b64(epk), "wrapped": _b64(aes_key_wrap(kek, content_key))}
    if isinstance(public, rsa.RSAPublicKey):
        wrapped = public.encrypt(content_key, _oaep())
        return {"alg": RSA_WRAP, "wrapped": _b64(wrapped)}
    raise EnvelopeError("只支持 RSA 或 P-256 椭圆曲线证书")


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def unwrap_with(private_key: SigningKey, recipient: dict[str, Any]) -> bytes:
    """The content key, unwrapped with ``private_key`` (what an unlocked key store calls)."""
    try:
        if recipient.get("alg") == EC_WRAP and isinstance(private_key, ec.EllipticCurvePrivateKey):
            epk = _unb64(recipient.get("epk"))
            ephemeral = serialization.load_der_public_key(epk)
            if not isinstance(ephemeral, ec.EllipticCurvePublicKey):
                raise EnvelopeError("数字信封格式错误")
            shared = private_key.exchange(ec.ECDH(), ephemeral)
            kek = _kek(shared, epk, private_key.public_key().public_bytes(*_SPKI))
            return aes_key_unwrap(kek, _unb64(recipient.get("wrapped")))
        if recipient.get("alg") == RSA_WRAP and isinstance(private_key, rsa.RSAPrivateKey):
            return private_key.decrypt(_unb64(recipient.get("wrapped")), _oaep())
    except (ValueError, InvalidUnwrap) as exc:
        raise EnvelopeError("该证书不能打开此数字信封") from exc
    raise EnvelopeError("该证书不能打开此数字信封（密钥类型不符）")


def seal_envelope(plaintext: bytes, certificate: x509.Certificate) -> bytes:
    """``plaintext`` encrypted so that only the holder of ``certificate``'s key opens it."""
    content_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    header = json.dumps({
        "v": 1, "enc": "A256GCM", "nonce": _b64(nonce),
        "recipient": {"cert_sha256": certificate_sha256(certificate),
                      **_wrap(content_key, certificate)},
    }, separators=(",", ":"), sort_keys=True).encode("utf-8")
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    return prefix + AESGCM(content_key).encrypt(nonce, plaintext, prefix)


def header_of(envelope: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """The parsed header, the authenticated prefix and the ciphertext."""
    if not envelope.startswith(MAGIC) or len(envelope) < len(MAGIC) + 4:
        raise EnvelopeError("不是框采数字信封")
    (length,) = struct.unpack(">I", envelope[len(MAGIC):len(MAGIC) + 4])
    end = len(MAGIC) + 4 + length
    try:
        header = json.loads(envelope[len(MAGIC) + 4:end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError("数字信封格式错误") from exc
    if not isinstance(header, dict) or header.get("v") != 1 or end >= len(envelope):
        raise EnvelopeError("数字信封格式错误")
    return header, envelope[:end], envelope[end:]


def open_envelope(envelope: bytes, private_key: SigningKey) -> bytes:
    """The plaintext; :class:`EnvelopeError` if damaged or sealed to another key."""
    header, prefix, ciphertext = header_of(envelope)
    recipient = header.get("recipient")
    if not isinstance(recipient, dict):
        raise EnvelopeError("数字信封格式错误")
    content_key = unwrap_with(private_key, recipient)
    try:
        return AESGCM(content_key).decrypt(_unb64(header.get("nonce")), ciphertext, prefix)
    except (InvalidTag, ValueError) as exc:
        raise EnvelopeError("数字信封已损坏（密文校验失败）") from exc
