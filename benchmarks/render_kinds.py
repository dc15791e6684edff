"""Render every document kind N times and compare with bare WeasyPrint and LibreOffice.

    .venv/bin/python benchmarks/render_kinds.py [N] [--kinds contract,solicitation] [--no-soffice]

For each kind, from its built-in sample: the median time of ``documents.render_pdf`` (validate,
template, WeasyPrint layout, compact fonts, anchors), of bare ``HTML(string).write_pdf()`` on
the same HTML, their ratio and both file sizes; for DOCX kinds also ``render_docx`` and a
LibreOffice ``--convert-to pdf`` of that DOCX. A warm-up render per kind is not counted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from documents import all_kinds, render_docx, render_html, render_pdf  # noqa: E402


def median_ms(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), result


def soffice_ms(docx: bytes, repeat: int, workdir: Path) -> float | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    source = workdir / "in.docx"
    source.write_bytes(docx)
    profile = (workdir / "profile").as_uri()
    target = workdir / "in.pdf"

    def convert() -> None:
        target.unlink(missing_ok=True)
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
                       check=False, capture_output=True, timeout=300)
        if not target.exists():  # its exit code is always 0
            raise RuntimeError("LibreOffice produced no PDF")

    convert()  # first start creates the profile; not counted
    return median_ms(convert, repeat)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repeat", nargs="?", type=int, default=5)
    parser.add_argument("--kinds", default="", help="comma-separated kind codes (default: all)")
    parser.add_argument("--no-soffice", action="store_true")
    args = parser.parse_args()
    from weasyprint import HTML

    wanted = {code for code in args.kinds.split(",") if code}
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        for kind in all_kinds():
            if wanted and kind.code not in wanted:
                continue
            data = kind.sample()
            render_pdf(kind.code, data)  # warm-up: templates compiled, fonts loaded
            html = render_html(kind.code, data)
            ours, rendered = median_ms(partial(render_pdf, kind.code, data), args.repeat)
            bare, raw = median_ms(HTML(string=html).write_pdf, args.repeat)
            row = [kind.code, ours, bare, ours / bare, len(rendered.content), len(raw)]
            if kind.docx_template:
                docx_ms, docx = median_ms(partial(render_docx, kind.code, data), args.repeat)
                office = None if args.no_soffice else soffice_ms(
                    docx.content, args.repeat, workdir)
                row += [docx_ms, office, office / ours if office else None]
            rows.append(row)
    header = (f"{'kind':26} {'ours ms':>8} {'bare ms':>8} {'ratio':>6} {'ours KB':>8} "
              f"{'bare KB':>8} {'docx ms':>8} {'soffice ms':>10} {'soffice/ours':>12}")
    print(f"median of {args.repeat} renders per kind")
    print(header)
    for code, ours, bare, ratio, size, raw_size, *office in rows:
        line = (f"{code:26} {ours:8.0f} {bare:8.0f} {ratio:6.2f} {size / 1024:8.1f} "
                f"{raw_size / 1024:8.1f}")
        if office:
            docx_ms, soffice, soffice_ratio = office
            line += f" {docx_ms:8.0f}"
            line += f" {soffice:10.0f} {soffice_ratio:12.1f}" if soffice else f" {'—':>10}"
        print(line)


if __name__ == "__main__":
    main()
