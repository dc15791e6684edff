"""Submission receipts (回执): a SHA-256 with an RFC 3161 time-stamp token over it.

:func:`issue_token` asks a :class:`~seals.tsa.TimestampAuthority` for a token over a digest;
:func:`check_token` proves later that the token was signed by the TSA certificate (itself
issued by a trusted root), that it covers exactly the given SHA-256, and returns its time.
Pure: bytes and certificates in, a plain result out.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from seals.errors import SealsError
from seals.tsa import TimestampAuthority


class ReceiptInvalid(SealsError):
    """The receipt does not prove what it claims; the message says why, in Chinese."""


@dataclass(frozen=True)
class ReceiptCheck:
    sha256: str
    timestamped_at: datetime
    tsa_subject: str


def issue_token(tsa: TimestampAuthority, sha256_hex: str) -> bytes:
    """A DER time-stamp token (CMS ContentInfo) over ``sha256_hex``."""
    request = tsp.TimeStampReq({
        "version": "v1",
        "message_imprint": tsp.MessageImprint({
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "hashed_message": bytes.fromhex(sha256_hex)}),
        "nonce": secrets.randbits(63),
        "cert_req": True,
    })
    response = tsa.respond(request)
    token: bytes = response["time_stamp_token"].dump()
    return token


def _verify_signature(certificate: x509.Certificate, signature: bytes, data: bytes) -> None:
    public = certificate.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    else:
        raise ReceiptInvalid("时间戳证书的密钥类型不受支持")


def check_token(token_der: bytes, sha256_hex: str, tsa_certificate: x509.Certificate,
                trust_roots: Sequence[x509.Certificate]) -> ReceiptCheck:
    """Check ``token_der`` against ``sha256_hex``; :class:`ReceiptInvalid` says what failed."""
    try:
        info = cms.ContentInfo.load(token_der)
        signed = info["content"]
        tst_der = signed["encap_content_info"]["content"].parsed.dump()
        tst = tsp.TSTInfo.load(tst_der)
        signer = signed["signer_infos"][0]
        attrs = signer["signed_attrs"]
        imprint = tst["message_imprint"]["hashed_message"].native
        algorithm = tst["message_imprint"]["hash_algorithm"]["algorithm"].native
        gen_time = tst["gen_time"].native
        digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ReceiptInvalid("回执中的时间戳格式错误") from exc
    if algorithm != "sha256" or imprint != bytes.fromhex(sha256_hex):
        raise ReceiptInvalid("时间戳所证明的摘要与密文的 SHA-256 不一致"
                             "（文件已被改动，或不是这份回执的文件）")
    if digests != [hashlib.sha256(tst_der).digest()]:
        raise ReceiptInvalid("时间戳内容与其签名不符")
    try:
        _verify_signature(tsa_certificate, signer["signature"].native, attrs.untag().dump())
    except InvalidSignature as exc:
        raise ReceiptInvalid("时间戳签名验证失败") from exc
    if not any(_issued_by(tsa_certificate, root) for root in trust_roots):
        raise ReceiptInvalid("时间戳服务证书不是受信任的根证书签发的")
    return ReceiptCheck(sha256_hex, gen_time, tsa_certificate.subject.rfc4514_string())


def _issued_by(certificate: x509.Certificate, root: x509.Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
