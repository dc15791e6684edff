"""Verify every seal in a PDF and say, in plain data, what holds and what does not.

pyHanko does the work (integrity, signature value, chain to the given roots, CRLs, the
signature time-stamp, difference analysis of later revisions against DocMDP); this module
turns its status objects into :class:`VerificationReport` (plain frozen dataclasses) with the
identity fields the portal needs (uscc, ID number) and Chinese reasons.

Judgement per seal is pyHanko's ``bottom_line`` – never ``valid`` alone: a tampered file can
still report ``valid=True`` with ``intact=False``. The report as a whole is ``ok`` when there is
at least one seal, every seal's bottom line holds, and whatever was appended after the last
seal is a change the certification permits. Validation is at ``at`` (default: now); long-term
validation at the time-stamp's time (PAdES B-LT/LTA) is not done here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from seals.certcheck import revocation_status, to_asn1
from seals.identity import HolderKind, common_name_of, identity_of
from seals.party import NamedParty, party_of_reason
from seals.report_text import render_text

_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})


class Coverage(StrEnum):
    WHOLE_FILE = "whole_file"  # nothing was appended after this seal
    EARLIER_REVISION = "earlier_revision"  # later revisions were appended (e.g. more seals)
    PARTIAL = "partial"  # does not even cover its own revision: broken or forged


class LaterChanges(StrEnum):
    NONE = "none"
    SIGNATURES = "signatures"  # later seals / time-stamps only
    FORM_FILLING = "form_filling"  # signing fields and filling forms
    ANNOTATIONS = "annotations"
    OTHER = "other"  # anything else: content changed


@dataclass(frozen=True)
class TimestampReport:
    time: datetime
    valid: bool  # intact, cryptographically valid and from a trusted TSA
    tsa: str


@dataclass(frozen=True)
class SignatureReport:
    field_name: str
    kind: HolderKind
    signer_cn: str
    org_name: str | None
    uscc: str | None
    id_number: str | None
    certificate_serial: str
    certificate_not_after: datetime
    signing_time: datetime | None  # as claimed by the signer (/M)
    timestamp: TimestampReport | None
    certifies: bool  # the certification (DocMDP) signature
    intact: bool  # the signed bytes are unchanged
    signature_valid: bool  # the signature value checks out against the certificate
    coverage: Coverage
    later_changes: LaterChanges | None  # None: could not be analysed
    later_changes_permitted: bool | None
    trusted: bool  # the certificate chains to a trusted root and is valid at validation time
    revocation: str  # "good" | "revoked" | "unknown" (no CRL of the issuer given)
    revoked_at: datetime | None
    bottom_line: bool
    problems: tuple[str, ...] = ()
    #: The party the seal was made for, as written into it (None: the seal names none).
    named_party: NamedParty | None = None

    @property
    def party_matches(self) -> bool | None:
        """Whether the certificate's uscc is that of the party the seal names (None: names
        none)."""
        if self.named_party is None:
            return None
        return self.uscc == self.named_party.uscc


@dataclass(frozen=True)
class VerificationReport:
    signatures: tuple[SignatureReport, ...]
    revisions: int
    modified_after_last_signature: bool
    modification_permitted: bool
    validation_time: datetime | None
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return (
            bool(self.signatures)
            and all(sig.bottom_line and sig.party_matches is not False
                    for sig in self.signatures)
            and (not self.modified_after_last_signature or self.modification_permitted)
            and not self.problems
        )

    def to_text(self) -> str:
        """The report in Chinese, one block per seal (for the CLI and the audit log)."""
        return render_text(self)


def verify_pdf(
    pdf_bytes: bytes,
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[bytes] = (),
    *,
    at: datetime | None = None,
) -> VerificationReport:
    """Check every signature in ``pdf_bytes`` against ``trust_roots`` and ``crls``."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes))
        embedded = list(reader.embedded_regular_signatures)
        revisions = reader.xrefs.total_revisions
    except (PdfError, ValueError) as exc:
        return VerificationReport((), 0, False, False, at, (f"文件无法解析：{exc}",))
    context = ValidationContext(
        trust_roots=[to_asn1(root) for root in trust_roots],
        crls=list(crls),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=at,
    )
    reports = tuple(_report(sig, context, trust_roots, crls, at) for sig in embedded)
    if not reports:
        return VerificationReport((), revisions, False, False, at, ("文件中没有签章",))
    last = reports[-1]
    modified = last.coverage is not Coverage.WHOLE_FILE
    permitted = bool(last.later_changes_permitted) if modified else True
    return VerificationReport(reports, revisions, modified, permitted, at)


