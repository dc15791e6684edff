"""OCDS 1.1 releases of the board's announcements (one release per announcement, one
contracting process per project), packaged for harvesters.

Codes come from the OCDS 1.1.5 codelists: release tags, tender statuses, document types,
procurement categories, party roles. A call-off (二次竞价, 成交结果) names its framework
agreement as a related process when the agreement's project is on the board.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from portal.models import Announcement, Organisation

OCID_PREFIX = "ocds-kuangcai-"
VERSION = "1.1"

TAGS = {
    "intention": "planning", "collection": "tender", "change": "tenderAmendment",
    "termination": "tenderCancellation", "shortlist": "award", "bidding": "tender",
    "deal": "award", "contract": "contract",
}
TENDER_STATUS = {
    "intention": "planned", "collection": "active", "change": "active",
    "termination": "cancelled", "shortlist": "complete", "bidding": "active",
    "deal": "complete", "contract": "complete",
}
DOCUMENT_TYPES = {
    "intention": "plannedProcurementNotice", "collection": "tenderNotice",
    "change": "clarifications", "termination": "cancellationDetails",
    "shortlist": "shortlistedFirms", "bidding": "tenderNotice", "deal": "awardNotice",
    "contract": "contractNotice",
}


def ocid(announcement: Announcement) -> str:
    return OCID_PREFIX + (announcement.project_number or f"A{announcement.document_id}")


def _date(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _party(org: Organisation, roles: list[str]) -> dict[str, Any]:
    return {
        "id": f"CN-USCC-{org.uscc}", "name": org.name, "roles": roles,
        "identifier": {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name},
        "address": {"streetAddress": org.address, "countryName": "中国"},
        "contactPoint": {"name": org.contact, "telephone": org.phone},
    }


def _parties(a: Announcement) -> list[dict[str, Any]]:
    roles: dict[int, tuple[Organisation, list[str]]] = {}
    for org, role in ((a.collector_org, "procuringEntity"), (a.purchaser_org, "buyer"),
                      (a.owner_org, "procuringEntity")):
        if org is not None:
            entry = roles.setdefault(org.id, (org, []))
            if role not in entry[1]:
                entry[1].append(role)
    return [_party(org, sorted(r)) for org, r in roles.values()]


def release(a: Announcement, *, page_url: str, pdf_url: str,
            framework: Announcement | None = None) -> dict[str, Any]:
    category = a.board_category
    procuring = a.collector_org or a.owner_org
    tender: dict[str, Any] = {
        "id": a.project_number or str(a.document_id),
        "title": a.project_name or a.title,
        "status": TENDER_STATUS[category],
        "procuringEntity": {"id": f"CN-USCC-{procuring.uscc}", "name": procuring.name},
        "documents": [{
            "id": f"{a.document_id}-pdf", "documentType": DOCUMENT_TYPES[category],
            "title": a.title, "url": pdf_url, "format": "application/pdf",
            "datePublished": _date(a.published_at), "language": "zh",
        }, {
            "id": f"{a.document_id}-html", "documentType": DOCUMENT_TYPES[category],
            "title": a.title, "url": page_url, "format": "text/html",
            "datePublished": _date(a.published_at), "language": "zh",
        }],
    }
    if a.procurement_category:
        tender["mainProcurementCategory"] = a.procurement_category
    if category == "collection":
        tender["procurementMethod"] = "open"
        tender["procurementMethodDetails"] = "框架协议采购（征集）"
    if category == "bidding":
        tender["procurementMethod"] = "selective"
        tender["procurementMethodDetails"] = "框架协议二次竞价"
    result: dict[str, Any] = {
        "ocid": ocid(a), "id": f"{category}-{a.document_id}", "date": _date(a.published_at),
        "tag": [TAGS[category]], "initiationType": "tender", "language": "zh",
        "parties": _parties(a), "tender": tender,
    }
    if a.purchaser_org is not None:
        result["buyer"] = {"id": f"CN-USCC-{a.purchaser_org.uscc}", "name": a.purchaser_org.name}
    if category in ("shortlist", "deal", "contract"):
        result["awards"] = [{"id": f"{a.document_id}-award", "title": a.title,
                             "status": "active", "date": _date(a.published_at)}]
    if category == "contract":
        result["contracts"] = [{"id": f"{a.document_id}-contract",
                                "awardID": f"{a.document_id}-award", "title": a.title,
                                "status": "active"}]
    if framework is not None and framework.project_number != a.project_number:
        result["relatedProcesses"] = [{
            "id": "framework", "relationship": ["framework"], "scheme": "ocid",
            "identifier": ocid(framework), "title": framework.project_name or framework.title,
        }]
    return result


def package(announcements: Sequence[Announcement], *, uri: str, publisher: str,
            release_for: Callable[[Announcement], dict[str, Any]],
            published: datetime | None) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": _date(published or datetime(2026, 1, 1)),
        "publisher": {"name": publisher},
        "releases": [release_for(a) for a in announcements],
    }
