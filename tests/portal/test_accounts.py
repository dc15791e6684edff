"""Organisations (uscc rule), signing in and out, CSRF and the sign-in rate limit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from codes.uscc import CHARSET, check_digit
from portal.domain import accounts
from portal.domain.errors import InvalidInput
from portal.models import AuditEvent, OrgKind, Region, RegionLevel, SupplierKind
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.db

first17 = st.builds(
    lambda head, region, body: head + region + body,
    st.text(alphabet=CHARSET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CHARSET, min_size=9, max_size=9),
)


@given(first17)
def test_validate_uscc_accepts_every_code_with_its_check_digit(body: str) -> None:
    code = body + check_digit(body)
    assert accounts.validate_uscc(code.lower()) == code


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_validate_uscc_refuses_any_single_character_change(body: str, at: int, char: str) -> None:
    code = body + check_digit(body)
    changed = code[:at] + char + code[at + 1 :]
    if changed == code or not changed[2:8].isdigit():
        return
    with pytest.raises(InvalidInput, match="统一社会信用代码"):
        accounts.validate_uscc(changed)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91150100MA0N1234X", "应为 18 位"),
        ("91150100MA0N1234XI", "非法字符"),
        ("911501000000000410", "校验位错误"),
    ],
)
def test_wrong_uscc_is_refused_with_a_clear_message(code: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        accounts.validate_uscc(code)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first17)
def test_an_organisation_with_a_wrong_uscc_is_not_created(db, body: str) -> None:
    region = db.scalar(select(Region)) or Region(code="150000", name="内蒙古自治区",
                                                 level=RegionLevel.province)
    good = check_digit(body)
    wrong = CHARSET[(CHARSET.index(good) + 1) % len(CHARSET)]
    with pytest.raises(InvalidInput, match="校验位错误"):
        accounts.create_organisation(
            db, actor=None, name="测试公司", uscc=body + wrong, kind=OrgKind.supplier,
            region=region, supplier_kind=SupplierKind.manufacturer,
        )
    db.rollback()


def test_demo_account_signs_in_and_lands_on_the_todo_list(demo) -> None:
    client = demo.test_client()
    response = sign_in(client, "zj_clerk")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/todo")
    page = client.get("/todo").get_data(as_text=True)
    assert "我的待办" in page and "王丽" in page


def test_wrong_password_is_refused_and_keeps_the_username(demo, db) -> None:
    client = demo.test_client()
    response = sign_in(client, "zj_clerk", password="not-the-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "用户名或密码错误" in page
    assert 'value="zj_clerk"' in page
    assert client.get("/todo").status_code == 302
    failed = db.scalars(select(AuditEvent).where(AuditEvent.action == "user.login_failed")).all()
    assert [e.detail["username"] for e in failed] == ["zj_clerk"]


def test_unknown_user_gets_the_same_message_as_a_wrong_password(demo) -> None:
    response = sign_in(demo.test_client(), "nobody", password="whatever-it-is")
    assert response.status_code == 400
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_rejected(demo) -> None:
    client = demo.test_client()
    response = client.post("/login", data={"username": "zj_clerk", "password": "Kuangcai@2026"})
    assert response.status_code == 400
    assert "表单已过期或来源无法验证" in response.get_data(as_text=True)
    assert client.get("/todo").status_code == 302


def test_logout_without_csrf_token_keeps_the_user_signed_in(signed_in) -> None:
    client = signed_in("zj_clerk")
    assert client.post("/logout").status_code == 400
    assert client.get("/todo").status_code == 200


def test_logout_signs_out_and_is_audited(signed_in, db) -> None:
    client = signed_in("dl_clerk")
    token = csrf_token(client.get("/todo").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/todo").status_code == 302
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["user.login", "user.logout"]


def test_repeated_sign_in_attempts_are_rate_limited(demo) -> None:
    client = demo.test_client()
    statuses = [sign_in(client, "zj_clerk", password="wrong-password").status_code
                for _ in range(6)]
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    # Another account from the same address is not locked out by the first one's attempts.
    assert sign_in(client, "zj_reviewer").status_code == 302


def test_next_parameter_cannot_redirect_off_site(demo) -> None:
    client = demo.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login?next=//evil.example/",
        data={"username": "cg_clerk", "password": "Kuangcai@2026", "csrf_token": csrf_token(page)},
    )
    assert response.headers["Location"] == "/todo"