def _report(
    sig: EmbeddedPdfSignature,
    context: ValidationContext,
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[bytes],
    at: datetime | None,
) -> SignatureReport:
    status: PdfSignatureStatus = validate_pdf_signature(
        sig, signer_validation_context=context, key_usage_settings=_KEY_USAGE
    )
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    identity = identity_of(cert)
    others = [x509.load_der_x509_certificate(c.dump()) for c in sig.other_embedded_certs]
    revocation, revoked_at = revocation_status(cert, crls, [*others, *trust_roots], at)
    timestamp = None
    if status.timestamp_validity is not None:
        ts = status.timestamp_validity
        timestamp = TimestampReport(
            time=ts.timestamp,
            valid=ts.intact and ts.valid and ts.trusted,
            tsa=common_name_of(x509.load_der_x509_certificate(ts.signing_cert.dump())),
        )
    coverage = {
        SignatureCoverageLevel.ENTIRE_FILE: Coverage.WHOLE_FILE,
        SignatureCoverageLevel.ENTIRE_REVISION: Coverage.EARLIER_REVISION,
    }.get(status.coverage or SignatureCoverageLevel.UNCLEAR, Coverage.PARTIAL)
    level = status.modification_level
    later = None if level is None else _LATER[level]
    permitted = status.docmdp_ok if coverage is Coverage.EARLIER_REVISION else None
    report = SignatureReport(
        field_name=str(sig.field_name),
        kind=identity.kind,
        signer_cn=identity.common_name,
        org_name=identity.org_name,
        uscc=identity.uscc,
        id_number=identity.id_number,
        certificate_serial=identity.serial_hex,
        certificate_not_after=identity.not_after,
        signing_time=status.signer_reported_dt,
        timestamp=timestamp,
        certifies=_is_certification(sig),
        intact=status.intact,
        signature_valid=status.valid,
        coverage=coverage,
        later_changes=later,
        later_changes_permitted=permitted,
        trusted=status.validation_path is not None and status.trust_problem_indic is None,
        revocation="revoked" if status.revoked else revocation,
        revoked_at=revoked_at
        or (status.revocation_details.revocation_date if status.revocation_details else None),
        # pyHanko's verdict, and not revoked by the CRLs we were given (certvalidator skips
        # CRLs for certificates without a CRL distribution point, as ours are)
        bottom_line=status.bottom_line and revocation != "revoked",
        named_party=party_of_reason(_text(sig.sig_object.get("/Reason"))),
    )
    return _with_problems(report, status)


_LATER = {
    ModificationLevel.NONE: LaterChanges.NONE,
    ModificationLevel.LTA_UPDATES: LaterChanges.SIGNATURES,
    ModificationLevel.FORM_FILLING: LaterChanges.FORM_FILLING,
    ModificationLevel.ANNOTATIONS: LaterChanges.ANNOTATIONS,
    ModificationLevel.OTHER: LaterChanges.OTHER,
}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _is_certification(sig: EmbeddedPdfSignature) -> bool:
    """A certification signature carries a /DocMDP transform in its /Reference array."""
    for reference in sig.sig_object.get("/Reference", ()):
        if reference.get_object().get("/TransformMethod") == "/DocMDP":
            return True
    return False


def _with_problems(report: SignatureReport, status: PdfSignatureStatus) -> SignatureReport:
    problems: list[str] = []
    if not report.intact:
        problems.append("签章后文件内容被篡改（摘要不符）")
    elif not report.signature_valid:
        problems.append("签名值无效")
    if report.coverage is Coverage.PARTIAL:
        problems.append("签名范围不完整，文件结构可疑")
    if report.later_changes_permitted is False:
        problems.append("签章后文件被修改，且修改不为认证签章所允许")
    if report.revocation == "revoked":
        problems.append("签章证书已被吊销")
    elif not report.trusted and report.intact and report.signature_valid:
        indication = getattr(status.trust_problem_indic, "name", "")
        problems.append(
            _TRUST_PROBLEMS.get(indication, "签章证书不受信任（无法验证到受信任的根证书）")
        )
    if report.timestamp is not None and not report.timestamp.valid:
        problems.append("时间戳无效或时间戳服务不受信任")
    if not status.seed_value_ok:
        problems.append("签章不满足签章域的约束条件")
    if report.party_matches is False and report.named_party is not None:
        party = report.named_party
        problems.append(
            f"证书的统一社会信用代码（{report.uscc or '无'}）与签章所代表的{party.role}"
            f"“{party.name}”（{party.uscc}）不一致"
        )
    if not problems and not report.bottom_line:
        problems.append("签章验证未通过")
    return replace(report, problems=tuple(problems))


_TRUST_PROBLEMS = {
    "EXPIRED": "签章证书已过期",
    "OUT_OF_BOUNDS_NO_POE": "签章证书已过期（或尚未生效）",
    "OUT_OF_BOUNDS_NOT_REVOKED": "签章证书已过期（或尚未生效）",
    "NOT_YET_VALID": "签章证书尚未生效",
    "REVOKED": "签章证书已被吊销",
    "REVOKED_NO_POE": "签章证书已被吊销",
    "REVOKED_CA_NO_POE": "签发签章证书的 CA 证书已被吊销",
    "NO_CERTIFICATE_CHAIN_FOUND": "签章证书不是由受信任的 CA 签发",
    "CHAIN_CONSTRAINTS_FAILURE": "签章证书的密钥用途或证书链约束不符合要求",
}
