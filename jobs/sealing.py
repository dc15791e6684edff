"""The two key-free halves of sealing: prepare the signature, then embed it with a timestamp.

Neither job sees a private key or a PIN: between them, the web request that carries the PIN
signs the digest (portal.domain.sealing.sign_with_pin). A USB key or a remote signing service
plugs in at that seam: it receives ``PreparedSeal.digest`` and returns the signature value.

Each step claims the seal for this worker and moves it on only while it holds the claim
(``portal.durable``), so a retried or duplicated job applies a seal exactly once; failures
are handled here, in the worker's app context.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from cryptography import x509

import seals
from portal import authority, db, durable, storage
from portal.domain import audit, sealing
from portal.models import Seal, SealStatus, utcnow

log = logging.getLogger(__name__)


@lru_cache(maxsize=256)
def seal_image(certificate_serial: str, personal: bool, holder: str, seal_type: str) -> bytes:
    """The seal's image, drawn once per certificate (and seal type) in this warm worker:
    drawing and compressing it cost more than the signature itself."""
    if personal:
        return seals.personal_seal_png(holder)
    return seals.official_seal_png(holder, seal_type)


def prepare_seal(seal_id: int) -> str:
    return _step(seal_id, SealStatus.preparing, _prepare)


def finish_seal(seal_id: int) -> str:
    return _step(seal_id, SealStatus.finishing, _finish)


def _step(seal_id: int, step: SealStatus, work: Callable[[Seal, str], str]) -> str:
    session = db.session()
    worker = durable.worker_name()
    if not durable.claim_seal(session, seal_id, step, worker):
        return "nothing to do"
    session.expire_all()
    seal = session.get(Seal, seal_id)
    assert seal is not None
    try:
        return work(seal, worker)
    except Exception as exc:
        log.exception("seal %s: %s failed", seal_id, step.value)
        session.rollback()
        return durable.release_seal(session, seal, worker, exc, durable.reason(exc))


def _prepare(seal: Seal, worker: str) -> str:
    session = db.session()
    document = seal.revision.document
    holder = seal.sealer.display_name if seal.role == "expert" else seal.org.name
    image = seal_image(seal.credential.serial_hex, seal.role == "expert", holder,
                       sealing.SEAL_TYPES.get(document.kind, "公章"))
    spec = seals.SealSpec(
        field_name=seal.field_name, image_png=image, page=seal.page, x=seal.x, y=seal.y,
        certify=seal.position == 0 and sealing.reserves_fields(seal.revision),
        reason=sealing.seal_reason(seal), location="框采",
        reserve=sealing.reserved_slots(session, seal),
    )
    certificate = x509.load_der_x509_certificate(seal.credential.certificate_der)
    prepared = seals.prepare(storage.read(seal.input_sha256, ".pdf"), spec, certificate,
                             chain=authority.chain(), trust_roots=authority.trust_roots(),
                             crls=authority.crls(),
                             timestamp_allowance=authority.timestamp_allowance())
    moved = durable.finish_seal_step(session, seal.id, SealStatus.preparing, worker,
                                     prepared=prepared.to_dict(),
                                     status=SealStatus.awaiting_key)
    session.commit()
    return "prepared" if moved else "superseded"


def _finish(seal: Seal, worker: str) -> str:
    session = db.session()
    if seal.signature is None:
        raise seals.SealsError("签章数据缺失，请放弃后重新盖章。")
    prepared = seals.PreparedSeal.from_dict(seal.prepared or {})
    sealed = seals.finish(prepared, seal.signature, authority.authority().timestamper())
    output = storage.put(sealed, ".pdf")
    # the prepared bytes are no longer needed once embedded
    moved = durable.finish_seal_step(session, seal.id, SealStatus.finishing, worker,
                                     output_sha256=output, status=SealStatus.applied,
                                     applied_at=utcnow(), prepared=None)
    if moved:
        audit.record(session, actor=None, action="seal.applied", subject_type="seal",
                     subject_id=seal.id, before=SealStatus.finishing.value,
                     after=SealStatus.applied.value, detail={"output": output})
    session.commit()
    if moved:
        log.info("seal %s applied by %s", seal.id, worker)
    return "applied" if moved else "superseded"


def mark_failed(job: object, connection: object, *args: object) -> None:
    """RQ on_failure callback named by jobs queued before the durable dispatcher (issue 18):
    nothing to do, the dispatcher finds the seal in the database and retries or fails it."""
