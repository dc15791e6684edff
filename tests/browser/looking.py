"""How a browser test looks at a page as a person meets it: axe-core finds no serious or
critical accessibility problem, and with KUANGCAI_SCREENSHOTS set the page is kept at desktop
width and on a 390 px phone for a person to look at."""

from __future__ import annotations

import os

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in violations if v["impact"] in SERIOUS]


def snap(page: Page, name: str) -> None:
    """``page`` as it stands: accessible (axe-core), and screenshots when asked for."""
    assert serious_violations(page) == [], name
    folder = os.environ.get("KUANGCAI_SCREENSHOTS")
    if not folder:
        return
    size = page.viewport_size
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)
