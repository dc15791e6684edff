"""Verifying a PDF's seals against this deployment's trust roots, with what we know of them:
for a document issued here, the approval each seal rests on and who unlocked the key."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

import seals
from portal import authority
from portal.models import Seal


@dataclass(frozen=True)
class Verification:
    report: seals.VerificationReport
    issued_here: list[Seal]  # our records of the seals, in order, when the file is ours


# Verifying costs pyHanko a few hundred milliseconds; the verdict for the same bytes only
# changes with a revocation or the passing of time (expiry), so it is kept per (file, revoked
# serials, day) for the process.
_reports: OrderedDict[tuple[str, frozenset[int], date], seals.VerificationReport] = OrderedDict()
CACHE_SIZE = 512


Epoch = tuple[frozenset[int], date]


def epoch(crls: list[bytes] | None = None) -> Epoch:
    """What can change a verdict for the same bytes: the revoked serials and the (UTC) day.
    The CRL itself is re-signed on every call, so only its entries count (read from the CA
    itself when no CRL is at hand: signing one costs more than a cached page)."""
    if crls is None:
        return authority.authority().revoked_serials(), datetime.now(UTC).date()
    revoked = frozenset(entry.serial_number for crl in crls
                        for entry in x509.load_der_x509_crl(crl))
    return revoked, datetime.now(UTC).date()


def verify(db: Session, content: bytes) -> Verification:
    sha = hashlib.sha256(content).hexdigest()
    crls = authority.crls()
    key = (sha, *epoch(crls))
    report = _reports.get(key)
    if report is None:
        report = seals.verify_pdf(content, authority.trust_roots(), crls)
        _reports[key] = report
        if len(_reports) > CACHE_SIZE:
            _reports.popitem(last=False)
    last = db.scalar(select(Seal).where(Seal.output_sha256 == sha))
    ours: list[Seal] = []
    if last is not None:
        ours = [s for s in db.scalars(select(Seal).where(Seal.revision_id == last.revision_id)
                                      .order_by(Seal.position, Seal.id))
                if s.output_sha256 is not None and s.position <= last.position
                and s.status.value in ("applied", "confirmed")]
    return Verification(report, ours)
