"""Organisations, users and signing in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from codes.errors import InvalidCode
from codes.uscc import validate_uscc as _validate_uscc
from portal.domain import audit
from portal.domain.errors import InvalidInput
from portal.models import (
    CollectorType,
    Organisation,
    OrgKind,
    Position,
    Region,
    SupplierKind,
    User,
    UserPosition,
)


class AuthenticationFailed(InvalidInput):
    pass


def password_hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def validate_uscc(uscc: str) -> str:
    try:
        return _validate_uscc(uscc)
    except InvalidCode as exc:
        raise InvalidInput(str(exc)) from None


def create_organisation(
    db: Session,
    *,
    actor: User | None,
    name: str,
    uscc: str,
    kind: OrgKind,
    region: Region,
    collector_type: CollectorType | None = None,
    supplier_kind: SupplierKind | None = None,
    address: str = "",
    contact: str = "",
    phone: str = "",
) -> Organisation:
    code = validate_uscc(uscc)
    if (kind is OrgKind.collector) != (collector_type is not None):
        raise InvalidInput(_("征集人须选择类型（集中采购机构或主管预算单位），其他单位不可选择"))
    if (kind is OrgKind.supplier) != (supplier_kind is not None):
        raise InvalidInput(_("供应商须选择类型（厂商、代理商或服务类供应商），其他单位不可选择"))
    if db.scalar(select(Organisation.id).where(Organisation.uscc == code)) is not None:
        raise InvalidInput(_("该统一社会信用代码已被其他单位使用"))
    org = Organisation(
        name=name,
        uscc=code,
        kind=kind,
        region=region,
        collector_type=collector_type,
        supplier_kind=supplier_kind,
        address=address,
        contact=contact,
        phone=phone,
    )
    db.add(org)
    db.flush()
    audit.record(db, actor=actor, action="organisation.created", subject_type="organisation",
                 subject_id=org.id, after=kind.value, detail={"uscc": code, "name": name})
    return org


def create_user(
    db: Session,
    *,
    actor: User | None,
    hasher: PasswordHasher,
    username: str,
    display_name: str,
    password: str,
    org: Organisation,
    positions: frozenset[Position],
    id_number: str | None = None,
) -> User:
    if len(password) < 8:
        raise InvalidInput(_("密码至少8位"))
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(_("用户名已存在"))
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hasher.hash(password),
        org=org,
        id_number=id_number,
        position_rows=[UserPosition(position=p) for p in sorted(positions)],
    )
    db.add(user)
    db.flush()
    audit.record(db, actor=actor, action="user.created", subject_type="user", subject_id=user.id,
                 after=",".join(sorted(positions)), detail={"username": username})
    return user


def authenticate(db: Session, hasher: PasswordHasher, username: str, password: str) -> User:
    """Return the user or raise; both outcomes are audited and committed."""
    user = db.scalar(select(User).where(User.username == username.strip()))
    try:
        if user is None or not user.active:
            hasher.hash(password)  # spend the same time, so timing does not reveal usernames
            raise VerificationError
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        audit.record(db, actor=None, action="user.login_failed", subject_type="user",
                     subject_id=user.id if user else "-", detail={"username": username[:64]})
        db.commit()
        raise AuthenticationFailed(_("用户名或密码错误")) from None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    audit.record(db, actor=user, action="user.login", subject_type="user", subject_id=user.id)
    db.commit()
    return user


def sign_out(db: Session, user: User) -> None:
    audit.record(db, actor=user, action="user.logout", subject_type="user", subject_id=user.id)
    db.commit()
