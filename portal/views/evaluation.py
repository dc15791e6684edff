"""评审 pages: one page per lot for the organiser and the panel, with a progress fragment that
everyone present polls, and one POST per supplier and stage."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound

from documents import choices
from portal import db, uploads
from portal.domain import evaluation as ev
from portal.domain import opening
from portal.domain.errors import InvalidInput, TransitionNotAllowed
from portal.evaluation_forms import (
    CREDIT_RESULTS,
    VERDICTS,
    CreditForm,
    QualificationForm,
    ReturnToPanelForm,
    ScoreForm,
    SubstantiveForm,
)
from portal.forms import EmptyForm
from portal.models import CreditResult, Evaluation, EvaluationStatus, Project, User, Verdict
from portal.policy import SIGNED_IN, access
from portal.web import render, stored_file

bp = Blueprint("evaluation", __name__, url_prefix="/evaluations")

Command = Callable[[Any, User, Evaluation, int, FlaskForm], None]

#: What each supplier-row form records, and the domain command that records it.
ENTRY_STEPS: dict[str, tuple[type[FlaskForm], Command]] = {
    "credit": (CreditForm, lambda s, u, e, i, f: ev.record_credit(
        s, u, e, i, CreditResult(f.result.data), f.note.data,
        uploads.checked_pdf(f.evidence.data))),
    "qualification": (QualificationForm, lambda s, u, e, i, f: ev.record_qualification(
        s, u, e, i, Verdict(f.verdict.data), f.reason.data or "",
        f.price_deduction.data if f.price_deduction.data is not None else Decimal(0))),
    "substantive": (SubstantiveForm, lambda s, u, e, i, f: ev.record_substantive(
        s, u, e, i, Verdict(f.verdict.data), f.reason.data or "")),
    "score": (ScoreForm, lambda s, u, e, i, f: ev.record_score(s, u, e, i, f.score.data)),
}

#: The buttons that move the whole evaluation on.
MOVES: dict[str, tuple[type[FlaskForm], Callable[[Any, User, Evaluation, FlaskForm], object]]] = {
    "finish-qualification": (EmptyForm, lambda s, u, e, f: ev.finish_qualification(s, u, e)),
    "review": (EmptyForm, lambda s, u, e, f: ev.submit_review(s, u, e)),
    "return": (ReturnToPanelForm, lambda s, u, e, f: ev.return_to_panel(s, u, e, f.reason.data)),
    "confirm": (EmptyForm, lambda s, u, e, f: ev.confirm(s, u, e)),
}


def _evaluation(evaluation_id: int) -> Evaluation:
    """The organiser's staff and the panel see the evaluation; nobody else learns it exists."""
    evaluation = db.session().get(Evaluation, evaluation_id)
    if evaluation is None or not ev.may_see(evaluation, current_user):
        raise NotFound()
    return evaluation


#: The supplier-row forms each stage shows.
STAGE_STEPS = {EvaluationStatus.qualification: ("credit", "qualification"),
               EvaluationStatus.scoring: ("substantive", "score")}


def _prefix(entry_id: int, step: str) -> str:
    """Each row's form has its own field ids (a page holds one form per supplier and step)."""
    return f"e{entry_id}-{step}"


def _forms(evaluation: Evaluation, posted: dict[str, FlaskForm]) -> dict[str, FlaskForm]:
    """Every form the page may show, the one just posted (with its errors) among them."""
    forms = {key: form for key, form in posted.items()}
    for entry in evaluation.entries:
        for step in STAGE_STEPS.get(evaluation.status, ()):
            key = _prefix(entry.id, step)
            if key not in forms:
                forms[key] = ENTRY_STEPS[step][0](prefix=key, formdata=None)
    forms.setdefault("return", ReturnToPanelForm(formdata=None))
    return forms


def _context(evaluation: Evaluation) -> dict[str, Any]:
    """What the page and its progress fragment show."""
    return {
        "evaluation": evaluation, "stage": evaluation.status.value,
        "view": ev.view_for(evaluation, current_user),
        "ranking": ev.ranking_if_ready(evaluation), "stage_labels": ev.STAGE_LABELS,
        "method_label": dict(choices.EVALUATION_METHODS)[evaluation.method],
        "judged": ev.judged, "scored_by": ev.scored_by, "to_score": ev.to_score,
        # the words the forms offer, so the page states a verdict as it was chosen
        "verdict_labels": {c.value: c.label for c in VERDICTS},
        "credit_labels": {c.value: c.label for c in CREDIT_RESULTS},
        "forms": _forms(evaluation, {}), "refusal": None, "refused_entry": None,
    }


