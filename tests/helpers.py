"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from typing import Any

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
