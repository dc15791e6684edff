"""The two key-free halves of sealing: prepare the signature, then embed it with a timestamp.

Neither job sees a private key or a PIN: between them, the web request that carries the PIN
signs the digest (portal.domain.sealing.sign_with_pin). A USB key or a remote signing service
plugs in at that seam: it receives ``PreparedSeal.digest`` and returns the signature value.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509

import seals
from portal import authority, db, storage
from portal.domain import audit, sealing
from portal.models import Seal, SealStatus, utcnow


def prepare_seal(seal_id: int) -> str:
    session = db.session()
    seal = session.get(Seal, seal_id)
    if seal is None or seal.status is not SealStatus.preparing:
        return "nothing to do"
    document = seal.revision.document
    image = (seals.personal_seal_png(seal.sealer.display_name) if seal.role == "expert" else
             seals.official_seal_png(seal.org.name,
                                     sealing.SEAL_TYPES.get(document.kind, "公章")))
    spec = seals.SealSpec(
        field_name=seal.field_name, image_png=image, page=seal.page, x=seal.x, y=seal.y,
        certify=seal.position == 0 and sealing.reserves_fields(seal.revision),
        reason=sealing.seal_reason(seal), location="框采",
        reserve=sealing.reserved_slots(session, seal),
    )
    certificate = x509.load_der_x509_certificate(seal.credential.certificate_der)
    prepared = seals.prepare(storage.read(seal.input_sha256, ".pdf"), spec, certificate,
                             chain=authority.chain(), trust_roots=authority.trust_roots(),
                             crls=authority.crls())
    seal.prepared = prepared.to_dict()
    seal.status = SealStatus.awaiting_key
    session.commit()
    return "prepared"


def finish_seal(seal_id: int) -> str:
    session = db.session()
    seal = session.get(Seal, seal_id)
    if seal is None or seal.status is not SealStatus.finishing or seal.signature is None:
        return "nothing to do"
    prepared = seals.PreparedSeal.from_dict(seal.prepared or {})
    sealed = seals.finish(prepared, seal.signature, authority.authority().timestamper())
    seal.output_sha256 = storage.put(sealed, ".pdf")
    seal.status, seal.applied_at = SealStatus.applied, utcnow()
    seal.prepared = None  # the prepared bytes are no longer needed once embedded
    audit.record(session, actor=None, action="seal.applied", subject_type="seal",
                 subject_id=seal.id, before=SealStatus.finishing.value, after=seal.status.value,
                 detail={"output": seal.output_sha256})
    session.commit()
    return "applied"


def mark_failed(job: Any, connection: Any, exc_type: type, exc: BaseException, tb: Any) -> None:
    session = db.session()
    seal = session.get(Seal, job.args[0])
    if seal is not None and seal.status in (SealStatus.preparing, SealStatus.finishing):
        seal.status = SealStatus.failed
        seal.error = str(exc)[:500] if isinstance(exc, seals.SealsError) else \
            f"{exc_type.__name__}: {exc}"[:500]
        session.commit()