def _page(evaluation: Evaluation, status: int = 200, forms: dict[str, FlaskForm] | None = None,
          refusal: str | None = None, refused_entry: int | None = None) -> Any:
    return render("evaluation/show.html", status, **{
        **_context(evaluation), "forms": _forms(evaluation, forms or {}), "refusal": refusal,
        "refused_entry": refused_entry})


@bp.app_context_processor
def _lot_evaluation() -> dict[str, Any]:
    """``lot_evaluation(project, lot_number)`` for the opening hall's link to the evaluation."""
    return {"lot_evaluation": lambda project, lot: ev.of_lot(db.session(), project, lot)}


@bp.post("/start/<int:project_id>/<lot>")
@access(SIGNED_IN)
def start(project_id: int, lot: str) -> Any:
    project = db.session().get(Project, project_id)
    if project is None or not opening.may_open(current_user, project):
        raise NotFound()
    back = redirect(url_for("opening.hall", project_id=project.id, lot=lot))
    if not EmptyForm().validate_on_submit():
        flash(_("表单已过期，请重试。"))
        return back
    try:
        evaluation = ev.begin(db.session(), current_user, project, lot)
    except (InvalidInput, TransitionNotAllowed) as refused:
        flash(_("不能开始评审：%(why)s", why=refused.message))
        return back
    return redirect(url_for(".show", evaluation_id=evaluation.id))


@bp.get("/<int:evaluation_id>")
@access(SIGNED_IN)
def show(evaluation_id: int) -> Any:
    return _page(_evaluation(evaluation_id))


@bp.get("/<int:evaluation_id>/progress")
@access(SIGNED_IN)
def progress(evaluation_id: int) -> Any:
    evaluation = _evaluation(evaluation_id)
    return render("evaluation/show.html", block="progress", **_context(evaluation))


@bp.get("/<int:evaluation_id>/entries/<int:entry_id>/evidence.pdf")
@access(SIGNED_IN)
def evidence(evaluation_id: int, entry_id: int) -> Any:
    entry = next((e for e in _evaluation(evaluation_id).entries if e.id == entry_id), None)
    if entry is None or entry.credit_evidence_sha256 is None:
        raise NotFound()
    return stored_file(entry.credit_evidence_sha256, "pdf",
                       f"信用查询-{entry.supplier_name}.pdf")


@bp.post("/<int:evaluation_id>/entries/<int:entry_id>/<step>")
@access(SIGNED_IN)
def record(evaluation_id: int, entry_id: int, step: str) -> Any:
    evaluation = _evaluation(evaluation_id)
    if step not in ENTRY_STEPS:
        raise NotFound()
    form_class, command = ENTRY_STEPS[step]
    form = form_class(prefix=_prefix(entry_id, step))
    forms = {_prefix(entry_id, step): form}
    if not form.validate_on_submit():
        return _page(evaluation, 400, forms, refused_entry=entry_id)
    try:
        command(db.session(), current_user, evaluation, entry_id, form)
    except (InvalidInput, TransitionNotAllowed) as refused:
        return _page(evaluation, refused.status_code, forms, refused.message, entry_id)
    return redirect(url_for(".show", evaluation_id=evaluation.id, _anchor=f"entry-{entry_id}"))


@bp.post("/<int:evaluation_id>/<move>")
@access(SIGNED_IN)
def advance(evaluation_id: int, move: str) -> Any:
    evaluation = _evaluation(evaluation_id)
    if move not in MOVES:
        raise NotFound()
    form_class, command = MOVES[move]
    form = form_class()
    if not form.validate_on_submit():
        return _page(evaluation, 400, {move: form})
    try:
        command(db.session(), current_user, evaluation, form)
    except (InvalidInput, TransitionNotAllowed) as refused:
        return _page(evaluation, refused.status_code, {move: form}, refused.message)
    flash(_("已办理：%(stage)s", stage=ev.STAGE_LABELS[evaluation.status]))
    return redirect(url_for(".show", evaluation_id=evaluation.id))
