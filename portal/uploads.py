"""Checks on uploaded files: size, type by content, and for PDFs their structure.

Every PDF upload must parse, be unencrypted and open every page its page tree claims
(:func:`checked_pdf`, also for the public verification page). A PDF that will be sealed and
handed to the other party must also carry no active content and stay within the page bounds
the stamping wizard can draw (:func:`sealable_pdf`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from portal.domain.errors import InvalidInput

MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_KEY_BYTES = 64 * 1024
MAX_PAGES = 300
# The longest page side, in points: A0's long side (3,370 pt) with room; the PDF limit of
# 14,400 pt takes pdftoppm tens of seconds.
MAX_PAGE_POINTS = 5000.0
MAX_CONTENT_BYTES = 64 * 1024 * 1024  # every page's content streams, decoded
MAX_OBJECTS_WALKED = 200_000

ACTIVE = {
    "javascript": _l("JavaScript 脚本"),
    "open_action": _l("打开文件时自动执行的动作"),
    "launch": _l("启动外部程序的动作"),
    "embedded_files": _l("嵌入的附件"),
    "xfa": _l("XFA 动态表单"),
}


def read_upload(upload: FileStorage | None, limit: int) -> bytes:
    if upload is None or not upload.filename:
        raise InvalidInput(_("请选择要上传的文件。"))
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(_("文件过大：不能超过 %(mb)s MB。", mb=round(limit / 1024 / 1024, 1)))
    if not content:
        raise InvalidInput(_("文件是空的。"))
    return content


def _damaged() -> InvalidInput:
    return InvalidInput(_("PDF 文件已损坏或格式不规范，无法读取。"))


def _open(content: bytes) -> Any:
    """A pypdf reader over ``content`` whose every page opened, or a clear refusal."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not content.lstrip()[:5] == b"%PDF-":
        raise InvalidInput(_("文件不是 PDF：请上传 PDF 格式的文件。"))
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # hostile files are expected here
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(_("PDF 已加密，无法验证或盖章：请上传未加密的文件。"))
        root: Any = reader.trailer["/Root"]
        claimed = int(root["/Pages"]["/Count"])
        if claimed > MAX_PAGES:
            raise InvalidInput(_("PDF 页数过多：不能超过 %(n)s 页。", n=MAX_PAGES))
        pages = [reader.pages[i] for i in range(claimed)]  # opens each one in the tree
        found = len(reader.flattened_pages or [])
    except InvalidInput:
        raise
    except (PyPdfError, KeyError, ValueError, TypeError, IndexError, AttributeError,
            RecursionError) as exc:
        raise _damaged() from exc
    if not pages:
        raise InvalidInput(_("PDF 没有页面。"))
    if found != claimed:
        raise _damaged()
    return reader


def checked_pdf(upload: FileStorage | None) -> bytes:
    """A real, well-formed, unencrypted PDF whose every page opens, or a clear refusal."""
    content = read_upload(upload, MAX_PDF_BYTES)
    _open(content)
    return content


def sealable_pdf(upload: FileStorage | None) -> bytes:
    """:func:`checked_pdf`, with no active content and pages the wizard can draw."""
    from pypdf.errors import LimitReachedError, PyPdfError

    content = read_upload(upload, MAX_PDF_BYTES)
    reader = _open(content)
    try:
        found = sorted(set(_active_content(reader.trailer["/Root"])))
        total = 0
        for page in reader.pages:
            box = page.mediabox
            user_unit = float(page.get("/UserUnit", 1))
            if max(abs(float(box.width)), abs(float(box.height))) * user_unit > MAX_PAGE_POINTS:
                raise InvalidInput(_("PDF 页面尺寸过大：每页长宽不能超过 %(cm)s 厘米。",
                                     cm=round(MAX_PAGE_POINTS / 72 * 2.54)))
            contents = page.get_contents()
            total += len(contents.get_data()) if contents is not None else 0
            if total > MAX_CONTENT_BYTES:
                raise LimitReachedError("content")
    except InvalidInput:
        raise
    except LimitReachedError as exc:
        raise InvalidInput(_("PDF 页面内容过大，无法盖章：请压缩或拆分后再上传。")) from exc
    except (PyPdfError, KeyError, ValueError, TypeError, IndexError, AttributeError,
            RecursionError) as exc:
        raise _damaged() from exc
    if found:
        raise InvalidInput(_("PDF 含有不允许的活动内容（%(what)s），盖章后会随文件交给对方，"
                             "因此不能上传：请去除后重新导出 PDF 再上传。",
                             what="、".join(str(ACTIVE[name]) for name in found)))
    return content


def _active_content(root: Any) -> Iterator[str]:
    """Names (keys of ACTIVE) of the active content reachable from the catalogue ``root``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    opening = root.get("/OpenAction")
    if opening is not None and isinstance(opening.get_object(), DictionaryObject) \
            and opening.get_object().get("/S") != "/GoTo":
        yield "open_action"  # a plain destination (open at page 1) is harmless
    names = root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        yield "embedded_files"
    form = root.get("/AcroForm")
    if form is not None and "/XFA" in form.get_object():
        yield "xfa"
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    walked = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        walked += 1
        if walked > MAX_OBJECTS_WALKED:
            raise InvalidInput(_("PDF 结构过于复杂，无法检查，因此不能盖章。"))
        if isinstance(node, DictionaryObject):
            action = node.get("/S")
            if action == "/JavaScript" or "/JS" in node:
                yield "javascript"
            if action == "/Launch":
                yield "launch"
            if "/AA" in node:
                yield "open_action"
            if "/EF" in node or node.get("/Subtype") == "/FileAttachment":
                yield "embedded_files"
            stack.extend(value for name, value in node.items() if name != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
