"""Verifying a PDF's seals against this deployment's trust roots, with what we know of them:
for a document issued here, the approval each seal rests on and who unlocked the key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import seals
from portal import authority
from portal.models import Seal


@dataclass(frozen=True)
class Verification:
    report: seals.VerificationReport
    issued_here: list[Seal]  # our records of the seals, in order, when the file is ours


def verify(db: Session, content: bytes) -> Verification:
    report = seals.verify_pdf(content, authority.trust_roots(), authority.crls())
    sha = hashlib.sha256(content).hexdigest()
    last = db.scalar(select(Seal).where(Seal.output_sha256 == sha))
    ours: list[Seal] = []
    if last is not None:
        ours = [s for s in db.scalars(select(Seal).where(Seal.revision_id == last.revision_id)
                                      .order_by(Seal.position, Seal.id))
                if s.output_sha256 is not None and s.position <= last.position
                and s.status.value in ("applied", "confirmed")]
    return Verification(report, ours)
