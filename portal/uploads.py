"""Checks on uploaded files: size, type by content, and for PDFs that they parse, unencrypted."""

from __future__ import annotations

from io import BytesIO

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.domain.errors import InvalidInput

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_KEY_BYTES = 64 * 1024


def read_upload(upload: FileStorage | None, limit: int) -> bytes:
    if upload is None or not upload.filename:
        raise InvalidInput(_("请选择要上传的文件。"))
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(_("文件过大：不能超过 %(mb)s MB。", mb=round(limit / 1024 / 1024, 1)))
    if not content:
        raise InvalidInput(_("文件是空的。"))
    return content


def checked_pdf(upload: FileStorage | None) -> bytes:
    """A real, well-formed, unencrypted PDF, or a clear refusal."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    content = read_upload(upload, MAX_PDF_BYTES)
    if not content.lstrip()[:5] == b"%PDF-":
        raise InvalidInput(_("文件不是 PDF：请上传 PDF 格式的文件。"))
    try:
        reader = PdfFileReader(BytesIO(content), strict=False)
        if reader.encrypted:
            raise InvalidInput(_("PDF 已加密，无法验证或盖章：请上传未加密的文件。"))
        pages = reader.root["/Pages"]["/Count"]
    except (PdfError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise InvalidInput(_("PDF 文件已损坏或格式不规范，无法读取。")) from exc
    if not pages:
        raise InvalidInput(_("PDF 没有页面。"))
    return content
