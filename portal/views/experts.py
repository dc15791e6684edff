"""专家库 (the regulator's administrators), 专家抽取 (the project's collector and agency) and
评审签到 (the drawn experts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from wtforms import SelectChoice

from portal import db
from portal.domain import expert_draws, experts, panels
from portal.domain.accounts import password_hasher
from portal.domain.errors import InvalidInput
from portal.forms import (
    CheckInForm,
    DeclineForm,
    DrawRequestForm,
    DrawReviewForm,
    EmptyForm,
    ExpertForm,
    LeaderForm,
)
from portal.models import DrawSeat, Expert, ExpertDraw, OrgKind, Position, Project, Region
from portal.policy import Access, access
from portal.views.oversight import ADMINISTRATOR
from portal.web import render

bp = Blueprint("experts", __name__)
PROJECT_STAFF = Access(roles=frozenset({OrgKind.collector, OrgKind.agency}))
EXPERTS = Access(positions=frozenset({Position.expert}))


def _regions() -> list[SelectChoice]:
    return [SelectChoice(r.id, f"{r.name}（{r.code}）")
            for r in db.session().scalars(select(Region).order_by(Region.code))]


def _categories() -> list[SelectChoice]:
    return [SelectChoice(code, experts.category_label(code)) for code in experts.CATEGORIES]


# ---- 专家库 ------------------------------------------------------------------------------------

def _expert_form(expert: Expert | None = None) -> ExpertForm:
    form = ExpertForm(obj=expert, region=expert.region_id if expert else None)
    form.region.choices, form.categories.choices = _regions(), _categories()
    return form


def _pool_expert(expert_id: int) -> Expert:
    expert = db.session().get(Expert, expert_id)
    if expert is None or expert.pool_org_id != current_user.org_id:
        raise NotFound()
    return expert


@bp.get("/experts")
@access(ADMINISTRATOR)
def pool() -> Any:
    entries = [e for e in experts.pool(db.session()) if e.pool_org_id == current_user.org_id]
    return render("experts/pool.html", entries=entries, form=EmptyForm(),
                  category_label=experts.category_label)


def _save_expert(expert: Expert | None) -> Any:
    form = _expert_form(expert)
    refusal = None
    if form.validate_on_submit():
        details = experts.ExpertDetails(
            form.name.data, form.id_number.data, tuple(form.categories.data or ()),
            db.session().get_one(Region, form.region.data), form.employer.data,
            form.employer_uscc.data or "", form.phone.data)
        try:
            if expert is None:
                expert = experts.add(db.session(), current_user, _hasher(), details,
                                     form.username.data or "", form.password.data or "")
            else:
                experts.edit(db.session(), current_user, expert, details)
        except experts.ExpertInvalid as refused:
            for name, messages in refused.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, *messages]
        except InvalidInput as refused:  # the account: a username taken, a short password
            db.session().rollback()
            refusal = refused.message
        else:
            flash(_("已保存专家“%(name)s”。", name=expert.name))
            return redirect(url_for(".pool"))
    return render("experts/expert_form.html", 400, form=form, expert=expert, refusal=refusal)


def _hasher() -> Any:
    cfg = current_app.config
    return password_hasher(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"])


@bp.route("/experts/new", methods=["GET", "POST"])
@access(ADMINISTRATOR)
def add() -> Any:
    if request.method == "GET":
        return render("experts/expert_form.html", form=_expert_form(), expert=None)
    return _save_expert(None)


@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
@access(ADMINISTRATOR)
def edit(expert_id: int) -> Any:
    expert = _pool_expert(expert_id)
    if request.method == "GET":
        return render("experts/expert_form.html", form=_expert_form(expert), expert=expert)
    return _save_expert(expert)


@bp.post("/experts/<int:expert_id>/active")
@access(ADMINISTRATOR)
def set_active(expert_id: int) -> Any:
    expert = _pool_expert(expert_id)
    if EmptyForm().validate_on_submit():
        experts.set_active(db.session(), current_user, expert, request.form.get("active") == "1")
    return redirect(url_for(".pool"))


# ---- 专家抽取 -----------------------------------------------------------------------------------

def _project(project_id: int) -> Project:
    project = db.session().get(Project, project_id)
    if project is None or not expert_draws.may_see(current_user, project):
        raise NotFound()
    return project


def _draw(draw_id: int) -> ExpertDraw:
    draw = db.session().get(ExpertDraw, draw_id)
    if draw is None or not expert_draws.may_see(current_user, draw.project):
        raise NotFound()
    return draw


def _request_form() -> DrawRequestForm:
    form = DrawRequestForm()
    form.category.choices = [SelectChoice("", _("请选择")), *_categories()]
    form.region.choices = _regions()
    return form


def _draws_page(project: Project, form: DrawRequestForm, status: int = 200,
                refusal: str | None = None) -> Any:
    session = db.session()
    return render("experts/draws.html", status, project=project, form=form, refusal=refusal,
                  draws=expert_draws.draws_of(session, project),
                  may_request=expert_draws.may_request(current_user, project),
                  avoided=expert_draws.avoided_for(session, project, ()),
                  category_label=experts.category_label)


@bp.get("/projects/<int:project_id>/expert-draws")
@access(PROJECT_STAFF)
def draws(project_id: int) -> Any:
    return _draws_page(_project(project_id), _request_form())


@bp.post("/projects/<int:project_id>/expert-draws")
@access(PROJECT_STAFF)
def request_draw(project_id: int) -> Any:
    project, form = _project(project_id), _request_form()
    if not form.validate_on_submit():
        return _draws_page(project, form, 400)
    req = expert_draws.DrawRequest(
        form.category.data, db.session().get_one(Region, form.region.data), form.count.data,
        form.reserve_count.data, tuple((form.extra_avoided.data or "").splitlines()))
    try:
        draw = expert_draws.request(db.session(), current_user, project, req)
    except InvalidInput as refused:
        return _draws_page(project, form, 400, refused.message)
    flash(_("抽取申请已提交，等待审核。"))
    return redirect(url_for(".draw", draw_id=draw.id))


def _draw_page(draw: ExpertDraw, form: DrawReviewForm | None = None, status: int = 200,
               block: str = "content") -> Any:
    avoided = expert_draws.recorded_avoided(draw) if draw.avoided is not None else \
        expert_draws.avoided_for(db.session(), draw.project, draw.extra_avoided)
    return render("experts/draw.html", status, block=block, draw=draw, avoided=avoided,
                  form=form or DrawReviewForm(), button=EmptyForm(),
                  replacement_of=expert_draws.replacement_of,
                  category_label=experts.category_label, decline_kinds=expert_draws.DECLINE_KINDS)


@bp.get("/expert-draws/<int:draw_id>")
@access(PROJECT_STAFF)
def draw(draw_id: int) -> Any:
    return _draw_page(_draw(draw_id))


@bp.get("/expert-draws/<int:draw_id>/panel")
@access(PROJECT_STAFF)
def panel_state(draw_id: int) -> Any:
    """The panel's check-in state, polled by the draw page."""
    return _draw_page(_draw(draw_id), block="panel")


