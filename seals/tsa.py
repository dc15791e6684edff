"""A local RFC 3161 time-stamping authority (时间戳服务) for the demo CA.

:class:`TimestampAuthority` answers time-stamp requests with its RSA key (loaded once, reused
for every token). Use it in process through :meth:`TimestampAuthority.timestamper` (a pyHanko
``TimeStamper``), or serve :meth:`TimestampAuthority.timestamp_response` over HTTP
(``POST`` ``application/timestamp-query`` → ``application/timestamp-reply``) so that pyHanko's
``HTTPTimeStamper`` or any RFC 3161 client can use it.

pyHanko's ``DummyTimeStamper`` would also do, but it re-parses its private key for every token;
this one keeps the parsed key.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign.general import as_signing_certificate_v2, simple_cms_attribute
from pyhanko.sign.timestamps import TimeStamper

from seals.certcheck import to_asn1

# 2.25.<UUID> arc (ITU-T X.667): free to use without registration. Policy: demo only.
TSA_POLICY_OID = "2.25.36993133761379940424398918648645496112"
_DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


class TimestampAuthority:
    """Signs RFC 3161 time-stamp tokens with an RSA key and a timeStamping certificate."""

    def __init__(self, certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
        self._certificate = certificate
        self._asn1_certificate: asn1_x509.Certificate = to_asn1(certificate)
        self._key = key

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def respond(self, request: tsp.TimeStampReq, at: datetime | None = None) -> tsp.TimeStampResp:
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        digest = imprint["hashed_message"].native
        if _DIGEST_SIZES.get(algorithm) != len(digest):
            raise UnsupportedDigest(algorithm)
        gen_time = (at or datetime.now(UTC)).replace(microsecond=0)
        tst_info_args: dict[str, object] = {
            "version": "v1",
            "policy": TSA_POLICY_OID,
            "message_imprint": imprint,
            "serial_number": secrets.randbits(63),
            "gen_time": gen_time,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(
                name="directory_name", value=self._asn1_certificate.subject
            ),
        }
        if request["nonce"].native is not None:
            tst_info_args["nonce"] = request["nonce"]
        tst_info = tsp.TSTInfo(tst_info_args)
        token = self._sign(tst_info.dump(), gen_time, include_cert=bool(request["cert_req"].native))
        status = tsp.PKIStatusInfo({"status": tsp.PKIStatus("granted")})
        return tsp.TimeStampResp({"status": status, "time_stamp_token": token})

    def timestamp_response(self, request_der: bytes) -> bytes:
        """DER time-stamp request in, DER time-stamp response out (rejections included)."""
        try:
            request = tsp.TimeStampReq.load(request_der)
            request.native  # noqa: B018 - force a full parse so garbage is rejected here
        except (ValueError, TypeError):
            return _rejection("bad_data_format", "malformed request")
        try:
            return self.respond(request).dump()
        except UnsupportedDigest as exc:
            return _rejection("bad_alg", f"unsupported digest algorithm {exc.args[0]}")

    def timestamper(self) -> TimeStamper:
        return LocalTimeStamper(self)

    def _sign(self, tst_info_der: bytes, gen_time: datetime, include_cert: bool) -> cms.ContentInfo:
        digest = hashes.Hash(hashes.SHA256())
        digest.update(tst_info_der)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute(
                    "signing_time", cms.Time({"utc_time": core.UTCTime(gen_time)})
                ),
                simple_cms_attribute(
                    "signing_certificate_v2", as_signing_certificate_v2(self._asn1_certificate)
                ),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        signer_info = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier(
                    {
                        "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                            {
                                "issuer": self._asn1_certificate.issuer,
                                "serial_number": self._asn1_certificate.serial_number,
                            }
                        )
                    }
                ),
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )
        signed_data: dict[str, object] = {
            "version": "v3",
            "digest_algorithms": cms.DigestAlgorithms(
                [algos.DigestAlgorithm({"algorithm": "sha256"})]
            ),
            "encap_content_info": cms.EncapsulatedContentInfo(
                {
                    "content_type": cms.ContentType("tst_info"),
                    "content": cms.ParsableOctetString(tst_info_der),
                }
            ),
            "signer_infos": [signer_info],
        }
        if include_cert:
            signed_data["certificates"] = [self._asn1_certificate]
        return cms.ContentInfo(
            {"content_type": cms.ContentType("signed_data"), "content": cms.SignedData(signed_data)}
        )


class UnsupportedDigest(ValueError):
    """The request's message imprint uses a digest this TSA does not accept."""


class _Rejection(core.Sequence):
    """TimeStampResp without a token: asn1crypto's class wrongly makes the token mandatory."""

    _fields = [("status", tsp.PKIStatusInfo)]


def _rejection(fail_info: str, text: str) -> bytes:
    status = tsp.PKIStatusInfo(
        {
            "status": tsp.PKIStatus("rejection"),
            "status_string": [text],
            "fail_info": tsp.PKIFailureInfo({fail_info}),
        }
    )
    return _Rejection({"status": status}).dump()


class LocalTimeStamper(TimeStamper):
    """pyHanko TimeStamper backed by an in-process :class:`TimestampAuthority`."""

    def __init__(self, authority: TimestampAuthority) -> None:
        super().__init__(include_nonce=True)
        self._authority = authority

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return self._authority.respond(req)
