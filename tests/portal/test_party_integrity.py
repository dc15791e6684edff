"""Who may seal what: every party block a kind seals is the organisation's registered name and
uscc (contacts stay editable), and a seal is refused unless the organisation and its
certificate are the party the document names; verification says, per seal, which party."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import documents
import seals
from portal import authority, storage
from portal.demo import DEMO_PIN, demo_uscc
from portal.domain import credentials, lifecycle, sealing
from portal.domain.errors import Forbidden, InvalidInput
from portal.models import DocumentStatus, HolderType, Organisation, Seal
from tests.helpers import csrf_token, seal_as, user, work

pytestmark = pytest.mark.db

SCHOOL, BEIFANG = "呼和浩特市第一中学", "北方信创计算机有限公司"
AGENCY = "内蒙古中咨招标代理有限公司"


def org(db, name: str) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def contract_draft(db, title: str = "台式计算机采购合同"):
    """Drafted by 北方信创 for 呼和浩特市第一中学, starting from the sample, whose parties
    (呼和浩特市赛罕区教育局, 内蒙古草原云) are other organisations."""
    return lifecycle.create_draft(db, user(db, "gys_mfr"), "contract", title,
                                  parties={"purchaser": org(db, SCHOOL)},
                                  start_from=documents.get_kind("contract").sample())


def approve(app, db, doc) -> None:
    lifecycle.submit(db, user(db, "gys_mfr"), doc, None)
    lifecycle.approve(db, user(db, "cg_reviewer"), doc, None)
    work(app)
    db.expire_all()


def test_the_parties_of_a_new_contract_are_the_registered_organisations(db, demo_keys) -> None:
    doc = contract_draft(db)
    data = lifecycle.draft_formdata(doc)
    school, beifang = org(db, SCHOOL), org(db, BEIFANG)
    assert (data["purchaser-name"], data["purchaser-uscc"]) == (school.name, school.uscc)
    assert (data["supplier-name"], data["supplier-uscc"]) == (beifang.name, beifang.uscc)
    # what the sample says of contacts and bank stays, as the drafter may change it
    sample = documents.get_kind("contract").sample()
    assert data["supplier-contact"] == sample["supplier"]["contact"]
    assert data["supplier-bank_account"] == sample["supplier"]["bank_account"]


def test_a_typed_name_or_uscc_is_replaced_by_the_registered_one_and_contacts_stay(
        db, demo_keys, signed_in) -> None:
    doc = contract_draft(db)
    client = signed_in("gys_mfr")
    page = client.get(f"/documents/{doc.id}/steps/parties")
    html = page.get_data(as_text=True)
    assert "取自该单位登记的信息，不能修改" in html
    posted = MultiDict(lifecycle.draft_formdata(doc))
    posted.setlist("supplier-uscc", ["91150100MA0N4X5Y6E"])
    posted.setlist("supplier-name", ["内蒙古草原云信息技术有限公司"])
    posted.setlist("supplier-contact", ["孙伟"])
    posted.update({"csrf_token": csrf_token(html), "version": str(doc.version)})
    assert client.post(f"/documents/{doc.id}/steps/parties", data=posted).status_code == 200
    db.expire_all()
    data = lifecycle.draft_formdata(doc)
    assert data["supplier-uscc"] == org(db, BEIFANG).uscc
    assert data["supplier-name"] == BEIFANG
    assert data["supplier-contact"] == "孙伟"


def test_a_draft_that_names_another_party_cannot_be_submitted(db, demo_keys) -> None:
    doc = contract_draft(db)
    # a draft saved before parties were locked, naming another company as 乙方
    doc.draft_data = [[k, "91150100MA0N4X5Y6E" if k == "supplier-uscc" else v]
                      for k, v in doc.draft_data]
    db.commit()
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "gys_mfr"), doc, None)
    assert "supplier-uscc" in refused.value.errors
    assert org(db, BEIFANG).uscc in refused.value.errors["supplier-uscc"][0]
    assert doc.status is DocumentStatus.draft


def test_an_organisation_that_is_not_the_named_party_may_not_seal(app, db, demo_keys) -> None:
    doc = contract_draft(db)
    approve(app, db, doc)
    # a revision from before the lock, whose 乙方 is another company than the drafter
    revision = doc.current_revision
    revision.data = {**revision.data,
                     "supplier": {**revision.data["supplier"], "uscc": "91150100MA0N4X5Y6E",
                                  "name": "内蒙古草原云信息技术有限公司"}}
    db.commit()
    with pytest.raises(Forbidden, match="内蒙古草原云信息技术有限公司.*本单位不是该当事人"):
        sealing.start(db, user(db, "gys_mfr"), doc, None, 0, None, None)
    assert db.scalars(select(Seal)).all() == []


def _reregistered(db, name: str, serial: int) -> str:
    """The organisation's uscc as corrected by the registry after its key was bound."""
    corrected = demo_uscc("91", "150100", serial)
    org(db, name).uscc = corrected
    db.commit()
    return corrected


