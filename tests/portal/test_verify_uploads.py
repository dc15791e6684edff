"""The public verification page and the checks every PDF upload goes through."""

from __future__ import annotations

from io import BytesIO

import pytest
import weasyprint

from portal import uploads
from tests.helpers import csrf_token

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return weasyprint.HTML(string="<p lang='zh-CN'>未盖章的文件</p>").write_pdf()


def post(client, content: bytes, name: str = "a.pdf"):
    page = client.get("/verify").get_data(as_text=True)
    return client.post("/verify", data={"csrf_token": csrf_token(page),
                                        "pdf": (BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_anyone_can_open_the_verification_page(app) -> None:
    assert app.test_client().get("/verify").status_code == 200


def test_a_pdf_without_seals_is_reported_as_not_passing(app, plain_pdf) -> None:
    response = post(app.test_client(), plain_pdf)
    assert response.status_code == 200
    assert "验证未通过" in response.get_data(as_text=True)


@pytest.mark.parametrize(("content", "message"), [
    (b"GIF89a not a pdf at all", "不是 PDF"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage", "已损坏"),
    (b"", "文件是空的"),
])
def test_bad_uploads_get_a_clear_message(app, content, message) -> None:
    response = post(app.test_client(), content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_encrypted_pdf_is_refused(app, plain_pdf) -> None:
    from pyhanko.pdf_utils.crypt import StandardSecurityHandler
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(BytesIO(plain_pdf)))
    writer.encrypt = None
    writer.security_handler = StandardSecurityHandler.build_from_pw("secret")
    writer._encrypt = writer.add_object(writer.security_handler.as_pdf_object())
    out = BytesIO()
    writer.write(out)
    response = post(app.test_client(), out.getvalue())
    assert response.status_code == 400
    assert "已加密" in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused(app, plain_pdf, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_PDF_BYTES", len(plain_pdf) - 1)
    response = post(app.test_client(), plain_pdf)
    assert response.status_code == 400
    assert "文件过大" in response.get_data(as_text=True)
