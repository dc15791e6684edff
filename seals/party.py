"""Which party a seal is made for, written into the signature itself.

The portal seals every document for a party it names (the 乙方 of a contract, the collector
of an announcement). It writes that party into the signature's ``/Reason``, which the
signature covers, in one fixed form, so that anyone verifying the file (the portal's
verification page, ``kuangcai verify``) reads which party the seal stands for and checks that
the certificate's 统一社会信用代码 is that party's:

    代表供应商“内蒙古草原云信息技术有限公司”（统一社会信用代码 91150100MA0N4X5Y6E）盖章
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORM = re.compile(r"^代表(?P<role>[^“]{1,20})“(?P<name>[^”]{1,200})”"
                   r"（统一社会信用代码 (?P<uscc>[0-9A-Z]{18})）盖章$")


@dataclass(frozen=True)
class NamedParty:
    role: str  # as the document calls it: 供应商, 采购人, 征集人 …
    name: str
    uscc: str


def party_reason(party: NamedParty) -> str:
    """The ``/Reason`` of a seal made for ``party``."""
    return f"代表{party.role}“{party.name}”（统一社会信用代码 {party.uscc}）盖章"


def party_of_reason(reason: str | None) -> NamedParty | None:
    """The party a ``/Reason`` written by :func:`party_reason` names (None for any other)."""
    match = _FORM.match((reason or "").strip())
    if match is None:
        return None
    return NamedParty(match["role"], match["name"], match["uscc"])
