"""Page images of five kinds rendered from their built-in samples, for reviewers.

    .venv/bin/python docs/document-pages/make_pages.py

Each PNG shows two pages side by side (grey, 50 dpi, well under 200 KB). Re-run after changing
templates/documents/ or documents/fonts.py and commit the images with the change.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from documents import get_kind, render_pdf  # noqa: E402

PAGES = {
    "collection_announcement": (1, 2),
    "solicitation": (1, 2),
    "framework_agreement": (1, 4),
    "contract": (1, 2),
    "shortlist_announcement": (1, 2),
}


def main() -> None:
    out = Path(__file__).resolve().parent
    for code, pages in PAGES.items():
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "document.pdf"
            pdf.write_bytes(render_pdf(code, get_kind(code).sample()).content)
            for page in pages:
                subprocess.run(["pdftoppm", "-r", "50", "-gray", "-png", "-f", str(page),
                                "-l", str(page), "-singlefile", str(pdf), f"{tmp}/p{page}"],
                               check=True)
            images = [Image.open(f"{tmp}/p{page}.png") for page in pages]
            sheet = Image.new("L", (sum(i.width for i in images) + 10 * (len(images) - 1),
                                    max(i.height for i in images)), 160)
            x = 0
            for image in images:
                sheet.paste(image, (x, 0))
                x += image.width + 10
            target = out / f"{code}.png"
            sheet.save(target, optimize=True)
            print(f"{target.relative_to(ROOT)}\t{target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
