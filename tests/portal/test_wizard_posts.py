"""Wizard posts are checked before anything is saved: row buttons must name this step's lists
and rows, a value beyond its field's limit is refused and not stored, rich text is stored
sanitised."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import documents
from portal.models import Document
from tests.helpers import csrf_token
from tests.portal.test_documents_web import new_document, version_of

pytestmark = pytest.mark.db


@pytest.fixture
def survey(signed_in):
    """The survey step (two row lists and a rich text) of a fresh 采购需求 from the sample."""
    client = signed_in("zj_clerk")
    doc_id = new_document(client, "requirements", "需求-恶意提交")
    url = f"/documents/{doc_id}/steps/survey"
    return client, doc_id, url


def _post(client, url: str, **data: str):
    page = client.get(url).get_data(as_text=True)
    sample = documents.to_formdata(documents.get_kind("requirements").sample())
    fields = [f.name for f in documents.get_kind("requirements").step("survey").form_class()]
    posted = {k: v for k, v in sample.items() if k.split("-")[0] in fields}
    posted.update(csrf_token=csrf_token(page), version=version_of(page), **data)
    return client.post(url, data=posted)


def _draft(db, doc_id: int) -> tuple[int, dict[str, str]]:
    db.expire_all()
    doc = db.scalar(select(Document).where(Document.id == doc_id))
    return doc.version, dict(doc.draft_data)


@pytest.mark.parametrize(("button", "value"), [
    ("add_row", "survey_summary"),  # a field, not a list of rows
    ("add_row", ""),
    ("add_row", "no_such_list"),
    ("add_row", "surveyed_purchasers-0"),  # a row, not a list
    ("remove_row", "surveyed_purchasers-99"),
    ("remove_row", "survey_summary"),
    ("remove_row", ""),
])
def test_unknown_row_buttons_are_a_400_and_save_nothing(db, survey, button, value) -> None:
    client, doc_id, url = survey
    before = _draft(db, doc_id)
    response = _post(client, url, **{button: value, "survey_summary": "<p>改过的</p>"})
    assert response.status_code == 400
    assert _draft(db, doc_id) == before


def test_real_row_buttons_still_add_and_remove_rows(db, survey) -> None:
    client, doc_id, url = survey
    added = _post(client, url, add_row="surveyed_purchasers")
    assert added.status_code == 200
    assert 'name="surveyed_purchasers-3-name"' in added.get_data(as_text=True)
    removed = _post(client, url, remove_row="surveyed_purchasers-0")
    assert removed.status_code in (200, 400)  # two rows left is below the minimum of three
    _version, data = _draft(db, doc_id)
    assert "surveyed_purchasers-0-name" not in data


@pytest.mark.parametrize(("name", "size"), [
    ("surveyed_purchasers-0-name", 201),  # a 200-character field
    ("surveyed_purchasers-0-finding", 1_000_001),
    ("survey_summary", 1_000_000),
])
def test_a_value_beyond_its_limit_is_refused_and_not_stored(db, survey, name, size) -> None:
    client, doc_id, url = survey
    before = _draft(db, doc_id)
    response = _post(client, url, **{name: "长" * size})
    assert response.status_code == 400
    assert "本次填写未保存" in response.get_data(as_text=True)
    assert _draft(db, doc_id) == before


def test_rich_text_is_stored_sanitised(db, survey) -> None:
    client, doc_id, url = survey
    response = _post(client, url, survey_summary='<p onclick="x()">调查<script>alert(1)</script>'
                                                 '完成</p><img src=x onerror=alert(2)>')
    assert response.status_code == 200
    _version, data = _draft(db, doc_id)
    assert data["survey_summary"] == "<p>调查完成</p>"


def test_an_autosave_beyond_a_limit_says_it_did_not_save(db, survey) -> None:
    client, doc_id, url = survey
    before = _draft(db, doc_id)
    response = _post(client, url, autosave="1", survey_summary="长" * 40_000)
    assert response.status_code == 400
    assert "未自动保存" in response.get_data(as_text=True)
    assert _draft(db, doc_id) == before