@bp.post("/expert-draws/<int:draw_id>/review")
@access(PROJECT_STAFF)
def review(draw_id: int) -> Any:
    draw, form = _draw(draw_id), DrawReviewForm()
    if not form.validate_on_submit():
        return _draw_page(draw, form, 400)
    session, opinion = db.session(), form.opinion.data or ""
    try:
        if request.form.get("decision") == "approve":
            expert_draws.approve_and_draw(session, current_user, draw, opinion)
        else:
            expert_draws.return_request(session, current_user, draw, opinion)
    except InvalidInput as refused:
        form.opinion.errors = [refused.message]
        return _draw_page(draw, form, 400)
    return redirect(url_for(".draw", draw_id=draw.id))


@bp.get("/expert-draws/<int:draw_id>/recheck")
@access(PROJECT_STAFF)
def recheck(draw_id: int) -> Any:
    draw = _draw(draw_id)
    names = {e.id: e for e in db.session().scalars(select(Expert).where(
        Expert.id.in_(draw.candidates or [])))}
    return render("experts/recheck.html", draw=draw, check=expert_draws.recheck(draw),
                  names=names, avoided=expert_draws.recorded_avoided(draw))


@bp.post("/draw-seats/<int:seat_id>/replace")
@access(PROJECT_STAFF)
def replace(seat_id: int) -> Any:
    seat = db.session().get(DrawSeat, seat_id)
    if seat is None or not expert_draws.may_see(current_user, seat.draw.project):
        raise NotFound()
    if EmptyForm().validate_on_submit():
        reserve = expert_draws.replace(db.session(), current_user, seat)
        flash(_("已由备选专家 %(name)s 递补。", name=reserve.expert.name))
    return redirect(url_for(".draw", draw_id=seat.draw_id))


