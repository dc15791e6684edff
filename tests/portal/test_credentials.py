"""CA self-binding: every state and refusal of seed 001 §三."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import authority
from portal.demo import DEMO_PIN, EXPERT_ID_FIRST17
from portal.domain import credentials
from portal.domain.credentials import BindingRefused, BindingState
from portal.models import CredentialStatus, HolderType, User
from seals import id_check_digit

pytestmark = pytest.mark.db


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def org_p12(clerk: User, **validity) -> bytes:
    return authority.authority().issue_organisation(clerk.org.name, clerk.org.uscc, DEMO_PIN,
                                                    **validity).p12


def id_number(first17: str = EXPERT_ID_FIRST17) -> str:
    """吴刚's by default: the ID number the demo's expert pool holds for expert_wu."""
    return first17 + id_check_digit(first17)


def test_unbound_org_key_binds_then_the_same_key_is_already_bound(db, demo) -> None:
    clerk = user(db, "dl_clerk")
    p12 = org_p12(clerk)
    binding = credentials.bind(db, clerk, HolderType.org, p12, DEMO_PIN)
    assert binding.state is BindingState.unbound
    assert credentials.org_key(db, clerk.org_id).id == binding.credential.id
    with pytest.raises(BindingRefused, match="已绑定") as refused:
        credentials.bind(db, clerk, HolderType.org, p12, DEMO_PIN)
    assert refused.value.state is BindingState.bound


def test_a_new_certificate_for_the_same_holder_is_a_renewal(db, demo) -> None:
    clerk = user(db, "dl_clerk")
    old = credentials.bind(db, clerk, HolderType.org, org_p12(clerk), DEMO_PIN).credential
    new = credentials.bind(db, clerk, HolderType.org, org_p12(clerk), DEMO_PIN)
    assert new.state is BindingState.renewal
    assert new.credential.serial_hex != old.serial_hex
    assert old.status is CredentialStatus.replaced
    assert credentials.org_key(db, clerk.org_id).id == new.credential.id  # one org key


def test_a_certificate_of_another_organisation_is_refused(db, demo) -> None:
    other = user(db, "zj_clerk")
    with pytest.raises(BindingRefused, match="统一社会信用代码.*不一致"):
        credentials.bind(db, user(db, "dl_clerk"), HolderType.org, org_p12(other), DEMO_PIN)


@pytest.mark.parametrize(("validity", "message"), [
    ({"not_before": datetime.now(UTC) - timedelta(days=400),
      "not_after": datetime.now(UTC) - timedelta(days=1)}, "过期"),
    ({"not_before": datetime.now(UTC) + timedelta(days=10),
      "not_after": datetime.now(UTC) + timedelta(days=400)}, "尚未生效"),
])
def test_expired_and_not_yet_valid_certificates_are_refused(db, demo, validity, message) -> None:
    clerk = user(db, "dl_clerk")
    with pytest.raises(BindingRefused, match=message):
        credentials.bind(db, clerk, HolderType.org, org_p12(clerk, **validity), DEMO_PIN)
    assert credentials.org_key(db, clerk.org_id) is None


def test_wrong_pin_is_refused(db, demo) -> None:
    clerk = user(db, "dl_clerk")
    with pytest.raises(BindingRefused, match="证书密码错误"):
        credentials.bind(db, clerk, HolderType.org, org_p12(clerk), "654321")


def test_personal_key_needs_the_matching_id_number(db, demo) -> None:
    expert = user(db, "expert_wu")
    p12 = authority.authority().issue_person("吴刚", id_number(), DEMO_PIN).p12
    with pytest.raises(BindingRefused, match="身份证号码"):
        credentials.bind(db, expert, HolderType.person, p12, DEMO_PIN,
                         id_number("11010519491231003"))
    binding = credentials.bind(db, expert, HolderType.person, p12, DEMO_PIN, id_number())
    assert binding.state is BindingState.unbound and expert.id_number == id_number()


def test_a_key_bound_to_another_account_is_refused_as_another_role(db, demo) -> None:
    p12 = authority.authority().issue_person("吴刚", id_number(), DEMO_PIN).p12
    credentials.bind(db, user(db, "expert_wu"), HolderType.person, p12, DEMO_PIN, id_number())
    with pytest.raises(BindingRefused, match="已绑定其他角色") as refused:
        credentials.bind(db, user(db, "cz_reviewer"), HolderType.person, p12, DEMO_PIN,
                         id_number())
    assert refused.value.state is BindingState.other_role


def test_only_a_clerk_binds_the_org_key(db, demo) -> None:
    from portal.domain.errors import Forbidden

    reviewer = user(db, "zj_reviewer")
    with pytest.raises(Forbidden):
        credentials.bind(db, reviewer, HolderType.org, org_p12(reviewer), DEMO_PIN)


def test_binding_page_shows_the_refusal_and_binds_an_upload(signed_in, db) -> None:
    from io import BytesIO

    from tests.helpers import csrf_token

    client = signed_in("dl_clerk")
    page = client.get("/account/ca").get_data(as_text=True)
    assert "未绑定" in page
    clerk = user(db, "dl_clerk")
    wrong = client.post("/account/ca", data={
        "csrf_token": csrf_token(page), "holder": "org", "pin": "000000",
        "key_file": (BytesIO(org_p12(clerk)), "key.p12")}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and "证书密码错误" in wrong.get_data(as_text=True)
    ok = client.post("/account/ca", data={
        "csrf_token": csrf_token(page), "holder": "org", "pin": DEMO_PIN,
        "key_file": (BytesIO(org_p12(clerk)), "key.p12")}, content_type="multipart/form-data")
    assert ok.status_code == 302
    assert "内蒙古中咨招标代理有限公司" in client.get("/account/ca").get_data(as_text=True)
