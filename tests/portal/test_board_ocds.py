"""OCDS from the board, checked against the 1.1.5 schema and codelists kept offline: release
packages paged with ``since``; record packages of a project, its stage-one rounds and its
call-offs as separate processes linked as related processes; compiled releases as the
reference implementation (ocdsmerge) makes them. Drafts never reach either."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource

import documents
from portal.domain import lifecycle
from tests.helpers import (
    project_with_approved_plan,
    published_intention,
    sealed_announcement,
    user,
)

pytestmark = pytest.mark.db

SCHEMA_DIR = Path(os.environ.get("KUANGCAI_OCDS_SCHEMA_DIR",
                                 "/work/shared/data/ocds-1.1.5/schema"))
HIDDEN = "保密测试"  # in the title of a draft that must never reach the board


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def _validator(package: str = "release-package-schema.json") -> Draft4Validator:
    """Offline: the package schema's references to the release schemas resolve to the files."""
    schemas = [_schema(name) for name in (package, "release-schema.json",
                                          "versioned-release-validation-schema.json")]
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema)) for schema in schemas)
    return Draft4Validator(schemas[0], registry=registry,
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def _errors(package: dict, schema: str = "release-package-schema.json") -> list[str]:
    return [e.message for e in sorted(_validator(schema).iter_errors(package), key=str)]


def _codes(name: str) -> set[str]:
    with (SCHEMA_DIR / "codelists" / name).open(encoding="utf-8") as f:
        return {row["Code"] for row in csv.DictReader(f)}


def test_ocds_release_package_is_valid_and_pages_with_since(app, db, published_pair) -> None:
    extra = [published_intention(db, f"开放数据采购意向{n}") for n in range(3)]
    client = app.test_client()
    from portal.views import board
    board.OCDS_SIZE, size = 2, board.OCDS_SIZE
    try:
        releases, url = [], "/ocds/releases.json"
        while url:
            response = client.get(url)
            package = response.get_json()
            assert not _errors(package)
            releases += package["releases"]
            link = response.headers.get("Link")
            url = link[1:link.index(">")].replace("http://localhost", "") if link else None
    finally:
        board.OCDS_SIZE = size
    call, change = published_pair
    assert [r["id"] for r in releases] == [
        f"collection-{call.id}", f"change-{change.id}", *[f"intention-{d.id}" for d in extra]]
    assert releases[0]["ocid"] == releases[1]["ocid"] == "ocds-kuangcai-" + \
        call.current_revision.data["project_number"]
    assert releases[0]["tender"]["mainProcurementCategory"] == "goods"
    for release in releases:
        assert set(release["tag"]) <= _codes("releaseTag.csv")
        assert release["tender"]["status"] in _codes("tenderStatus.csv")
        assert {d["documentType"] for d in release["tender"]["documents"]} <= _codes(
            "documentType.csv")
        for party in release["parties"]:
            assert set(party["roles"]) <= _codes("partyRole.csv")
    after_all = client.get("/ocds/releases.json?since=29991231000000000000-1")
    assert after_all.status_code == 204  # a package must hold at least one release


CALL_OFF_NUMBER = "SHQJY-2027-0031"


def call_off(db, kind_code: str, title: str, publish: bool = True, **data):
    """A second-stage announcement of 呼和浩特市第一中学 (no review, no seal)."""
    clerk = user(db, "cg_clerk")
    kind = documents.get_kind(kind_code)
    doc = lifecycle.create_draft(db, clerk, kind.code, title,
                                 start_from={**kind.sample(), **data})
    if publish:
        lifecycle.submit(db, clerk, doc, None)
        lifecycle.publish(db, clerk, doc, None)
    return doc


@pytest.fixture
def framework_with_call_off(app, demo_keys, db):
    """Stage one terminated in round 1 and called again in round 2 (重新组织征集), then one
    call-off under its agreement: 二次竞价, 成交结果 and 合同 sharing a project number."""
    project = project_with_approved_plan(db)
    first_call = sealed_announcement(app, db, "collection_announcement", "设备项目征集公告",
                                     project)
    request_kind = documents.get_kind("termination_request")
    request = lifecycle.create_draft(db, user(db, "zj_clerk"), request_kind.code, "终止采购申请",
                                     start_from=request_kind.sample(), project_id=project.id)
    lifecycle.submit(db, user(db, "zj_clerk"), request, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), request, None)
    ended = sealed_announcement(app, db, "termination_announcement", "设备项目终止公告", project)
    kind = documents.get_kind("reorganisation")
    again = lifecycle.create_draft(db, user(db, "zj_clerk"), kind.code, "重新组织征集",
                                   start_from={**kind.sample(), "project_number": project.number,
                                               "return_step": "collection_announcement"},
                                   project_id=project.id)
    lifecycle.submit(db, user(db, "zj_clerk"), again, None)
    lifecycle.approve(db, user(db, "zj_reviewer"), again, None)
    call = sealed_announcement(app, db, "collection_announcement", "设备项目重新征集公告", project)
    agreement = f"{project.number}-KX01"
    docs = [call_off(db, "bidding_announcement", "台式计算机二次竞价公告",
                     project_number=CALL_OFF_NUMBER, agreement_number=agreement),
            call_off(db, "deal_announcement", "台式计算机成交结果公告",
                     project_number=CALL_OFF_NUMBER, agreement_number=agreement),
            call_off(db, "contract_announcement", "台式计算机合同公告",  # names no agreement
                     project_number=CALL_OFF_NUMBER)]
    call_off(db, "contract_announcement", f"{HIDDEN}合同公告草稿", publish=False,
             project_number=CALL_OFF_NUMBER)
    return project.number, (first_call, ended), call, docs


