"""PAdES seals (签章) with pyHanko: one visible, timestamped signature per incremental update.

Two ways in, one code path:

* :func:`seal_pdf` – PDF bytes, a :class:`~seals.keystore.KeyCustody` and a :class:`SealSpec`
  in, sealed bytes out. It simply runs the three steps below in a row.
* The interrupted flow, so that the private-key step stays out of background jobs:

  1. :func:`prepare` (background job, no key): adds the signature field, the seal image and a
     placeholder for the signature to the PDF, computes the ``/ByteRange`` digest and the CMS
     signed attributes (PAdES: content type, message digest, ESS signing-certificate-v2).
     Returns a :class:`PreparedSeal` – plain bytes, JSON-able via ``to_dict`` – holding the
     prepared PDF, where the placeholder sits, the DER signed attributes and their digest.
  2. :func:`sign_digest` (the web request that carries the PIN): the custody signs the digest
     of the signed attributes. The only step that touches a key.
  3. :func:`finish` (anywhere): checks the signature value against the certificate, wraps it
     with the signed attributes into a CMS ``SignedData`` (pyHanko ``ExternalSigner`` +
     ``async_sign_prescribed_attributes``), asks the TSA for a signature time-stamp token over
     the signature value (PAdES B-T, an unsigned attribute) and writes the CMS into the
     placeholder (``PdfTBSDocument.async_finish_signing``).

The first seal on a document certifies it (DocMDP ``FILL_FORMS``) and reserves the places of
the later seals (:mod:`seals.placement`): signing those reserved fields stays permitted, any
other change breaks the certification. Withdrawing a seal (撤章) is
:func:`seals.revisions.withdraw_last`.

pyHanko 0.38 offers the interrupted flow as ``PdfSigner.async_digest_doc_for_signing``
(→ ``PreparedByteRangeDigest`` + the prepared output) and ``PdfTBSDocument.finish_signing``;
everything between is plain bytes, which is all :class:`PreparedSeal` stores. These functions
run their own event loop (``asyncio.run``): call them from synchronous code (web request, job).
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from seals.asyncrun import run_sync
from seals.certcheck import check_certificate, check_validity_period, to_asn1
from seals.errors import SealingError
from seals.keystore import KeyCustody, hash_algorithm
from seals.placement import SealSpec, place, stamp_style

DEFAULT_MD = "sha256"
# Room kept for the signature time-stamp token added in finish(); a token from our TSA is
# about 2 KB, public TSAs that embed their chain up to ~6 KB.
TIMESTAMP_ALLOWANCE = 8192


@dataclass(frozen=True)
class PreparedSeal:
    """Everything :func:`sign_digest` and :func:`finish` need; no key material.

    ``digest`` = ``md_algorithm(signed_attributes)`` is what the key signs.
    """

    field_name: str
    prepared_pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attributes: bytes
    md_algorithm: str
    digest: bytes
    certificate: bytes
    chain: tuple[bytes, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (bytes as base64) to hand between job and web request."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, bytes):
                out[key] = base64.b64encode(value).decode("ascii")
            elif isinstance(value, tuple):
                out[key] = [base64.b64encode(item).decode("ascii") for item in value]
            else:
                out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreparedSeal:
        def raw(key: str) -> bytes:
            return base64.b64decode(data[key], validate=True)

        return cls(
            field_name=data["field_name"],
            prepared_pdf=raw("prepared_pdf"),
            document_digest=raw("document_digest"),
            reserved_region_start=int(data["reserved_region_start"]),
            reserved_region_end=int(data["reserved_region_end"]),
            signed_attributes=raw("signed_attributes"),
            md_algorithm=data["md_algorithm"],
            digest=raw("digest"),
            certificate=raw("certificate"),
            chain=tuple(base64.b64decode(item, validate=True) for item in data["chain"]),
        )


def seal_pdf(
    pdf_bytes: bytes,
    custody: KeyCustody,
    spec: SealSpec,
    timestamper: TimeStamper | None,
    *,
    trust_roots: Sequence[x509.Certificate] = (),
    crls: Sequence[bytes] = (),
    at: datetime | None = None,
) -> bytes:
    """Seal in one go: :func:`prepare`, :func:`sign_digest`, :func:`finish`."""
    prepared = prepare(
        pdf_bytes,
        spec,
        custody.certificate,
        chain=custody.chain,
        trust_roots=trust_roots,
        crls=crls,
        at=at,
    )
    return finish(prepared, sign_digest(custody, prepared, at=at), timestamper)


def prepare(
    pdf_bytes: bytes,
    spec: SealSpec,
    certificate: x509.Certificate,
    *,
    chain: Sequence[x509.Certificate] = (),
    trust_roots: Sequence[x509.Certificate] = (),
    crls: Sequence[bytes] = (),
    at: datetime | None = None,
    md_algorithm: str = DEFAULT_MD,
    timestamp_allowance: int = TIMESTAMP_ALLOWANCE,
) -> PreparedSeal:
    """Put the seal's field, appearance and placeholder in; return what is left to sign.

    The placeholder holds the CMS signature plus ``timestamp_allowance`` bytes for the
    time-stamp token ``finish`` adds: pass ``timestamp_allowance_for(timestamper)`` to size
    it from the real token instead of the generous default."""
    check_certificate(certificate, chain=chain, trust_roots=trust_roots, crls=crls, at=at)
    hash_algorithm(md_algorithm)  # refuse unknown algorithms before any work
    try:
        return run_sync(_prepare(pdf_bytes, spec, certificate, list(chain), md_algorithm,
                                 timestamp_allowance))
    except (SigningError, PdfError) as exc:
        raise SealingError(f"无法在文件上签章：{exc}") from exc


async def _prepare(
    pdf_bytes: bytes,
    spec: SealSpec,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    md_algorithm: str,
    timestamp_allowance: int,
) -> PreparedSeal:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    placement = place(writer, spec)
    signer = signers.ExternalSigner(
        signing_cert=to_asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),
        signature_value=_max_signature_length(certificate),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=spec.field_name,
        md_algorithm=md_algorithm,
        reason=spec.reason,
        location=spec.location,
        certify=placement.certify,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=stamp_style(spec.image_png),
        new_field_spec=placement.new_field,
    )
    # The CMS grows by the time-stamp token in finish(); reserve for it now (hex: 2 × DER).
    dry_run = await signer.async_sign(
        bytes(hash_algorithm(md_algorithm).digest_size), md_algorithm, dry_run=True, use_pades=True
    )
    bytes_reserved = 2 * (len(dry_run.dump()) + timestamp_allowance)
    buffer = io.BytesIO()
    prepared_digest, _tbs, _output = await pdf_signer.async_digest_doc_for_signing(
        writer, bytes_reserved=bytes_reserved, output=buffer
    )
    signed_attrs = await signer.signed_attrs(
        prepared_digest.document_digest, md_algorithm, use_pades=True
    )
    signed_der = signed_attrs.dump()
    return PreparedSeal(
        field_name=spec.field_name,
        prepared_pdf=buffer.getvalue(),
        document_digest=prepared_digest.document_digest,
        reserved_region_start=prepared_digest.reserved_region_start,
        reserved_region_end=prepared_digest.reserved_region_end,
        signed_attributes=signed_der,
        md_algorithm=md_algorithm,
        digest=hashlib.new(md_algorithm, signed_der).digest(),
        certificate=certificate.public_bytes(serialization.Encoding.DER),
        chain=tuple(c.public_bytes(serialization.Encoding.DER) for c in chain),
    )


def timestamp_allowance_for(timestamper: TimeStamper | None,
                            md_algorithm: str = DEFAULT_MD) -> int:
    """Room for one of this TSA's tokens: the size of a token over a dummy digest, with a
    margin for the fields that vary (serial number, time, nonce); 0 without a TSA."""
    if timestamper is None:
        return 0
    digest = bytes(hash_algorithm(md_algorithm).digest_size)
    token = run_sync(timestamper.async_timestamp(digest, md_algorithm))
    return len(token.dump()) + 256


def sign_digest(
    custody: KeyCustody, prepared: PreparedSeal, *, at: datetime | None = None
) -> bytes:
    """The key step: the custody signs ``prepared.digest``. Nothing else touches a key."""
    if custody.certificate.public_bytes(serialization.Encoding.DER) != prepared.certificate:
        raise SealingError("签章证书与准备签章时的证书不一致")
    check_validity_period(custody.certificate, at)
    return custody.sign_digest(prepared.digest, prepared.md_algorithm)


def finish(prepared: PreparedSeal, signature: bytes, timestamper: TimeStamper | None) -> bytes:
    """Embed the CMS signature (and the signature time-stamp) into the prepared PDF."""
    certificate = x509.load_der_x509_certificate(prepared.certificate)
    _check_prepared(prepared)
    _check_signature_value(certificate, prepared, signature)
    try:
        return run_sync(_finish(prepared, signature, timestamper))
    except (SigningError, PdfError) as exc:
        raise SealingError(f"无法完成签章：{exc}") from exc


async def _finish(
    prepared: PreparedSeal, signature: bytes, timestamper: TimeStamper | None
) -> bytes:
    signer = signers.ExternalSigner(
        signing_cert=to_asn1(x509.load_der_x509_certificate(prepared.certificate)),
        cert_registry=SimpleCertificateStore.from_certs(
            [to_asn1(x509.load_der_x509_certificate(der)) for der in prepared.chain]
        ),
        signature_value=signature,
    )
    signed_data = await signer.async_sign_prescribed_attributes(
        prepared.md_algorithm,
        signed_attrs=cms.CMSAttributes.load(prepared.signed_attributes),
        timestamper=timestamper,
    )
    room = (prepared.reserved_region_end - prepared.reserved_region_start - 2) // 2
    if len(signed_data.dump()) > room:
        raise SealingError("签名数据超出预留空间（时间戳过大），请重新准备签章")
    output = io.BytesIO(prepared.prepared_pdf)
    await PdfTBSDocument.async_finish_signing(
        output,
        PreparedByteRangeDigest(
            document_digest=prepared.document_digest,
            reserved_region_start=prepared.reserved_region_start,
            reserved_region_end=prepared.reserved_region_end,
        ),
        signed_data,
    )
    return output.getvalue()


def _check_prepared(prepared: PreparedSeal) -> None:
    """Refuse a PreparedSeal altered since prepare() (it may have sat in a job queue)."""
    pdf = prepared.prepared_pdf
    md = hashlib.new(prepared.md_algorithm)
    md.update(pdf[: prepared.reserved_region_start])
    md.update(pdf[prepared.reserved_region_end :])
    if md.digest() != prepared.document_digest:
        raise SealingError("待签章文件已被改动，请重新准备签章")
    if hashlib.new(prepared.md_algorithm, prepared.signed_attributes).digest() != prepared.digest:
        raise SealingError("待签名摘要与签名属性不一致")
    attrs = cms.CMSAttributes.load(prepared.signed_attributes)
    digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    if digests != [prepared.document_digest]:
        raise SealingError("签名属性中的文件摘要与待签章文件不一致")


def _check_signature_value(
    certificate: x509.Certificate, prepared: PreparedSeal, signature: bytes
) -> None:
    key = certificate.public_key()
    prehashed = utils.Prehashed(hash_algorithm(prepared.md_algorithm))
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, prepared.digest, padding.PKCS1v15(), prehashed)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, prepared.digest, ec.ECDSA(prehashed))
        else:
            raise SealingError("只支持 RSA 或椭圆曲线（ECDSA）证书")
    except InvalidSignature:
        raise SealingError("签名值与证书公钥不匹配，签章未完成") from None


def _max_signature_length(certificate: x509.Certificate) -> bytes:
    """A placeholder as long as the longest signature this key can make (for size estimates)."""
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return bytes((key.key_size + 7) // 8)
    if isinstance(key, ec.EllipticCurvePublicKey):
        order_bytes = (key.curve.key_size + 7) // 8
        return bytes(2 * (order_bytes + 3) + 3)  # DER SEQUENCE of two INTEGERs, worst case
    raise SealingError("只支持 RSA 或椭圆曲线（ECDSA）证书")
