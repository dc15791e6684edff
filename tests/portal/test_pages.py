"""Layout, HTMX fragments, error pages, language switch and the to-do mechanism."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Blueprint

from portal import todo
from portal.models import OrgKind, Position
from portal.policy import PUBLIC, access

pytestmark = pytest.mark.db

HX = {"HX-Request": "true"}


def test_full_page_has_layout_and_htmx_request_gets_only_the_fragment(signed_in) -> None:
    client = signed_in("zj_clerk")
    full = client.get("/todo").get_data(as_text=True)
    fragment = client.get("/todo", headers=HX).get_data(as_text=True)
    assert full.startswith("<!doctype html>") and "htmx.min.js" in full
    assert "<html" not in fragment and 'id="todo"' in fragment
    assert "暂无待办事项" in fragment


@pytest.mark.parametrize("headers", [{}, HX])
def test_404_page_in_both_forms(app, headers) -> None:
    response = app.test_client().get("/no-such-page", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "404 · 页面不存在" in page
    assert ("<html" in page) is (not headers)


@pytest.mark.parametrize("headers", [{}, HX])
def test_403_page_in_both_forms(signed_in, headers) -> None:
    response = signed_in("zj_clerk").get("/oversight/audit", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "无权访问" in page
    assert ("<html" in page) is (not headers)


@pytest.mark.parametrize("headers", [{}, HX])
def test_500_page_in_both_forms_hides_the_details(make_app, headers) -> None:
    app = make_app()
    boom = Blueprint("boom", __name__)

    @boom.get("/boom")
    @access(PUBLIC)
    def explode():
        raise RuntimeError("secret internal detail")

    app.register_blueprint(boom)
    app.logger.disabled = True
    response = app.test_client().get("/boom", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统内部错误" in page and "secret internal detail" not in page
    assert ("<html" in page) is (not headers)


def test_anonymous_user_is_sent_to_sign_in_with_the_way_back(app) -> None:
    response = app.test_client().get("/todo")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/todo"


def test_english_is_available(app) -> None:
    client = app.test_client()
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in" in page and '<html lang="en">' in page
    client.get("/lang/zh_CN")
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_404(app) -> None:
    assert app.test_client().get("/lang/xx").status_code == 404


def test_todo_lists_items_from_registered_sources_grouped_by_step(signed_in) -> None:
    def reviews(db, user):
        if user.role is OrgKind.collector and Position.reviewer in user.positions:
            yield todo.TodoItem("待审核", "采购需求：办公设备框架协议", "/r/2",
                                datetime(2026, 11, 20, 9, 0))
            yield todo.TodoItem("待审核", "采购方案：办公设备框架协议", "/r/1",
                                datetime(2026, 11, 19, 9, 0))
        if user.role is OrgKind.collector:
            yield todo.TodoItem("待盖章", "征集文件：物业服务", "/s/1",
                                datetime(2026, 11, 18, 9, 0))

    todo.register(reviews)
    try:
        reviewer_page = signed_in("zj_reviewer").get("/todo").get_data(as_text=True)
        clerk_page = signed_in("zj_clerk").get("/todo").get_data(as_text=True)
        agency_page = signed_in("dl_clerk").get("/todo").get_data(as_text=True)
    finally:
        todo.unregister(reviews)
    assert reviewer_page.index("待审核") < reviewer_page.index("待盖章")
    # oldest first within a step
    assert reviewer_page.index("采购方案") < reviewer_page.index("采购需求")
    assert 'href="/r/1"' in reviewer_page and "2026年11月19日" in reviewer_page
    assert "待审核" not in clerk_page and "征集文件：物业服务" in clerk_page
    assert "暂无待办事项" in agency_page


def test_security_headers_are_set(app) -> None:
    response = app.test_client().get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/login", "/documents/new", "/account/ca", "/verify",
                                  "/documents", "/todo", "/healthz"])
def test_every_page_also_renders_as_an_htmx_fragment(signed_in, path) -> None:
    client = signed_in("dl_clerk") if path != "/login" else signed_in("dl_clerk").application \
        .test_client()
    full = client.get(path)
    fragment = client.get(path, headers=HX)
    assert full.status_code == fragment.status_code == 200
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "系统内部错误" not in fragment.get_data(as_text=True)


def test_verify_is_linked_from_every_page_and_sign_in_says_why(app, published_pair) -> None:
    client = app.test_client()
    call, _change = published_pair
    for url in ("/", "/announcements", f"/announcements/{call.id}"):
        assert 'href="/verify"' in client.get(url).get_data(as_text=True), url
    redirected = client.get("/documents")
    assert redirected.status_code == 302
    login = client.get(redirected.headers["Location"]).get_data(as_text=True)
    assert "仅对登录用户开放，请先登录" in login
    assert "仅对登录用户开放" not in client.get("/login").get_data(as_text=True)
