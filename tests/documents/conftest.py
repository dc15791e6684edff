"""Shared fixtures: every kind's sample rendered once per session (PDF, DOCX, text)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from documents import RenderedFile, all_kinds, render_docx, render_pdf

KIND_CODES = [kind.code for kind in all_kinds()]
DOCX_CODES = [kind.code for kind in all_kinds() if kind.docx_template]


def squash(text: str) -> str:
    """Text without any whitespace: pdftotext wraps lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, *, raw: bool = True) -> str:
    # -raw keeps content-stream order, so each table cell's lines stay together.
    args = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _written(folder: Path, rendered: dict[str, RenderedFile], suffix: str) -> dict[str, Path]:
    """Each kind's file written to ``folder`` as ``<code><suffix>``, for the external readers."""
    paths = {code: folder / f"{code}{suffix}" for code in rendered}
    for code, file in rendered.items():
        paths[code].write_bytes(file.content)
    return paths


@pytest.fixture(scope="session")
def samples() -> dict[str, dict[str, Any]]:
    return {kind.code: kind.sample() for kind in all_kinds()}


@pytest.fixture(scope="session")
def rendered_pdfs(samples: dict[str, dict[str, Any]]) -> dict[str, RenderedFile]:
    return {code: render_pdf(code, samples[code]) for code in KIND_CODES}


@pytest.fixture(scope="session")
def pdf_files(tmp_path_factory: pytest.TempPathFactory, rendered_pdfs: dict[str, RenderedFile]
              ) -> dict[str, Path]:
    return _written(tmp_path_factory.mktemp("pdf"), rendered_pdfs, ".pdf")


@pytest.fixture(scope="session")
def pdf_texts(pdf_files: dict[str, Path]) -> dict[str, str]:
    return {code: pdf_text(path) for code, path in pdf_files.items()}


@pytest.fixture(scope="session")
def rendered_docx(samples: dict[str, dict[str, Any]]) -> dict[str, RenderedFile]:
    return {code: render_docx(code, samples[code]) for code in DOCX_CODES}


@pytest.fixture(scope="session")
def docx_files(tmp_path_factory: pytest.TempPathFactory, rendered_docx: dict[str, RenderedFile]
               ) -> dict[str, Path]:
    return _written(tmp_path_factory.mktemp("docx"), rendered_docx, ".docx")


@pytest.fixture(scope="session")
def libreoffice_pdfs(tmp_path_factory: pytest.TempPathFactory, docx_files: dict[str, Path]
                     ) -> dict[str, Path]:
    """All DOCX samples converted in one soffice run (it starts slowly; exit code is always 0)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path_factory.mktemp("soffice")
    profile = tmp_path_factory.mktemp("soffice-profile")
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_files.values())],
        check=False, capture_output=True, timeout=180,
    )
    return {code: out / f"{code}.pdf" for code in docx_files}


@pytest.fixture
def sample_of(samples: dict[str, dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """A fresh deep copy of a kind's sample, safe to mutate in a test."""
    import copy

    return lambda code: copy.deepcopy(samples[code])
