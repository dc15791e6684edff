"""Content-addressed file store for rendered and sealed documents.

Files are named by their SHA-256 under ``VAR_DIR/files``; identical bytes are stored once and a
file never changes once written (published content is never modified in place). In production
``KUANGCAI_VAR_DIR`` sits on storage shared by web and worker machines.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


def _root() -> Path:
    return Path(current_app.config["VAR_DIR"]) / "files"


def path_of(sha256: str, suffix: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return _root() / sha256[:2] / f"{sha256}{suffix}"


def put(content: bytes, suffix: str) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    put_as(content, path_of(sha256, suffix))
    return sha256


def put_as(content: bytes, target: Path) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename, so a reader
    never sees half a file; on any failure (full or read-only disk) the temporary file is
    removed and the error goes up."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def read(sha256: str, suffix: str) -> bytes:
    return path_of(sha256, suffix).read_bytes()
