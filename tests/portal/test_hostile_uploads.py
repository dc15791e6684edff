"""Hostile PDF uploads: a page tree that lies, active content, pages too large or too many,
a bomb of compressed content. Each is refused with a clear message and nothing is stored; a
stored PDF poppler cannot read answers a readable refusal, never a 500."""

from __future__ import annotations

import zlib
from io import BytesIO

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject, TextStringObject
from sqlalchemy import select

import documents
from portal import pdfpages, storage
from portal.domain import lifecycle
from portal.models import Organisation, User
from tests.helpers import csrf_token

pytestmark = pytest.mark.db

LYING_PAGE_TREE = (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                   b"2 0 obj << /Type /Pages /Count 5 >> endobj\n"
                   b"trailer << /Root 1 0 R >>\n%%EOF\n")


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return weasyprint.HTML(string="<p lang='zh-CN'>线下签订的合同</p>").write_pdf()


def _rewritten(plain: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(plain)))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(kind: str):
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject({NameObject("/S"): NameObject(kind)})
        if kind == "/JavaScript":
            action[NameObject("/JS")] = TextStringObject("app.alert('x')")
        else:
            action[NameObject("/F")] = TextStringObject("calc.exe")
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return change


def _document_script(writer: PdfWriter) -> None:
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('x')")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("x"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)})


def _pages(count: int, width: float = 595, height: float = 842):
    def change(writer: PdfWriter) -> None:
        for _ in range(count):
            writer.add_blank_page(width, height)
    return change


def _content_bomb(writer: PdfWriter) -> None:
    stream = StreamObject()
    stream._data = zlib.compress(b" " * (70 * 1024 * 1024), 9)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)


HOSTILE = {
    "document-level JavaScript": (_document_script, "JavaScript 脚本"),
    "JavaScript on opening": (_open_action("/JavaScript"), "JavaScript 脚本"),
    "a launch action": (_open_action("/Launch"), "启动外部程序的动作"),
    "an embedded file": (lambda w: w.add_attachment("a.exe", b"MZ"), "嵌入的附件"),
    "a 14,400 pt page": (_pages(1, 14400, 14400), "页面尺寸过大"),
    "301 pages": (_pages(300), "页数过多"),
    "compressed zeros": (_content_bomb, "页面内容过大"),
}


@pytest.fixture
def upload_to_draft(db, demo_keys, signed_in):
    """Upload bytes as the PDF of a 合同在线签订 draft, as its purchaser over HTTP."""
    clerk = db.scalar(select(User).where(User.username == "cg_clerk"))
    supplier = db.scalar(select(Organisation).where(Organisation.name == "北方信创计算机有限公司"))
    doc = lifecycle.create_draft(db, clerk, "online_contract", "打印机采购合同（线下签订）",
                                 parties={"supplier": supplier},
                                 start_from=documents.get_kind("online_contract").sample())
    client = signed_in("cg_clerk")
    page = client.get(f"/documents/{doc.id}/check").get_data(as_text=True)

    def upload(content: bytes):
        db.expire_all()
        return client.post(f"/documents/{doc.id}/upload", data={
            "csrf_token": csrf_token(page), "version": str(doc.version),
            "pdf": (BytesIO(content), "contract.pdf")}, content_type="multipart/form-data")

    upload.doc = doc
    return upload


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pdfs_are_refused_with_a_clear_message_and_not_stored(
        db, upload_to_draft, plain_pdf, name) -> None:
    change, message = HOSTILE[name]
    response = upload_to_draft(_rewritten(plain_pdf, change))
    assert response.status_code == 400, name
    assert message in response.get_data(as_text=True), name
    db.expire_all()
    assert upload_to_draft.doc.uploaded_pdf_sha256 is None


def test_a_page_tree_that_lies_about_its_pages_is_refused(db, upload_to_draft, app) -> None:
    response = upload_to_draft(LYING_PAGE_TREE)
    assert response.status_code == 400 and "已损坏" in response.get_data(as_text=True)
    page = app.test_client().get("/verify").get_data(as_text=True)
    verified = app.test_client().post("/verify", data={
        "csrf_token": csrf_token(page), "pdf": (BytesIO(LYING_PAGE_TREE), "a.pdf")},
        content_type="multipart/form-data")
    assert verified.status_code == 400


def test_a_plain_pdf_and_an_opening_view_are_accepted(db, upload_to_draft, plain_pdf) -> None:
    def open_at_first_page(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(
            DictionaryObject({NameObject("/S"): NameObject("/GoTo"),
                              NameObject("/D"): writer.pages[0].indirect_reference}))

    assert upload_to_draft(plain_pdf).status_code == 302
    assert upload_to_draft(_rewritten(plain_pdf, open_at_first_page)).status_code == 302


def test_a_stored_pdf_poppler_cannot_read_is_a_refusal_not_a_crash(app) -> None:
    with app.app_context():
        sha = storage.put(LYING_PAGE_TREE, ".pdf")
        with pytest.raises(pdfpages.PdfUnreadable):
            pdfpages.page_sizes(sha)


def test_rasterising_stops_at_its_cpu_limit(app, plain_pdf, monkeypatch) -> None:
    # A page that takes poppler long (a 14,400 pt page at 72 dpi: 200 megapixels), cut short.
    heavy = _rewritten(plain_pdf, _pages(1, 14400, 14400))
    monkeypatch.setattr(pdfpages, "CPU_SECONDS", 1)
    with app.app_context():
        sha = storage.put(heavy, ".pdf")
        with pytest.raises(pdfpages.PdfUnreadable):
            pdfpages.page_png(sha, 1)