def test_a_certificate_for_another_uscc_is_refused_then_the_right_one_seals(
        app, db, demo_keys) -> None:
    old = org(db, BEIFANG).uscc
    corrected = _reregistered(db, BEIFANG, 441)
    doc = contract_draft(db)
    approve(app, db, doc)
    assert doc.current_revision.data["supplier"]["uscc"] == corrected
    clerk = user(db, "gys_mfr")
    with pytest.raises(InvalidInput) as refused:
        sealing.start(db, clerk, doc, None, 0, None, None)
    assert old in refused.value.message and corrected in refused.value.message
    assert "不一致，不能盖章" in refused.value.message
    assert db.scalars(select(Seal)).all() == []

    # the clerk binds the certificate issued for the corrected code: it replaces the stale one
    p12 = authority.authority().issue_organisation(BEIFANG, corrected, DEMO_PIN).p12
    binding = credentials.bind(db, clerk, HolderType.org, p12, DEMO_PIN)
    assert binding.state is credentials.BindingState.renewal
    seal = seal_as(app, db, doc, "gys_mfr")
    sealing.confirm(db, clerk, seal)
    report = seals.verify_pdf(storage.read(seal.output_sha256, ".pdf"),
                              authority.trust_roots(), authority.crls())
    (sig,) = report.signatures
    assert sig.named_party == seals.NamedParty("供应商", BEIFANG, corrected)
    assert sig.party_matches is True and report.ok


def test_verification_shows_per_seal_the_named_party_and_that_it_matches(
        app, db, demo_keys, signed_in) -> None:
    doc = contract_draft(db)
    approve(app, db, doc)
    for username in ("gys_mfr", "cg_clerk"):
        sealing.confirm(db, user(db, username), seal_as(app, db, doc, username))
    assert doc.status is DocumentStatus.sealed
    school, beifang = org(db, SCHOOL), org(db, BEIFANG)
    client = signed_in("cg_clerk")
    shown = client.get(f"/documents/{doc.id}").get_data(as_text=True)
    pdf = client.get(f"/documents/{doc.id}/current.pdf").data
    form = client.get("/verify").get_data(as_text=True)
    checked = client.post("/verify", data={"csrf_token": csrf_token(form),
                                           "pdf": (io.BytesIO(pdf), "contract.pdf")},
                          content_type="multipart/form-data").get_data(as_text=True)
    for html in (shown, checked):
        assert f"供应商“{beifang.name}”（{beifang.uscc}）" in html
        assert f"采购人“{school.name}”（{school.uscc}）" in html
        assert html.count("与证书一致") == 2 and "与证书不一致" not in html


def test_a_purchaser_drafts_and_seals_its_own_entrustment_agreement(
        app, db, demo_keys, signed_in) -> None:
    client = signed_in("cg_clerk")
    form = client.get("/documents/new?kind=entrustment_agreement").get_data(as_text=True)
    created = client.post("/documents/new", data={
        "csrf_token": csrf_token(form), "kind": "entrustment_agreement",
        "title": "食堂托管服务委托代理协议", "party_agency": str(org(db, AGENCY).id),
        "use_sample": "y"})
    assert created.status_code == 302, created.get_data(as_text=True)
    doc = db.scalars(select(lifecycle.Document).where(
        lifecycle.Document.title == "食堂托管服务委托代理协议")).one()
    assert lifecycle.sealers(doc) == ("purchaser", "agency")
    data = lifecycle.draft_formdata(doc)
    assert (data["principal-name"], data["agent-name"]) == (SCHOOL, AGENCY)
    lifecycle.submit(db, user(db, "cg_clerk"), doc, None)  # no review: approved at once
    work(app)
    db.expire_all()
    first = seal_as(app, db, doc, "cg_clerk")
    sealing.confirm(db, user(db, "cg_clerk"), first)
    second = seal_as(app, db, doc, "dl_clerk")
    sealing.confirm(db, user(db, "dl_clerk"), second)
    assert doc.status is DocumentStatus.sealed
    assert (first.role, second.role) == ("purchaser", "agency")
    report = seals.verify_pdf(storage.read(second.output_sha256, ".pdf"),
                              authority.trust_roots(), authority.crls())
    assert report.ok and [s.named_party.name for s in report.signatures] == [SCHOOL, AGENCY]
    assert report.signatures[0].certifies  # the purchaser's seal reserved the agency's place


def test_announcement_contact_blocks_carry_the_registered_uscc_locked_like_the_name(
        db, demo_keys) -> None:
    """征集人/代理机构/采购人 blocks of announcements: the uscc comes from the organisation's
    registration, whatever the sample says, and a typed one cannot be submitted."""
    from tests.helpers import project_with_approved_plan

    school = org(db, SCHOOL)
    deal = lifecycle.create_draft(db, user(db, "cg_clerk"), "deal_announcement", "成交结果公告",
                                  start_from=documents.get_kind("deal_announcement").sample())
    data = lifecycle.draft_formdata(deal)
    assert (data["purchaser-name"], data["purchaser-uscc"]) == (school.name, school.uscc)
    deal.draft_data = [[k, "91150100MA0N4X5Y6E" if k == "purchaser-uscc" else v]
                       for k, v in deal.draft_data]
    db.commit()
    with pytest.raises(lifecycle.SubmissionInvalid) as refused:
        lifecycle.submit(db, user(db, "cg_clerk"), deal, None)
    assert school.uscc in refused.value.errors["purchaser-uscc"][0]

    from portal.domain import projects

    project = project_with_approved_plan(db)
    project.agency_org_id = org(db, AGENCY).id
    db.commit()
    kind = documents.get_kind("termination_announcement")
    doc = projects.draft_document(db, user(db, "zj_clerk"), project, kind.code, "终止公告",
                                  start_from=kind.sample())
    data = lifecycle.draft_formdata(doc)
    assert data["collector-uscc"] == project.collector.uscc
    assert (data["agency-name"], data["agency-uscc"]) == (AGENCY, org(db, AGENCY).uscc)
    assert lifecycle.party_locked(doc)["agency-uscc"] == org(db, AGENCY).uscc