# ---- the expert's side: invitations, declines, 评审签到 ---------------------------------------

def _seat(seat_id: int) -> DrawSeat:
    seat = db.session().get(DrawSeat, seat_id)
    if seat is None or seat not in expert_draws.seats_of(db.session(), current_user):
        raise NotFound()
    return seat


@bp.get("/reviews")
@access(EXPERTS)
def my_reviews() -> Any:
    return render("experts/reviews.html", seats=expert_draws.seats_of(db.session(), current_user))


def _seat_page(seat: DrawSeat, status: int = 200, refusal: str | None = None, **forms: Any
               ) -> Any:
    leader = LeaderForm()
    leader.leader.choices = [SelectChoice(s.id, s.expert.name) for s in seat.draw.seats
                             if s.on_panel and s.checked_in_at is not None]
    return render("experts/seat.html", status, seat=seat, refusal=refusal,
                  decline_form=forms.get("decline_form") or DeclineForm(),
                  check_in_form=forms.get("check_in_form") or CheckInForm(),
                  leader_form=leader, decline_kinds=expert_draws.DECLINE_KINDS)


@bp.get("/reviews/<int:seat_id>")
@access(EXPERTS)
def seat(seat_id: int) -> Any:
    return _seat_page(_seat(seat_id))


@bp.post("/reviews/<int:seat_id>/decline")
@access(EXPERTS)
def decline(seat_id: int) -> Any:
    seat, form = _seat(seat_id), DeclineForm()
    if not form.validate_on_submit():
        return _seat_page(seat, 400, decline_form=form)
    expert_draws.decline(db.session(), current_user, seat, form.kind.data, form.reason.data)
    flash(_("已提交，经办人将从备选专家中递补。"))
    return redirect(url_for(".seat", seat_id=seat.id))


@bp.post("/reviews/<int:seat_id>/check-in")
@access(EXPERTS)
def check_in(seat_id: int) -> Any:
    seat, form = _seat(seat_id), CheckInForm()
    if not form.validate_on_submit():
        return _seat_page(seat, 400, check_in_form=form)
    try:
        panels.check_in(db.session(), current_user, seat, form.method.data,
                        form.id_number.data or "", form.pin.data or "")
    except InvalidInput as refused:
        return _seat_page(seat, 400, refused.message, check_in_form=form)
    flash(_("签到成功。"))
    return redirect(url_for(".seat", seat_id=seat.id))


@bp.post("/reviews/<int:seat_id>/leader")
@access(EXPERTS)
def choose_leader(seat_id: int) -> Any:
    seat, form = _seat(seat_id), LeaderForm()
    form.leader.choices = [SelectChoice(s.id, s.expert.name) for s in seat.draw.seats]
    if not form.validate_on_submit():
        return _seat_page(seat, 400)
    leader = db.session().get(DrawSeat, form.leader.data)
    assert leader is not None  # one of the form's choices
    panels.choose_leader(db.session(), current_user, seat, leader)
    return redirect(url_for(".seat", seat_id=seat.id))
