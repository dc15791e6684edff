"""Every registered route, walked with every demo role and anonymously.

The matrix below is the expected answer written out by hand; adding a route without adding it
here fails ``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import pytest

from portal.demo import ACCOUNTS
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.db

ANONYMOUS = "anonymous"
USERS = [ANONYMOUS] + [username for username, *_ in ACCOUNTS]

# (method, path) -> (status for anonymous, status for every signed-in account, or a dict of
# exceptions by username). 302 to the sign-in page is spelled "login".
MATRIX: dict[tuple[str, str], tuple[object, object]] = {
    ("GET", "/"): (200, 200),
    ("GET", "/login"): (200, 302),
    ("POST", "/login"): (400, 400),  # only a CSRF token: the form asks for the fields
    ("POST", "/logout"): ("login", 302),
    ("GET", "/todo"): ("login", 200),
    ("GET", "/lang/en"): (302, 302),
    ("GET", "/healthz"): (200, 200),
    ("GET", "/static/css/app.css"): (200, 200),
    ("GET", "/oversight/audit"): ("login", {**{u: 403 for u in USERS}, "cz_reviewer": 200}),
}

ENDPOINT_PATHS = {
    "main.home": "/",
    "auth.login": "/login",
    "auth.logout": "/logout",
    "main.todo": "/todo",
    "main.set_language": "/lang/en",
    "health.healthz": "/healthz",
    "static": "/static/css/app.css",
    "oversight.audit_trail": "/oversight/audit",
}


def test_every_route_is_in_the_matrix(app) -> None:
    registered = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert registered == set(ENDPOINT_PATHS), "add new routes to MATRIX and ENDPOINT_PATHS"
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, ENDPOINT_PATHS[rule.endpoint]) in MATRIX, (method, rule.rule)


@pytest.mark.parametrize("user", USERS)
def test_route_matrix(demo, user: str) -> None:
    for (method, path), (anonymous, signed) in MATRIX.items():
        client = demo.test_client()
        if user != ANONYMOUS:
            assert sign_in(client, user).status_code == 302
        expected = anonymous if user == ANONYMOUS else signed
        if isinstance(expected, dict):
            expected = expected[user]
        data = None
        if method == "POST":
            form_page = client.get("/login" if user == ANONYMOUS else "/")
            data = {"csrf_token": csrf_token(form_page.get_data(as_text=True))}
        with client.open(path, method=method, data=data) as response:
            if expected == "login":
                assert response.status_code == 302, (user, method, path)
                assert response.headers["Location"].startswith("/login?next="), (user, path)
            else:
                assert response.status_code == expected, (user, method, path, response.status_code)
