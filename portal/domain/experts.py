"""专家库: the regulator's pool of evaluation experts, and the panel a draw seats for a project.

Each pool entry comes with its own account (Position.expert, in the maintaining regulator's
organisation) so the expert can sign in, answer a draw and check in. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from codes.errors import InvalidCode
from codes.id_number import validate_id_number
from codes.uscc import validate_uscc
from portal.domain import accounts, audit
from portal.domain.errors import Forbidden, InvalidInput
from portal.models import (
    DrawStatus,
    Expert,
    ExpertDraw,
    Organisation,
    OrgKind,
    Position,
    Project,
    Region,
    User,
)

#: 品目 the pool knows (政府采购品目分类目录, the level experts are registered at).
CATEGORIES: dict[str, object] = {
    "A020101": _l("计算机设备"),
    "A020210": _l("打印设备"),
    "A020618": _l("空调机"),
    "A0501": _l("家具"),
    "C1606": _l("信息安全服务"),
    "C1607": _l("运行维护服务"),
    "C2104": _l("物业管理服务"),
    "C2105": _l("保洁服务"),
    "C2309": _l("医疗设备维修和保养服务"),
}


def category_label(code: str) -> str:
    return f"{CATEGORIES.get(code, code)}（{code}）"


def may_maintain(user: User) -> bool:
    return user.role is OrgKind.regulator and Position.reviewer in user.positions


def _require_maintainer(actor: User) -> None:
    if not may_maintain(actor):
        raise Forbidden(_("只有财政部门的管理岗可以维护专家库。"))


@dataclass(frozen=True)
class ExpertDetails:
    name: str
    id_number: str
    categories: tuple[str, ...]
    region: Region
    employer: str
    employer_uscc: str
    phone: str


class ExpertInvalid(InvalidInput):
    """The entry's fields that are wrong, each with its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def _checked(session: Session, details: ExpertDetails, expert: Expert | None) -> ExpertDetails:
    errors: dict[str, list[str]] = {}
    id_number = details.id_number.strip().upper()
    try:
        validate_id_number(id_number)
    except InvalidCode as exc:
        errors["id_number"] = [str(exc)]
    uscc = details.employer_uscc.strip().upper()
    if uscc:
        try:
            validate_uscc(uscc)
        except InvalidCode as exc:
            errors["employer_uscc"] = [str(exc)]
    if not details.categories or any(c not in CATEGORIES for c in details.categories):
        errors["categories"] = [_("请至少选择一个可评审品目。")]
    other = session.scalar(select(Expert).where(Expert.id_number == id_number))
    if other is not None and other is not expert:
        errors["id_number"] = [_("该身份证号码已在专家库中（%(name)s）。", name=other.name)]
    if errors:
        raise ExpertInvalid(errors)
    return ExpertDetails(details.name.strip(), id_number, tuple(details.categories),
                         details.region, details.employer.strip(), uscc, details.phone.strip())


def _snapshot(expert: Expert) -> dict[str, object]:
    return {"name": expert.name, "id_number": expert.id_number,
            "categories": list(expert.categories), "region": expert.region_id,
            "employer": expert.employer, "employer_uscc": expert.employer_uscc,
            "phone": expert.phone, "active": expert.active}


def _apply(expert: Expert, details: ExpertDetails) -> None:
    expert.name, expert.id_number = details.name, details.id_number
    expert.categories = list(details.categories)
    expert.region_id, expert.region = details.region.id, details.region
    expert.employer, expert.employer_uscc = details.employer, details.employer_uscc or None
    expert.phone = details.phone


def add(session: Session, actor: User | None, hasher: PasswordHasher, details: ExpertDetails,
        username: str, password: str, org: Organisation | None = None) -> Expert:
    """新增专家: the pool entry and its account, in the maintainer's organisation (the demo
    seeds its pool without an acting user and names the organisation)."""
    if actor is not None:
        _require_maintainer(actor)
        org = actor.org
    assert org is not None
    account: dict[str, list[str]] = {}
    if not username.strip():
        account["username"] = [_("请填写登录用户名。")]
    elif session.scalar(select(User.id).where(User.username == username.strip())) is not None:
        account["username"] = [_("用户名已存在")]
    if len(password) < 8:
        account["password"] = [_("密码至少8位")]
    try:
        details = _checked(session, details, None)
    except ExpertInvalid as refused:
        raise ExpertInvalid({**refused.errors, **account}) from None
    if account:
        raise ExpertInvalid(account)
    user = accounts.create_user(session, actor=actor, hasher=hasher, username=username.strip(),
                                display_name=details.name, password=password, org=org,
                                positions=frozenset({Position.expert}),
                                id_number=details.id_number)
    expert = Expert(user_id=user.id, user=user, pool_org_id=org.id, name="", id_number="",
                    categories=[], region_id=details.region.id, employer="", phone="")
    _apply(expert, details)
    session.add(expert)
    session.flush()
    audit.record(session, actor=actor, action="expert.added", subject_type="expert",
                 subject_id=expert.id, after=expert.name,
                 detail={"user": user.id, "expert": _snapshot(expert)})
    session.commit()
    return expert


def edit(session: Session, actor: User, expert: Expert, details: ExpertDetails) -> None:
    _require_maintainer(actor)
    details = _checked(session, details, expert)
    before = _snapshot(expert)
    _apply(expert, details)
    expert.user.display_name, expert.user.id_number = details.name, details.id_number
    audit.record(session, actor=actor, action="expert.edited", subject_type="expert",
                 subject_id=expert.id, detail={"before": before, "after": _snapshot(expert)})
    session.commit()


def set_active(session: Session, actor: User, expert: Expert, active: bool) -> None:
    """暂停 / 恢复: a suspended expert is never drawn and cannot sign in."""
    _require_maintainer(actor)
    if expert.active == active:
        return
    expert.active = expert.user.active = active
    if not active:
        expert.user.session_version += 1  # sessions already open end now
    audit.record(session, actor=actor, action="expert.reinstated" if active else
                 "expert.suspended", subject_type="expert", subject_id=expert.id,
                 before=not active, after=active)
    session.commit()


def pool(session: Session) -> list[Expert]:
    return list(session.scalars(select(Expert).order_by(Expert.id)))


def of_user(session: Session, user: User) -> Expert | None:
    return session.scalar(select(Expert).where(Expert.user_id == user.id))


# ---- the panel, for the evaluation -----------------------------------------------------------

@dataclass(frozen=True)
class PanelSeat:
    user_id: int
    name: str
    id_number: str
    employer: str
    checked_in: bool
    leader: bool


def current_draw(session: Session, project: Project) -> ExpertDraw | None:
    """The project's latest completed draw (a returned request draws nothing)."""
    return session.scalar(select(ExpertDraw).where(
        ExpertDraw.project_id == project.id, ExpertDraw.status == DrawStatus.drawn)
        .order_by(ExpertDraw.id.desc()))


def panel(session: Session, project: Project) -> list[PanelSeat]:
    """The experts seated on the project's panel (after declines and replacements), in draw
    order; empty before a draw."""
    draw = current_draw(session, project)
    if draw is None:
        return []
    return [PanelSeat(seat.expert.user_id, seat.expert.name, seat.expert.id_number,
                      seat.expert.employer, seat.checked_in_at is not None,
                      seat.id == draw.leader_seat_id)
            for seat in draw.seats if seat.on_panel]
