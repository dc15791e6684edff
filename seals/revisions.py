"""Revisions of a sealed PDF, and 撤章 (withdrawing the last seal).

Every seal is one incremental update appended to the file, so withdrawing a seal before the
document is submitted means cutting the file back to the bytes it had before that update –
exactly the earlier bytes, with every earlier seal untouched. :func:`withdraw_last` only does
so when the last revision is exactly one signature that covers the whole file; anything else
(a document timestamp, a form edit, trailing junk) is refused.
"""

from __future__ import annotations

import io

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from seals.errors import WithdrawError

_EOF_MARKER = b"%%EOF"


def revision_end(pdf_bytes: bytes, reader: PdfFileReader, revision: int) -> int:
    """Offset just past the ``%%EOF`` line that closes ``revision`` (0-based)."""
    info = reader.xrefs.get_xref_container_info(revision)
    marker = pdf_bytes.find(_EOF_MARKER, info.end_location)
    if marker < 0:
        raise WithdrawError("无法确定文件修订的结束位置")
    end = marker + len(_EOF_MARKER)
    # the end-of-line after %%EOF belongs to the revision it closes
    if pdf_bytes[end : end + 2] == b"\r\n":
        return end + 2
    if pdf_bytes[end : end + 1] in (b"\r", b"\n"):
        return end + 1
    return end


def withdraw_last(sealed_bytes: bytes) -> bytes:
    """Return the bytes before the last seal; refuse unless that revision is one seal only."""
    try:
        reader = PdfFileReader(io.BytesIO(sealed_bytes))
        signatures = reader.embedded_signatures
        total = reader.xrefs.total_revisions
    except PdfError as exc:
        raise WithdrawError(f"文件无法解析：{exc}") from exc
    if not signatures:
        raise WithdrawError("文件中没有签章，无需撤章")
    last_revision = total - 1
    in_last = [sig for sig in signatures if sig.signed_revision == last_revision]
    if len(in_last) != 1:
        raise WithdrawError("文件最后一次修改不是一个签章，不能撤章")
    seal = in_last[0]
    if seal.sig_object_type != "/Sig":
        raise WithdrawError("文件最后一次修改是文档时间戳，不是签章")
    start, first_length, second_start, second_length = (int(v) for v in seal.byte_range)
    if start != 0 or second_start + second_length != len(sealed_bytes):
        raise WithdrawError("最后一个签章之后文件又被修改过，不能撤章")
    if total < 2:
        raise WithdrawError("签章不是以增量更新方式加入的，不能撤章")
    previous = sealed_bytes[: revision_end(sealed_bytes, reader, total - 2)]
    _check_previous(previous, total - 1, len(signatures) - 1)
    return previous


def _check_previous(previous: bytes, revisions: int, signatures: int) -> None:
    try:
        reader = PdfFileReader(io.BytesIO(previous))
        ok = (
            reader.xrefs.total_revisions == revisions
            and len(reader.embedded_signatures) == signatures
        )
    except PdfError:
        ok = False
    if not ok:
        raise WithdrawError("撤章后的文件无法还原为上一修订版本")
