"""Sessions end on the server: a copied cookie dies with sign-out or a password change; sign-in
starts a new session with a new CSRF secret; a state-changing request from another site is
refused even with a valid token."""

from __future__ import annotations

import pytest

from portal.demo import DEMO_PASSWORD
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.db


def _copy(demo, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    thief = demo.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(response) -> bool:
    return response.status_code == 200


def test_a_copied_session_cookie_stops_working_at_sign_out(demo, signed_in) -> None:
    client = signed_in("zj_clerk")
    thief = _copy(demo, client)
    assert _signed_in(thief.get("/todo"))
    token = csrf_token(client.get("/todo").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/todo").status_code == 302
    refused = thief.get("/todo")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_sign_in_starts_a_new_session_and_csrf_secret(demo) -> None:
    client = demo.test_client()
    before = csrf_token(client.get("/login").get_data(as_text=True))
    old_cookie = client.get_cookie("session").value
    assert sign_in(client, "zj_clerk").status_code == 302
    assert client.get_cookie("session").value != old_cookie
    # A token minted from the pre-login session is refused after sign-in.
    response = client.post("/documents/new", data={"csrf_token": before})
    assert response.status_code == 400
    assert "来源无法验证" in response.get_data(as_text=True)
    after = csrf_token(client.get("/todo").get_data(as_text=True))
    assert after != before


def test_a_new_password_signs_out_every_other_session(demo, signed_in) -> None:
    client, elsewhere = signed_in("zj_clerk"), signed_in("zj_clerk")
    page = client.get("/account/password")
    assert page.status_code == 200
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "current": DEMO_PASSWORD,
        "new": "Another@2026x", "confirm": "Another@2026x"})
    assert response.status_code == 302
    assert _signed_in(client.get("/todo"))  # this browser got a new session
    assert elsewhere.get("/todo").status_code == 302
    assert sign_in(demo.test_client(), "zj_clerk").status_code == 400
    assert sign_in(demo.test_client(), "zj_clerk", "Another@2026x").status_code == 302


def test_a_wrong_current_password_changes_nothing(demo, signed_in) -> None:
    client = signed_in("zj_clerk")
    page = client.get("/account/password")
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "current": "wrong-password",
        "new": "Another@2026x", "confirm": "Another@2026x"})
    assert response.status_code == 400 and "当前密码不正确" in response.get_data(as_text=True)
    assert sign_in(demo.test_client(), "zj_clerk").status_code == 302


@pytest.mark.parametrize(("header", "value", "allowed"), [
    ("Origin", "https://evil.example", False),
    ("Origin", "null", False),
    ("Referer", "https://evil.example/page", False),
    ("Origin", "http://localhost", True),
    ("Referer", "http://localhost/todo", True),
])
def test_state_changing_requests_from_another_site_are_refused(signed_in, header, value,
                                                               allowed) -> None:
    client = signed_in("zj_clerk")
    token = csrf_token(client.get("/todo").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token}, headers={header: value})
    assert (response.status_code == 302) is allowed
    assert (client.get("/todo").status_code == 302) is allowed  # signed out only if allowed


def test_a_proxy_name_can_be_trusted_as_an_origin(demo, make_app) -> None:
    behind_proxy = make_app(TRUSTED_ORIGINS=("portal.example.gov.cn",))
    client = behind_proxy.test_client()
    assert sign_in(client, "zj_clerk").status_code == 302
    token = csrf_token(client.get("/todo").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token},
                           headers={"Origin": "https://portal.example.gov.cn"})
    assert response.status_code == 302 and client.get("/todo").status_code == 302
