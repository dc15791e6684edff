"""专家抽取 (seed 000 §一 11, seed 004 §10): a project's draw request, its review, the draw from
a recorded seed, declines and replacements from the reserves.

The draw is ``random.Random(seed).sample(candidates, count + reserves)`` over the eligible
experts' ids in ascending order; seed and candidate list are stored, so 复核抽取 recomputes it.
Who was drawn is seen only by the project's collector and agency and by the experts drawn.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from portal.domain import audit, experts
from portal.domain.errors import Forbidden, InvalidInput, TransitionNotAllowed
from portal.models import (
    DrawSeat,
    DrawStatus,
    Expert,
    ExpertDraw,
    Organisation,
    OrgKind,
    Participation,
    Position,
    Project,
    ProjectStatus,
    Region,
    User,
    utcnow,
)
from portal.todo import TodoItem, register

MAX_COUNT = 50


def pick(seed: str, candidates: Sequence[int], n: int) -> list[int]:
    """The draw itself: ``n`` of the candidates, in draw order, determined by the seed."""
    # not for secrecy: the seed itself comes from secrets; this must be reproducible
    return random.Random(seed).sample(list(candidates), n)  # noqa: S311


# ---- avoidance (回避) -----------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def _normal(name: str) -> str:
    return _SPACES.sub("", name).replace("（", "(").replace("）", ")").upper()


@dataclass(frozen=True)
class Avoided:
    name: str
    uscc: str
    why: str

    def matches(self, expert: Expert) -> bool:
        if self.uscc and expert.employer_uscc and self.uscc == expert.employer_uscc.upper():
            return True
        return bool(self.name) and _normal(self.name) == _normal(expert.employer)

    def label(self) -> str:
        return f"{self.name or self.uscc}（{self.why}）"

    def record(self) -> dict[str, str]:
        return {"name": self.name, "uscc": self.uscc, "why": self.why}


def _org(org: Organisation, why: str) -> Avoided:
    return Avoided(org.name, org.uscc, why)


def avoided_for(session: Session, project: Project, extra: Iterable[str]) -> list[Avoided]:
    """Every supplier that joined, the collector and the agency, and the clerk's additions
    (a name or a USCC each)."""
    found = [_org(project.collector, _("征集人"))]
    if project.agency is not None:
        found.append(_org(project.agency, _("代理机构")))
    found += [_org(p.supplier, _("参与供应商")) for p in session.scalars(
        select(Participation).where(Participation.project_id == project.id)
        .order_by(Participation.id))]
    for entry in extra:
        text = entry.strip()
        is_code = len(text) == 18 and text.isascii() and text.isalnum()
        found.append(Avoided("" if is_code else text, text.upper() if is_code else "",
                             _("申请人指定")))
    return found


def _in_region(expert: Expert, region: Region) -> bool:
    return expert.region_id == region.id or expert.region.parent_id == region.id


def eligible(session: Session, category: str, region: Region,
             avoided: Sequence[Avoided]) -> list[Expert]:
    """Active experts of the category and region, none employed by an avoided unit, by id."""
    return [e for e in session.scalars(select(Expert).where(Expert.active.is_(True))
                                       .order_by(Expert.id))
            if category in e.categories and _in_region(e, region)
            and not any(a.matches(e) for a in avoided)]


# ---- who may do what --------------------------------------------------------------------------

def _project_orgs(project: Project) -> set[int]:
    agency = {project.agency_org_id} if project.agency_org_id else set()
    return {project.collector_org_id} | agency


def may_request(user: User, project: Project) -> bool:
    return Position.clerk in user.positions and user.org_id in _project_orgs(project) and \
        user.role in (OrgKind.collector, OrgKind.agency)


def may_see(user: User, project: Project) -> bool:
    return user.org_id in _project_orgs(project) and user.role in (OrgKind.collector,
                                                                   OrgKind.agency)


def draws_of(session: Session, project: Project) -> list[ExpertDraw]:
    return list(session.scalars(select(ExpertDraw).where(ExpertDraw.project_id == project.id)
                                .order_by(ExpertDraw.id.desc())))


# ---- request, review, draw ----------------------------------------------------------------------

@dataclass(frozen=True)
class DrawRequest:
    category: str
    region: Region
    count: int
    reserve_count: int
    extra_avoided: tuple[str, ...]


def _too_few(found: int, wanted: int) -> InvalidInput:
    return InvalidInput(_(
        "符合条件的专家不足：需要 %(wanted)s 名（含备选），专家库中符合品目、地区且无需回避的"
        "专家只有 %(found)s 名。请调整抽取条件或减少人数。", wanted=wanted, found=found))


def _check_request(session: Session, project: Project, req: DrawRequest) -> list[Avoided]:
    if req.category not in experts.CATEGORIES:
        raise InvalidInput(_("请选择专家品目。"))
    if not 1 <= req.count <= MAX_COUNT or not 0 <= req.reserve_count <= MAX_COUNT:
        raise InvalidInput(_("抽取人数应为 1 至 %(n)s，备选人数为 0 至 %(n)s。", n=MAX_COUNT))
    avoided = avoided_for(session, project, req.extra_avoided)
    found = len(eligible(session, req.category, req.region, avoided))
    if found < req.count + req.reserve_count:
        raise _too_few(found, req.count + req.reserve_count)
    return avoided


def request(session: Session, actor: User, project: Project, req: DrawRequest) -> ExpertDraw:
    """抽取申请: filed by a clerk of the collector or agency, then waits for its reviewer."""
    if not may_request(actor, project):
        raise Forbidden(_("只有该项目征集人或代理机构的经办岗可以申请抽取专家。"))
    if project.status is not ProjectStatus.active:
        raise TransitionNotAllowed(_("该项目已终止，不能抽取专家。"))
    _check_request(session, project, req)
    draw = ExpertDraw(project_id=project.id, project=project, org_id=actor.org_id,
                      drafted_by_id=actor.id, status=DrawStatus.submitted,
                      category=req.category, region_id=req.region.id, region=req.region,
                      count=req.count, reserve_count=req.reserve_count,
                      extra_avoided=[e.strip() for e in req.extra_avoided if e.strip()])
    session.add(draw)
    session.flush()
    audit.record(session, actor=actor, action="expert_draw.submitted", subject_type="expert_draw",
                 subject_id=draw.id, after=DrawStatus.submitted.value,
                 detail={"project": project.id, "category": draw.category,
                         "region": req.region.code, "count": draw.count,
                         "reserve": draw.reserve_count, "extra_avoided": draw.extra_avoided})
    session.commit()
    return draw


def _require_reviewer(actor: User, draw: ExpertDraw) -> None:
    if actor.org_id != draw.org_id or Position.reviewer not in actor.positions:
        raise Forbidden(_("只有申请单位的审核岗可以审核抽取申请。"))
    if actor.id == draw.drafted_by_id:
        raise Forbidden(_("审核人不能是申请人本人。"))
    if draw.status is not DrawStatus.submitted:
        raise TransitionNotAllowed(_("该抽取申请已处理。"))


def return_request(session: Session, actor: User, draw: ExpertDraw, opinion: str) -> None:
    _require_reviewer(actor, draw)
    if not opinion.strip():
        raise InvalidInput(_("退回时必须填写审核意见。"))
    draw.status, draw.opinion = DrawStatus.returned, opinion.strip()
    draw.reviewed_by_id, draw.reviewed_at = actor.id, utcnow()
    audit.record(session, actor=actor, action="expert_draw.returned", subject_type="expert_draw",
                 subject_id=draw.id, before=DrawStatus.submitted.value,
                 after=DrawStatus.returned.value, detail={"opinion": draw.opinion})
    session.commit()


def approve_and_draw(session: Session, actor: User, draw: ExpertDraw, opinion: str,
                     seed: str | None = None) -> None:
    """审核通过 draws at once (seed 000: 审核通过系统会自动抽取), from a fresh random seed."""
    _require_reviewer(actor, draw)
    req = DrawRequest(draw.category, draw.region, draw.count, draw.reserve_count,
                      tuple(draw.extra_avoided))
    avoided = _check_request(session, draw.project, req)
    # claim the request first: of two reviewers approving at once, only one draws
    claimed = session.execute(update(ExpertDraw).where(
        ExpertDraw.id == draw.id, ExpertDraw.status == DrawStatus.submitted)
        .values(status=DrawStatus.drawn).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise TransitionNotAllowed(_("该抽取申请已处理。"))
    candidates = [e.id for e in eligible(session, draw.category, draw.region, avoided)]
    draw.seed = seed or secrets.token_hex(16)
    draw.candidates, draw.avoided = candidates, [a.record() for a in avoided]
    chosen = pick(draw.seed, candidates, draw.count + draw.reserve_count)
    for rank, expert_id in enumerate(chosen, start=1):
        draw.seats.append(DrawSeat(expert_id=expert_id, rank=rank, reserve=rank > draw.count))
    draw.status, draw.opinion = DrawStatus.drawn, opinion.strip() or None
    draw.reviewed_by_id, draw.reviewed_at = actor.id, utcnow()
    draw.drawn_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="expert_draw.drawn", subject_type="expert_draw",
                 subject_id=draw.id, before=DrawStatus.submitted.value,
                 after=DrawStatus.drawn.value,
                 detail={"seed": draw.seed, "candidates": candidates, "drawn": chosen})
    for seat in draw.seats:
        if not seat.reserve:
            _notify(session, actor, seat)
    session.commit()


def _notify(session: Session, actor: User, seat: DrawSeat) -> None:
    """The expert's invitation is on its 我的待办 (``invitations_todo``); the audit trail
    records when it was sent."""
    audit.record(session, actor=actor, action="expert_draw.notified", subject_type="draw_seat",
                 subject_id=seat.id, after=seat.expert_id, detail={"draw": seat.draw_id})


# ---- 复核抽取 ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recheck:
    recomputed: list[int]
    recorded: list[int]
    avoided_hits: list[str]  # drawn experts whose employer the draw had to avoid

    @property
    def matches(self) -> bool:
        return self.recomputed == self.recorded and not self.avoided_hits


def recheck(draw: ExpertDraw) -> Recheck:
    if draw.seed is None or draw.candidates is None:
        raise TransitionNotAllowed(_("该申请尚未抽取。"))
    recorded = [seat.expert_id for seat in draw.seats]
    recomputed = pick(draw.seed, draw.candidates, len(recorded))
    avoided = recorded_avoided(draw)
    hits = [f"{seat.expert.name}（{seat.expert.employer}）" for seat in draw.seats
            if any(a.matches(seat.expert) for a in avoided)]
    return Recheck(recomputed, recorded, hits)


def recorded_avoided(draw: ExpertDraw) -> list[Avoided]:
    return [Avoided(**entry) for entry in draw.avoided or []]


# ---- declines and replacements -----------------------------------------------------------------

DECLINE_KINDS = {"avoidance": "回避", "unavailable": "无法参加"}


def _own_seat(actor: User, seat: DrawSeat) -> None:
    if seat.expert.user_id != actor.id:
        raise Forbidden(_("只能处理本人的抽取通知。"))


def decline(session: Session, actor: User, seat: DrawSeat, kind: str, reason: str) -> None:
    """回避 / 无法参加: before checking in, with a reason; the clerk then calls a reserve."""
    _own_seat(actor, seat)
    if kind not in DECLINE_KINDS or not reason.strip():
        raise InvalidInput(_("请选择回避或无法参加，并填写原因。"))
    if not seat.on_panel or seat.checked_in_at is not None:
        raise TransitionNotAllowed(_("已签到或已回避，不能再回避。"))
    seat.declined_at, seat.decline_kind, seat.decline_reason = utcnow(), kind, reason.strip()
    audit.record(session, actor=actor, action="draw_seat.declined", subject_type="draw_seat",
                 subject_id=seat.id, detail={"draw": seat.draw_id, "kind": kind,
                                             "reason": seat.decline_reason})
    session.commit()


def replacement_of(draw: ExpertDraw, seat: DrawSeat) -> DrawSeat | None:
    return next((s for s in draw.seats if s.replaces_seat_id == seat.id), None)


def replace(session: Session, actor: User, seat: DrawSeat) -> DrawSeat:
    """递补: the first reserve in draw order not yet called takes the declined seat."""
    draw = seat.draw
    if actor.org_id != draw.org_id or Position.clerk not in actor.positions:
        raise Forbidden(_("只有申请单位的经办岗可以递补专家。"))
    if seat.declined_at is None or replacement_of(draw, seat) is not None:
        raise TransitionNotAllowed(_("该专家未回避或已递补。"))
    reserve = next((s for s in draw.seats if s.reserve and s.called_at is None), None)
    if reserve is None:
        raise TransitionNotAllowed(_("备选专家已用完，请重新提交抽取申请。"))
    reserve.called_at, reserve.replaces_seat_id = utcnow(), seat.id
    if draw.leader_seat_id == seat.id:
        draw.leader_seat_id = None
    session.flush()
    audit.record(session, actor=actor, action="draw_seat.replaced", subject_type="draw_seat",
                 subject_id=seat.id, after=reserve.id,
                 detail={"draw": draw.id, "reserve_expert": reserve.expert_id})
    _notify(session, actor, reserve)
    session.commit()
    return reserve


def seats_of(session: Session, user: User) -> list[DrawSeat]:
    """The draws an expert was seated by (reserves appear once called)."""
    return [s for s in session.scalars(select(DrawSeat).join(Expert).where(
        Expert.user_id == user.id).order_by(DrawSeat.id.desc()))
        if not s.reserve or s.called_at is not None]


# ---- 我的待办 ----------------------------------------------------------------------------------

@register
def invitations_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if Position.expert not in user.positions:
        return
    for seat in seats_of(session, user):
        if seat.on_panel and seat.checked_in_at is None and seat.draw.drawn_at is not None:
            yield TodoItem(_("评审邀请"), seat.draw.project.name,
                           url_for("experts.seat", seat_id=seat.id),
                           seat.called_at or seat.draw.drawn_at,
                           _("您已被抽取为该项目的评审专家，请按时签到；不能参加请回避并说明原因。"))


@register
def draws_todo(session: Session, user: User) -> Iterator[TodoItem]:
    if user.role not in (OrgKind.collector, OrgKind.agency):
        return
    for draw in session.scalars(select(ExpertDraw).where(
            ExpertDraw.org_id == user.org_id,
            or_(ExpertDraw.status == DrawStatus.submitted,
                ExpertDraw.status == DrawStatus.drawn)).order_by(ExpertDraw.id)):
        link = url_for("experts.draw", draw_id=draw.id)
        if draw.status is DrawStatus.submitted and Position.reviewer in user.positions \
                and user.id != draw.drafted_by_id:
            yield TodoItem(_("待审核"), _("专家抽取申请：%(p)s", p=draw.project.name), link,
                           draw.created_at)
        if draw.status is DrawStatus.drawn and Position.clerk in user.positions:
            for seat in draw.seats:
                if seat.declined_at is not None and replacement_of(draw, seat) is None:
                    yield TodoItem(_("专家待递补"), draw.project.name, link, seat.declined_at,
                                   _("%(name)s 已回避或无法参加。", name=seat.expert.name))
