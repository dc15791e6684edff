"""回执 (receipts) of submitted responses: what was submitted, by whom, the ciphertext's SHA-256
and an RFC 3161 timestamp over it (:mod:`seals.receipt`), checked later against the stored
ciphertext — a supplier can prove what and when it submitted.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import authority, storage
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.domain.responses import ENVELOPE
from portal.models import Response, beijing
from seals.receipt import ReceiptCheck, ReceiptInvalid, check_token


def receipt_of(response: Response) -> dict[str, Any]:
    """The downloadable receipt (回执): what was submitted, by whom, its hash and timestamp."""
    if response.envelope_sha256 is None or response.receipt_token is None:
        raise TransitionNotAllowed(_("响应文件尚未提交，没有回执。"))
    submitted = beijing(response.submitted_at) if response.submitted_at else None
    return {
        "receipt": "kuangcai-response-receipt/1",
        "response_id": response.id,
        "project_number": response.project.number,
        "project_name": response.project.name,
        "lot_number": response.lot_number,
        "supplier": response.supplier.name,
        "supplier_uscc": response.supplier.uscc,
        "submitted_at": submitted.isoformat(timespec="seconds") + "+08:00" if submitted else "",
        "ciphertext_sha256": response.envelope_sha256,
        "timestamp_token": base64.b64encode(response.receipt_token).decode(),
    }


@dataclass(frozen=True)
class ReceiptResult:
    check: ReceiptCheck
    current: bool  # the response's standing submission (not withdrawn or replaced since)


def check_receipt(session: Session, receipt: dict[str, Any]) -> ReceiptResult:
    """The receipt's token is the TSA's, over the hash of the ciphertext stored now. A receipt
    of a submission later withdrawn still proves what was submitted and when."""
    try:
        response_id = int(receipt["response_id"])
        claimed = str(receipt["ciphertext_sha256"])
        token = base64.b64decode(str(receipt["timestamp_token"]), validate=True)
    except (KeyError, ValueError, TypeError):
        raise InvalidInput(_("回执文件格式错误。")) from None
    response = session.get(Response, response_id) if 0 < response_id < 2**31 else None
    if response is None:
        raise InvalidInput(_("回执所指的响应文件不存在。"))
    try:
        stored = storage.read(claimed, ENVELOPE)
    except (OSError, ValueError):
        raise InvalidInput(_("平台上没有与回执摘要一致的密文：响应文件已被改动或回执有误。")) \
            from None
    actual = hashlib.sha256(stored).hexdigest()
    try:
        check = check_token(token, actual, authority.authority().timestamp_authority.certificate,
                            authority.trust_roots())
    except ReceiptInvalid as refusal:
        raise InvalidInput(str(refusal)) from None
    return ReceiptResult(check, response.envelope_sha256 == claimed)