def test_a_project_record_package_links_its_rounds_and_call_offs_both_ways(
        app, db, framework_with_call_off) -> None:
    number, (first_call, ended), call, call_offs = framework_with_call_off
    first, second, call_off_ocid = (f"ocds-kuangcai-{number}", f"ocds-kuangcai-{number}-R2",
                                    f"ocds-kuangcai-{CALL_OFF_NUMBER}")
    client = app.test_client()
    packages = {ocid: client.get(f"/ocds/records/{ocid}.json")
                for ocid in (first, second, call_off_ocid)}
    for ocid, response in packages.items():  # any process of the project: all its records
        package = response.get_json()
        assert response.status_code == 200 and not _errors(package, "record-package-schema.json")
        assert [r["ocid"] for r in package["records"]][0] == ocid
        assert {r["ocid"] for r in package["records"]} == {first, second, call_off_ocid}
        assert HIDDEN not in response.get_data(as_text=True)
    records = {r["ocid"]: r for r in packages[first].get_json()["records"]}
    assert [r["id"] for r in records[first]["releases"]] == [
        f"collection-{first_call.id}", f"termination-{ended.id}"]
    assert [r["id"] for r in records[second]["releases"]] == [f"collection-{call.id}"]
    assert [r["id"] for r in records[call_off_ocid]["releases"]] == [
        f"{kind}-{doc.id}" for kind, doc in zip(("bidding", "deal", "contract"), call_offs,
                                                strict=True)]

    def links(release: dict) -> dict[str, list[str] | None]:
        return {p["identifier"]: p.get("relationship") for p in release["relatedProcesses"]}

    # the later process names the earlier one with its OCDS code, in each release
    assert links(records[second]["releases"][0]) == {first: ["unsuccessfulProcess"]}
    for release in records[call_off_ocid]["releases"]:  # 合同 takes the call-off's link
        assert links(release) == {second: ["framework"]}
    # the earlier one lists what follows on from it, in its compiled (current) state
    assert links(records[first]["compiledRelease"]) == {second: None}
    assert links(records[second]["compiledRelease"]) == {first: ["unsuccessfulProcess"],
                                                         call_off_ocid: None}
    for record in records.values():
        for link in record["compiledRelease"].get("relatedProcesses", []):
            assert link["scheme"] in _codes("relatedProcessScheme.csv")
            assert set(link.get("relationship") or []) <= _codes("relatedProcess.csv")
            assert client.get(link["uri"].replace("http://localhost", "")).status_code == 200
    assert records[second]["compiledRelease"]["tender"]["techniques"] == {
        "hasFrameworkAgreement": True}
    page = client.get(f"/announcements/{call_offs[0].id}").get_data(as_text=True)
    assert f'href="/ocds/records/{call_off_ocid}.json"' in page


def test_compiled_releases_are_what_the_reference_merger_makes(
        app, framework_with_call_off) -> None:
    from ocdsmerge import Merger

    merger = Merger(schema=_schema("release-schema.json"))
    number = framework_with_call_off[0]
    package = app.test_client().get(f"/ocds/records/ocds-kuangcai-{number}.json").get_json()
    for record in package["records"]:
        ours = record["compiledRelease"]
        following = {p["id"] for p in ours.get("relatedProcesses", [])
                     if "relationship" not in p}  # ours alone: see record_package
        ours["relatedProcesses"] = [p for p in ours.get("relatedProcesses", [])
                                    if p["id"] not in following]
        reference = merger.create_compiled_release(record["releases"])
        assert {k: v for k, v in ours.items() if v != []} == reference, record["ocid"]
