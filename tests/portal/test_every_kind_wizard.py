"""Every document kind through the web wizard, as a browser would send it: each step page is
parsed, its form values posted back unchanged, the check page is clean, and the submitted
revision renders. Starts from each kind's sample data."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

import documents
from jobs.worker import run as run_worker
from portal.domain import lifecycle
from portal.models import Document, Organisation, User
from tests.helpers import csrf_token

pytestmark = pytest.mark.db

DRAFTER = {"collector": "zj_clerk", "agency": "dl_clerk", "purchaser": "cg_clerk",
           "supplier": "gys_mfr"}
PARTY_ORG = {"collector": "内蒙古自治区政府采购中心", "agency": "内蒙古中咨招标代理有限公司",
             "purchaser": "呼和浩特市第一中学", "supplier": "北方信创计算机有限公司",
             "regulator": "内蒙古自治区财政厅"}
# 评审报告 is drafted by the expert panel at the evaluation step (a later issue), 合同在线签订
# seals an uploaded PDF (test_sealing), 终止采购申请 needs a project whose call is out and
# 重新组织征集 a terminated one (test_projects): none has a wizard-only path.
KINDS = [k.code for k in documents.all_kinds()
         if k.code not in ("evaluation_report", "reorganisation", "termination_request")
         and not k.uploaded_pdf]


class FormValues(HTMLParser):
    """What a browser would submit from the form with id ``step-form``."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "step-form":
            self._in_form = True
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select is not None and "selected" in a:
                self.values.append((self._select, a.get("value", "")))
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value", "y" if a.get("type") == "checkbox"
                                                 else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.values.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def posted_values(html: str) -> list[tuple[str, str]]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


#: Kinds drafted only once the project's call is out (result and change announcements).
AFTER_THE_CALL = ("change_announcement", "shortlist_announcement")


@pytest.mark.parametrize("code", KINDS)
def test_kind_round_trips_through_the_wizard_and_renders(app, db, signed_in, demo_keys,
                                                         code) -> None:
    kind = documents.get_kind(code)
    sample = kind.sample()  # once: its dates follow the (Beijing) day, which may turn meanwhile
    drafter_name = next(DRAFTER[r] for r in kind.drafted_by if r in DRAFTER)
    drafter = db.scalar(select(User).where(User.username == drafter_name))
    parties = {role: db.scalar(select(Organisation).where(Organisation.name == PARTY_ORG[role]))
               for role in {*kind.reviewed_by, *kind.sealed_by} - {drafter.role.value, "expert"}}
    project_id = None
    if code in AFTER_THE_CALL:  # in a project whose collection announcement is published
        from tests.helpers import sealed_announcement

        call = sealed_announcement(app, db, "collection_announcement", "征集公告（向导）")
        project_id = call.project_id
    doc = lifecycle.create_draft(db, drafter, code, f"{kind.title}（向导）", parties,
                                 start_from=sample, project_id=project_id)
    client = signed_in(drafter_name)
    for step in kind.steps:
        url = f"/documents/{doc.id}/steps/{step.slug}"
        page = client.get(url)
        assert page.status_code == 200, (code, step.slug)
        values = posted_values(page.get_data(as_text=True))
        response = client.post(url, data=MultiDict([*values, ("next", "1")]))
        assert response.status_code == 302, (code, step.slug, response.get_data(as_text=True)
                                              [response.get_data(as_text=True).find("error"):][:400])
    check = client.get(f"/documents/{doc.id}/check").get_data(as_text=True)
    assert "修改后才能提交" not in check, code
    version = db.get(Document, doc.id)
    db.refresh(version)
    submitted = client.post(f"/documents/{doc.id}/submit",
                            data={"csrf_token": csrf_token(check), "version": version.version})
    assert submitted.status_code == 302, code
    run_worker(app, ("render",), burst=True)
    db.expire_all()
    revision = db.get(Document, doc.id).current_revision
    assert revision.render_status.value == "done", revision.render_error
    # the sample, with each sealing party's name and uscc as its organisation registered them
    expected = copy.deepcopy(sample)
    for party in db.get(Document, doc.id).parties:
        block = kind.profile_block_of(party.role)
        if block is not None:
            expected[block] = {**expected[block], "name": party.org.name,
                               **({"uscc": party.org.uscc} if "uscc" in expected[block] else {})}
    assert revision.data == documents.validate(code, expected).to_json()
