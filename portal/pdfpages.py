"""Pages of a PDF as images for the stamping wizard, and their sizes in points (poppler).

poppler runs as a child process under a wall-clock timeout and CPU-time and memory limits, so
a hostile page (huge, or a bomb of compressed content) costs a bounded amount and ends in a
readable refusal instead of an error page.
"""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from pathlib import Path

from flask_babel import gettext as _

from portal import storage
from portal.domain.errors import DomainError

log = logging.getLogger(__name__)

DPI = 72  # one image pixel per PDF point: clicks map to points without scaling
TIMEOUT_SECONDS = 20
CPU_SECONDS = 15
MEMORY_BYTES = 1024 * 1024 * 1024


class PdfUnreadable(DomainError):
    status_code = 422


def _poppler(arguments: list[str], text: bool) -> subprocess.CompletedProcess[str | bytes]:
    # util-linux's prlimit sets the limits in the child: no preexec_fn in a threaded server.
    limited = ["prlimit", f"--cpu={CPU_SECONDS}", f"--as={MEMORY_BYTES}", "--", *arguments]
    try:
        return subprocess.run(limited, capture_output=True, text=text, check=True,
                              timeout=TIMEOUT_SECONDS)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise PdfUnreadable(_("该 PDF 的页面无法显示（文件损坏或过于复杂）。")) from exc


def page_sizes(sha256: str) -> list[tuple[float, float]]:
    path = storage.path_of(sha256, ".pdf")
    out = str(_poppler(["pdfinfo", "-f", "1", "-l", "9999", str(path)], text=True).stdout)
    sizes = [(float(w), float(h))
             for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]
    if not sizes or any(w <= 0 or h <= 0 for w, h in sizes):  # a page tree without pages
        raise PdfUnreadable(_("该 PDF 的页面无法显示（文件损坏或过于复杂）。"))
    return sizes


def page_png(sha256: str, page: int) -> bytes:
    """Page ``page`` (0-based) as PNG, made once per PDF and page and kept beside the PDF."""
    cached = storage.path_of(sha256, f".p{page}.png")
    if cached.exists():
        return cached.read_bytes()
    source = storage.path_of(sha256, ".pdf")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "page"
        _poppler(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page + 1), "-l", str(page + 1),
                  "-singlefile", str(source), str(target)],
                 text=False)
        made = Path(folder) / "page.png"
        if not made.exists():
            raise PdfUnreadable(_("该 PDF 的页面无法显示（文件损坏或过于复杂）。"))
        content = made.read_bytes()
    try:
        storage.put_as(content, cached)
    except OSError:  # a full or read-only disk: serve the image without keeping it
        log.warning("page image not cached (storage not writable)", exc_info=True)
    return content
