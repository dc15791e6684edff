"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, username: str, password: str | None = None) -> Any:
    from portal.demo import DEMO_PASSWORD

    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": DEMO_PASSWORD if password is None else password,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )


def nss_database(directory: Path, root_pem: bytes) -> str:
    """An NSS database trusting ``root_pem``, for ``pdfsig -nssdir``."""
    if shutil.which("certutil") is None or shutil.which("pdfsig") is None:
        pytest.fail("pdfsig (poppler-utils) and certutil (libnss3-tools) must be installed")
    root = directory / "root.pem"
    root.write_bytes(root_pem)
    database = f"sql:{directory}"
    subprocess.run(
        ["certutil", "-N", "-d", database, "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        ["certutil", "-A", "-n", "root", "-t", "CT,C,C", "-i", str(root), "-d", database],
        check=True,
        capture_output=True,
    )
    return database


def run_pdfsig(nss_db: str, pdf: bytes, tmp_path: Path) -> str:
    """pdfsig's report as text. It exits 0 even on a digest mismatch, so read the text.

    No ``-no-ocsp``: poppler 22.12 then reads a stale NSS error and reports every certificate
    as "Unknown issue"; our certificates carry no OCSP address, so nothing is fetched anyway.
    """
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", "-nssdir", nss_db, str(path)], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def pdfsig_blocks(output: str) -> dict[str, str]:
    """Split pdfsig's output into one text block per signature field name."""
    blocks: dict[str, str] = {}
    for chunk in output.split("Signature #")[1:]:
        for line in chunk.splitlines():
            if "Signature Field Name:" in line:
                blocks[line.split(":", 1)[1].strip()] = chunk
    return blocks
