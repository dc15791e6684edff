"""Pages of a PDF as images for the stamping wizard, and their sizes in points (poppler)."""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from pathlib import Path

from portal import storage

log = logging.getLogger(__name__)

DPI = 72  # one image pixel per PDF point: clicks map to points without scaling


def page_sizes(sha256: str) -> list[tuple[float, float]]:
    path = storage.path_of(sha256, ".pdf")
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(path)],
                         capture_output=True, text=True, check=True, timeout=30).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(float(w), float(h)) for w, h in sizes]


def page_png(sha256: str, page: int) -> bytes:
    """Page ``page`` (0-based) as PNG, made once per PDF and page and kept beside the PDF."""
    cached = storage.path_of(sha256, f".p{page}.png")
    if cached.exists():
        return cached.read_bytes()
    source = storage.path_of(sha256, ".pdf")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page + 1), "-l", str(page + 1),
             "-singlefile", str(source), str(target)],
            check=True, capture_output=True, timeout=60,
        )
        content = (Path(folder) / "page.png").read_bytes()
    try:
        storage.put_as(content, cached)
    except OSError:  # a full or read-only disk: serve the image without keeping it
        log.warning("page image not cached (storage not writable)", exc_info=True)
    return content
