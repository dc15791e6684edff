"""OCDS 1.1 releases and records of the board's announcements, packaged for harvesters.

One release per announcement, of the contracting process ``portal.board.processes`` places it
in (a project's stage one, a call-off under its framework agreement); one record per process,
with its releases and a compiled release. Codes come from the OCDS 1.1.5 codelists: release
tags, tender statuses, document types, procurement categories, party roles, related processes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from portal.models import Announcement, Organisation

VERSION = "1.1"
# tender.techniques.hasFrameworkAgreement marks a framework's first stage (OCDS guidance).
TECHNIQUES = ("https://raw.githubusercontent.com/open-contracting-extensions/"
              "ocds_techniques_extension/master/extension.json")

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
# Release tags in the order a process goes through them.
_STAGES = ("planning", "tender", "tenderAmendment", "tenderCancellation", "award", "contract",
           "implementation")
# Fields a compiled release takes from no single release (OCDS "omitWhenMerged").
_OMITTED = ("id", "date", "tag")


def _date(value: datetime) -> str:
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def _party(org: Organisation, roles: list[str]) -> dict[str, Any]:
    return {
        "id": f"CN-USCC-{org.uscc}", "name": org.name, "roles": roles,
        "identifier": {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name},
        "address": {"streetAddress": org.address, "countryName": "中国"},
        "contactPoint": {"name": org.contact, "telephone": org.phone},
    }


def _parties(a: Announcement, suppliers: Sequence[Organisation] = ()) -> list[dict[str, Any]]:
    roles: dict[int, tuple[Organisation, list[str]]] = {}
    for org, role in ((a.collector_org, "procuringEntity"), (a.purchaser_org, "buyer"),
                      (a.owner_org, "procuringEntity"), *((o, "supplier") for o in suppliers)):
        if org is not None:
            entry = roles.setdefault(org.id, (org, []))
            if role not in entry[1]:
                entry[1].append(role)
    return [_party(org, sorted(r)) for org, r in roles.values()]


def _related(ocid: str, relation: str | None, uri: str) -> dict[str, Any]:
    link: dict[str, Any] = {"id": ocid, "scheme": "ocid", "identifier": ocid, "uri": uri}
    if relation:
        link["relationship"] = [relation]
    return link


def release(a: Announcement, *, page_url: str, pdf_url: str,
            record_url: Callable[[str], str],
            suppliers: Sequence[Organisation] = (),
            ids: tuple[str, str] | None = None) -> dict[str, Any]:
    """``suppliers``: the organisations a 入围结果公告 shortlisted, listed as parties with the
    role ``supplier`` and as the award's suppliers. ``ids``: the award and contract ids of the
    call-off a 合同公告 announces, when its process releases them too (an order's)."""
    award_id, contract_id = ids or (f"{a.document_id}-award", f"{a.document_id}-contract")
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
        tender["techniques"] = {"hasFrameworkAgreement": True}
    if category == "bidding":
        tender["procurementMethod"] = "selective"
        tender["procurementMethodDetails"] = "框架协议二次竞价"
    process = a.process
    result: dict[str, Any] = {
        "ocid": process.ocid, "id": f"{category}-{a.document_id}",
        "date": _date(a.published_at), "tag": [TAGS[category]], "initiationType": "tender",
        "language": "zh", "parties": _parties(a, suppliers), "tender": tender,
    }
    if a.purchaser_org is not None:
        result["buyer"] = {"id": f"CN-USCC-{a.purchaser_org.uscc}", "name": a.purchaser_org.name}
    if category in ("shortlist", "deal", "contract"):
        result["awards"] = [{"id": award_id, "title": a.title,
                             "status": "active", "date": _date(a.published_at)}]
        if suppliers:
            result["awards"][0]["suppliers"] = [
                {"id": f"CN-USCC-{o.uscc}", "name": o.name} for o in suppliers]
    if category == "contract":
        result["contracts"] = [{"id": contract_id, "awardID": award_id, "title": a.title,
                                "status": "active"}]
    if process.related_ocid:
        result["relatedProcesses"] = [
            _related(process.related_ocid, process.relation, record_url(process.related_ocid))]
    return result


def package(announcements: Sequence[Announcement], *, uri: str, publisher: str,
            release_for: Callable[[Announcement], dict[str, Any]],
            published: datetime | None) -> dict[str, Any]:
    return {
        **_package_metadata(uri, publisher, published),
        "releases": [release_for(a) for a in announcements],
    }


def record_package(announcements: Sequence[Announcement], *, ocid: str, uri: str,
                   publisher: str, release_for: Callable[[Announcement], dict[str, Any]],
                   record_url: Callable[[str], str],
                   more: Mapping[str, Sequence[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The records of a project's processes (``announcements``: all of them, oldest first),
    the record of ``ocid`` first. A process's compiled release also names the processes that
    follow on from it (its call-offs, its next round): OCDS codes each relationship only from
    the later process, so these links carry no relationship code. ``more``: releases of those
    processes that are not announcements (an order's award, contract, payments), by ocid."""
    releases: dict[str, list[dict[str, Any]]] = {}
    following: dict[str, dict[str, None]] = {}
    for a in announcements:
        releases.setdefault(a.process.ocid, []).append(release_for(a))
        if a.process.related_ocid:
            following.setdefault(a.process.related_ocid, {})[a.process.ocid] = None
    for process, extra in (more or {}).items():  # by date; within a second, by stage
        releases[process] = sorted([*extra, *releases.get(process, [])],
                                   key=lambda r: (r["date"], _STAGES.index(r["tag"][0])))
    records = []
    for process in sorted(releases, key=lambda o: o != ocid):
        compiled = compile_releases(releases[process])
        links = [_related(o, None, record_url(o)) for o in following.get(process, ())]
        if links:
            compiled["relatedProcesses"] = [*compiled.get("relatedProcesses", []), *links]
        records.append({"ocid": process, "releases": releases[process],
                        "compiledRelease": compiled})
    newest = max(a.published_at for a in announcements)
    return {**_package_metadata(uri, publisher, newest), "records": records}


def _package_metadata(uri: str, publisher: str, published: datetime | None) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [TECHNIQUES],
        "publishedDate": _date(published or datetime(2026, 1, 1)),
        "publisher": {"name": publisher},
    }


def compile_releases(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one process's releases (oldest first), by the OCDS 1.1 merge
    rules our releases need: objects merge field by field, arrays of objects with an ``id``
    merge item by item, anything else is replaced by the newer value."""
    compiled: dict[str, Any] = {}
    for item in releases:
        _merge(compiled, {k: v for k, v in item.items() if k not in _OMITTED})
    latest = releases[-1]
    return {"ocid": latest["ocid"], "id": f"{latest['ocid']}-{latest['date']}",
            "date": latest["date"], "tag": ["compiled"],
            **{k: v for k, v in compiled.items() if k != "ocid"}}


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif _identified(value) and _identified(into.get(key)):
            by_id = {item["id"]: item for item in into[key]}
            for item in value:
                if item["id"] in by_id:
                    _merge(by_id[item["id"]], item)
                else:
                    by_id[item["id"]] = copy.deepcopy(item)
            into[key] = list(by_id.values())
        else:
            into[key] = copy.deepcopy(value)


def _identified(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(item, dict) and "id" in item for item in value)
