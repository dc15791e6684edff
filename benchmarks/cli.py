"""Start-up cost of the ``kuangcai`` command, against bare Python and bare WeasyPrint.

    .venv/bin/python benchmarks/cli.py [N]

Each figure is the median wall time of N fresh processes (default 7):
``kuangcai --help`` beside ``python -c pass``, and ``kuangcai render contract`` beside a bare
process that imports WeasyPrint and writes the same HTML to PDF. The targets (issue 10): --help
under 0.5 s, render within 1.3× of the bare process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from documents import get_kind, render_html  # noqa: E402

KUANGCAI = [sys.executable, "-m", "portal.cli"]
BARE = """
import sys
from weasyprint import HTML
HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""


def median_s(command: list[str], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        data = folder / "contract.json"
        import json

        sample = get_kind("contract").sample()
        data.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
        html = folder / "contract.html"
        html.write_text(render_html("contract", sample), encoding="utf-8")

        rows = [
            ("kuangcai --help", median_s([*KUANGCAI, "--help"], repeat),
             "python -c pass", median_s([sys.executable, "-c", "pass"], repeat)),
            ("kuangcai render contract", median_s(
                [*KUANGCAI, "render", "contract", str(data), "-o", str(folder / "a.pdf")],
                repeat),
             "bare WeasyPrint import + write_pdf", median_s(
                 [sys.executable, "-c", BARE, str(html), str(folder / "b.pdf")], repeat)),
        ]
    print(f"median of {repeat} fresh processes")
    print(f"{'ours':<28}{'s':>8}   {'peer':<36}{'s':>8}{'ratio':>8}")
    for ours, ours_s, peer, peer_s in rows:
        print(f"{ours:<28}{ours_s:>8.3f}   {peer:<36}{peer_s:>8.3f}{ours_s / peer_s:>8.2f}")


if __name__ == "__main__":
    main()
