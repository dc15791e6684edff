"""框架协议 of a project: generate, submit, the suppliers' and the collector's one-click
signing, and the filing with the regulator; the administrator's per-region filing switch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import BadRequest, NotFound

from portal import db
from portal.domain import agreement_filing as filing
from portal.domain import agreements, projects, sealing
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.forms import PinForm, ReturnForm, VersionForm
from portal.models import FrameworkAgreement, Project, Region, SealStatus
from portal.policy import SIGNED_IN, access
from portal.views.oversight import ADMINISTRATOR
from portal.web import render

bp = Blueprint("agreements", __name__)


def _load(project_id: int) -> Project:
    """The project, for those it concerns: its collector, agency and suppliers (parties to its
    documents), and the regulator that receives its filings."""
    session = db.session()
    project = session.get(Project, project_id)
    if project is None or not (
            any(p.id == project_id for p in projects.visible_to(session, current_user))
            or filing.may_decide(session, current_user, project)):
        raise NotFound()
    return project


def _page(project: Project, status: int = 200, block: str = "content",
          refusal: str | None = None, pin_form: PinForm | None = None,
          return_form: ReturnForm | None = None, returning: int | None = None) -> Any:
    session = db.session()
    rows = agreements.rows(session, project)
    own = current_user.org_id in (project.collector_org_id, project.agency_org_id) \
        or filing.may_decide(session, current_user, project)
    if not own:  # a supplier sees its own agreements only
        rows = [r for r in rows if r.shortlisted.supplier_org_id == current_user.org_id]
    batch = agreements.batch(session, project) if agreements.may_seal_all(current_user, project) \
        else []
    states = {s.status for s in batch}
    return render(
        "agreements/index.html", status, block=block, project=project, rows=rows,
        refusal=refusal, batch=batch,
        preparing=bool(states & {SealStatus.preparing, SealStatus.finishing}),
        ask_pin=SealStatus.awaiting_key in states and SealStatus.preparing not in states,
        all_applied=bool(batch) and states == {SealStatus.applied},
        failed=SealStatus.failed in states,
        has_shortlist=agreements.shortlisted.published_shortlist(session, project) is not None,
        may_generate=agreements.may_generate(current_user, project),
        may_seal_all=agreements.may_seal_all(current_user, project),
        waiting=agreements.waiting_for_suppliers(session, project),
        filing_required=filing.filing_required(session, project),
        may_file=filing.may_file(current_user, project),
        may_decide=filing.may_decide(session, current_user, project),
        is_sealed=lambda a: agreements.is_sealed(session, a),
        sign_by=agreements.signing_deadline(session, project),
        file_by=lambda a: filing.filing_deadline(session, a),
        may_seal=lambda doc: sealing.may_seal(session, current_user, doc),
        pin_form=pin_form or PinForm(), return_form=return_form or ReturnForm(),
        returning=returning, form=VersionForm())


def _act(project: Project, command: Any, done: str) -> Any:
    """Run a domain command; a refusal is shown on the page (409/400), success flashed."""
    if not VersionForm().validate_on_submit():
        return _page(project, 400, refusal=_("表单已过期，请刷新页面后重试。"))
    try:
        result = command()
    except (InvalidInput, TransitionNotAllowed) as refused:
        return _page(project, refused.status_code, refusal=refused.message)
    flash(done.format(n=result if isinstance(result, int) else len(result)))
    return redirect(url_for(".index", project_id=project.id))


@bp.get("/projects/<int:project_id>/agreements")
@access(SIGNED_IN)
def index(project_id: int) -> Any:
    return _page(_load(project_id))


@bp.post("/projects/<int:project_id>/agreements/generate")
@access(SIGNED_IN)
def generate(project_id: int) -> Any:
    project = _load(project_id)
    return _act(project, lambda: agreements.generate(db.session(), current_user, project),
                _("已生成框架协议 {n} 份，请核对后提交审核。"))


@bp.post("/projects/<int:project_id>/agreements/submit")
@access(SIGNED_IN)
def submit(project_id: int) -> Any:
    project = _load(project_id)
    return _act(project, lambda: agreements.submit_all(db.session(), current_user, project),
                _("已提交审核 {n} 份框架协议。"))


@bp.post("/projects/<int:project_id>/agreements/seal-all")
@access(SIGNED_IN)
def seal_all(project_id: int) -> Any:
    project = _load(project_id)
    return _act(project, lambda: agreements.start_collector_sealing(
        db.session(), current_user, project), _("一键签订已开始：{n} 份框架协议正在准备签章。"))


@bp.get("/projects/<int:project_id>/agreements/sealing")
@access(SIGNED_IN)
def sealing_status(project_id: int) -> Any:
    return _page(_load(project_id), block="collector_sealing")


@bp.post("/projects/<int:project_id>/agreements/sign")
@access(SIGNED_IN)
def sign(project_id: int) -> Any:
    """The one PIN entry for every prepared agreement."""
    project = _load(project_id)
    form = PinForm()
    if not form.validate_on_submit():
        return _page(project, 400, pin_form=form)
    try:
        agreements.sign_all(db.session(), current_user, project, form.pin.data)
    except (InvalidInput, TransitionNotAllowed) as refused:
        form.pin.errors = [refused.message]
        return _page(project, refused.status_code, pin_form=form)
    return redirect(url_for(".index", project_id=project.id))


@bp.post("/projects/<int:project_id>/agreements/confirm")
@access(SIGNED_IN)
def confirm(project_id: int) -> Any:
    project = _load(project_id)
    return _act(project, lambda: agreements.confirm_all(db.session(), current_user, project),
                _("已签订 {n} 份框架协议。"))


@bp.post("/projects/<int:project_id>/agreements/file")
@access(SIGNED_IN)
def file(project_id: int) -> Any:
    project = _load(project_id)
    return _act(project, lambda: filing.submit_all(db.session(), current_user, project),
                _("已报送备案 {n} 份框架协议。"))


def _agreement(agreement_id: int) -> tuple[FrameworkAgreement, Project]:
    agreement = db.session().get(FrameworkAgreement, agreement_id)
    if agreement is None:
        raise NotFound()
    return agreement, _load(agreement.shortlisted.project_id)


@bp.post("/agreements/<int:agreement_id>/filing/receive")
@access(SIGNED_IN)
def receive(agreement_id: int) -> Any:
    agreement, project = _agreement(agreement_id)
    def receive_one() -> int:
        filing.receive(db.session(), current_user, agreement)
        return 1

    return _act(project, receive_one, _("已备案。"))


@bp.post("/agreements/<int:agreement_id>/filing/return")
@access(SIGNED_IN)
def return_filing(agreement_id: int) -> Any:
    agreement, project = _agreement(agreement_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _page(project, 400, return_form=form, returning=agreement.id)
    try:
        filing.return_filing(db.session(), current_user, agreement, form.reason.data or "")
    except (InvalidInput, TransitionNotAllowed) as refused:
        form.reason.errors = [refused.message]
        return _page(project, refused.status_code, return_form=form, returning=agreement.id)
    flash(_("已退回备案。"))
    return redirect(url_for(".index", project_id=project.id))


# ---- the administrator's switch -----------------------------------------------------------

@bp.get("/oversight/agreement-filing")
@access(ADMINISTRATOR)
def filing_settings() -> Any:
    return render("agreements/filing_settings.html", settings=filing.settings(db.session()),
                  form=VersionForm())


@bp.post("/oversight/agreement-filing")
@access(ADMINISTRATOR)
def set_filing() -> Any:
    region = db.session().get(Region, request.form.get("region", type=int) or 0)
    if region is None or not VersionForm().validate_on_submit():
        raise BadRequest()
    required = request.form.get("required") == "1"
    filing.set_required(db.session(), current_user, region, required)
    flash(_("已设置%(region)s：%(state)s。", region=region.name,
            state=_("框架协议须备案") if required else _("框架协议无须备案")))
    return redirect(url_for(".filing_settings"))
