"""Storage on a full or read-only disk: writes are atomic and leave nothing behind, the stamping
page still shows its images, and people see a message without server paths."""

from __future__ import annotations

import errno
import os
from io import BytesIO

import pytest

from portal import storage
from tests.helpers import csrf_token
from tests.portal.test_sealing import (  # noqa: F401  (fixtures)
    agreed_offline_pdf,
    approved_contract,
    online_contract_draft,
)

pytestmark = pytest.mark.db


def _refuse(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", "/srv/kuangcai/var/files/ab/x")


def test_a_failed_write_leaves_no_partial_file_and_no_target(app, monkeypatch) -> None:
    monkeypatch.setattr(os, "replace", _refuse)
    with app.app_context():
        target = storage.path_of("ab" * 32, ".pdf")
        target.parent.mkdir(parents=True, exist_ok=True)
        before = set(target.parent.iterdir())  # the folder is shared with other tests' files
        with pytest.raises(OSError):
            storage.put_as(b"%PDF-1.7 half a document", target)
        assert not target.exists()
        assert set(target.parent.iterdir()) == before  # the temporary file was removed


def test_a_whole_write_is_readable_by_its_digest(app) -> None:
    with app.app_context():
        sha = storage.put(b"%PDF-1.7 whole", ".pdf")
        assert storage.read(sha, ".pdf") == b"%PDF-1.7 whole"
        assert not [p for p in storage.path_of(sha, ".pdf").parent.iterdir()
                    if p.name.startswith(".partial-")]


def test_the_stamping_page_image_is_served_when_storage_is_read_only(
        approved_contract, signed_in, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(storage, "put_as", _refuse)
    response = signed_in("gys_mfr").get(f"/documents/{approved_contract.id}/pages/0.png")
    assert response.status_code == 200 and response.data.startswith(b"\x89PNG")


def test_an_upload_on_a_full_disk_answers_503_without_the_server_path(
        online_contract_draft, signed_in, agreed_offline_pdf, monkeypatch) -> None:  # noqa: F811
    client = signed_in("cg_clerk")
    page = client.get(f"/documents/{online_contract_draft.id}/check").get_data(as_text=True)
    monkeypatch.setattr(storage, "put", _refuse)
    response = client.post(
        f"/documents/{online_contract_draft.id}/upload",
        data={"csrf_token": csrf_token(page), "version": str(online_contract_draft.version),
              "pdf": (BytesIO(agreed_offline_pdf), "contract.pdf")},
        content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 503 and "磁盘已满" in body and "/srv" not in body
