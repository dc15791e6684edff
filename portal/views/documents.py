"""Documents: the drafting wizard, check-your-answers, review, publishing and downloads.

Views load through ``_load`` (404 when the user's organisation is not a party), call one
lifecycle command and render or redirect; the lifecycle checks roles, positions and state.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

import documents
from portal import db, params, storage, uploads, verification
from portal.domain import lifecycle, projects, sealing
from portal.domain.errors import InvalidInput
from portal.forms import NewDocumentForm, ReturnForm, UploadPdfForm, VersionForm
from portal.models import Document, DocumentParty, Revision
from portal.models.seal import live_seals
from portal.policy import SIGNED_IN, access
from portal.web import render, stored_file

bp = Blueprint("documents", __name__, url_prefix="/documents")


def _load(document_id: int) -> Document:
    doc = db.session().get(Document, document_id)
    if doc is None or not lifecycle.can_view(current_user, doc):
        raise NotFound()
    return doc


def _version() -> int | None:
    return request.form.get("version", type=int)


@bp.get("")
@access(SIGNED_IN)
def index() -> Any:
    involved = select(DocumentParty.document_id).where(DocumentParty.org_id == current_user.org_id)
    docs = db.session().scalars(
        select(Document).where(or_(Document.owner_org_id == current_user.org_id,
                                   Document.id.in_(involved)))
        .order_by(Document.updated_at.desc()).limit(200)
    ).all()
    same_title = Counter((doc.kind, doc.title) for doc in docs)
    return render("drafting/index.html", docs=docs, same_title=same_title)


@bp.route("/new", methods=["GET", "POST"])
@access(SIGNED_IN)
def new() -> Any:
    form = NewDocumentForm.for_user(current_user, db.session())
    if request.method == "GET":
        form.preselect(request.args.get("kind"), params.optional_id(request.args.get("project")))
    if not form.validate_on_submit():
        return render("drafting/new.html", 400 if request.method == "POST" else 200, form=form)
    kind = documents.get_kind(form.kind.data)
    doc = projects.draft_document(
        db.session(), current_user, form.chosen_project(), kind.code, form.title.data,
        start_from=kind.sample() if form.use_sample.data else None,
        parties=form.chosen_parties(kind))
    return redirect(url_for(".step", document_id=doc.id, slug=kind.steps[0].slug))


@bp.route("/<int:document_id>/steps/<slug>", methods=["GET", "POST"])
@access(SIGNED_IN)
def step(document_id: int, slug: str) -> Any:
    doc = _load(document_id)
    kind = lifecycle.kind_of(doc)
    wizard_step = kind.step(slug) if slug in {s.slug for s in kind.steps} else None
    if wizard_step is None:
        raise NotFound()
    lifecycle.require_editable(doc)
    if request.method == "GET":
        draft = lifecycle.draft_formdata(doc)
        return render("drafting/step.html", doc=doc, kind=kind, current=wizard_step,
                      form=wizard_step.form_class(draft), locked=lifecycle.field_hints(doc),
                      hidden=kind.hidden_fields(draft))
    _check_row_buttons(wizard_step, request.form)
    posted = _without_removed_row(request.form)
    result = lifecycle.save_step(db.session(), current_user, doc, _version(), slug, posted)
    if "autosave" in request.form:
        # Only the new version, a note and computed amounts go back; the preview reloads.
        if result.refused:
            return render_template("drafting/_autosaved.html", doc=doc, refused=True), 400
        computed = lifecycle.computed_fields(kind, lifecycle.draft_formdata(doc))
        return (render_template("drafting/_autosaved.html", doc=doc, computed=computed),
                {"HX-Trigger": "draft-saved"})
    rows = documents.row_list(result.form, request.form.get("add_row", ""))
    if rows is not None:
        rows.append_entry()
    elif result.ok and "next" in request.form:
        return redirect(_after(kind, slug, doc))
    status = 400 if result.refused or (not result.ok and rows is None) else 200
    return render("drafting/step.html", status, doc=doc, kind=kind, current=wizard_step,
                  form=result.form, saved=result.ok, refused=result.refused,
                  locked=lifecycle.field_hints(doc), problems=len(result.errors),
                  hidden=kind.hidden_fields(lifecycle.draft_formdata(doc)))


def _check_row_buttons(step: documents.WizardStep, form: MultiDict[str, str]) -> None:
    """添加一行 must name a list of rows of this step, 删除此行 one of its rows."""
    add, gone = form.get("add_row"), form.get("remove_row")
    if add is None and gone is None:
        return
    bound = step.form_class(form)
    if add is not None and documents.row_list(bound, add) is None:
        raise InvalidInput(_("无法添加行：该项不是可以添加行的列表。"))
    if gone is not None and not documents.is_row(bound, gone):
        raise InvalidInput(_("无法删除行：该行不存在。"))


def _without_removed_row(form: MultiDict[str, str]) -> MultiDict[str, str]:
    gone = form.get("remove_row")
    if not gone:
        return form
    return MultiDict([(k, v) for k, v in form.items(multi=True) if not k.startswith(f"{gone}-")])


def _after(kind: documents.Kind, slug: str, doc: Document) -> str:
    slugs = [s.slug for s in kind.steps]
    at = slugs.index(slug)
    if at + 1 < len(slugs):
        return url_for(".step", document_id=doc.id, slug=slugs[at + 1])
    return url_for(".check", document_id=doc.id)


@bp.post("/<int:document_id>/upload")
@access(SIGNED_IN)
def upload(document_id: int) -> Any:
    """The contract PDF of a kind that seals an uploaded file (合同在线签订)."""
    doc = _load(document_id)
    form = UploadPdfForm()
    if form.validate_on_submit():
        try:
            content = uploads.sealable_pdf(form.pdf.data)
        except InvalidInput as refused:
            form.pdf.errors = [refused.message]
        else:
            lifecycle.attach_upload(db.session(), current_user, doc, _version(), content)
            return redirect(url_for(".check", document_id=doc.id))
    return _check_page(doc, 400, upload_form=form)


def _check_page(doc: Document, status: int = 200, errors: dict[str, list[str]] | None = None,
                upload_form: UploadPdfForm | None = None) -> Any:
    return render("drafting/check.html", status, doc=doc, kind=lifecycle.kind_of(doc),
                  errors=lifecycle.check_draft(doc) if errors is None else errors,
                  notes=lifecycle.notes(doc), form=VersionForm(version=doc.version),
                  upload_form=upload_form or UploadPdfForm(version=doc.version))


@bp.get("/<int:document_id>/check")
@access(SIGNED_IN)
def check(document_id: int) -> Any:
    doc = _load(document_id)
    lifecycle.require_editable(doc)
    return _check_page(doc)


@bp.post("/<int:document_id>/submit")
@access(SIGNED_IN)
def submit(document_id: int) -> Any:
    doc = _load(document_id)
    try:
        lifecycle.submit(db.session(), current_user, doc, _version())
    except lifecycle.SubmissionInvalid as invalid:
        return _check_page(doc, 400, invalid.errors)
    return redirect(url_for(".show", document_id=doc.id))


def _show(doc: Document, status: int = 200, return_form: ReturnForm | None = None,
          **extra: Any) -> Any:
    session = db.session()
    revision = doc.current_revision
    seals_here = live_seals(session, revision.id) if revision else []
    current = sealing.current_pdf(session, revision) if revision else None
    checked = (verification.verify(session, storage.read(current, ".pdf"))
               if revision and seals_here and current and current != revision.pdf_sha256
               else None)
    return render("drafting/show.html", status, doc=doc, kind=lifecycle.kind_of(doc),
                  lifecycle=lifecycle, form=VersionForm(version=doc.version),
                  return_form=return_form or ReturnForm(version=doc.version),
                  seals=seals_here, may_seal=sealing.may_seal(session, current_user, doc),
                  retired=lifecycle.retired(session, doc),
                  sealing_now=sealing.in_progress(session, doc), verified=checked, **extra)


@bp.get("/<int:document_id>")
@access(SIGNED_IN)
def show(document_id: int) -> Any:
    return _show(_load(document_id))


@bp.post("/<int:document_id>/approve")
@access(SIGNED_IN)
def approve(document_id: int) -> Any:
    doc = _load(document_id)
    checks = {key: request.form.get(f"check_{key}", "") for key, _l in lifecycle.review_checks(doc)}
    try:
        lifecycle.approve(db.session(), current_user, doc, _version(), checks)
    except lifecycle.OpinionsMissing as missing:  # the page again, with what was typed
        return _show(doc, 400, approval_error=missing.message, opinions=checks,
                     missing=missing.missing)
    return redirect(url_for(".show", document_id=document_id))


@bp.post("/<int:document_id>/return")
@access(SIGNED_IN)
def return_to_drafter(document_id: int) -> Any:
    doc = _load(document_id)
    lifecycle.require_reviewer(current_user, doc)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _show(doc, 400, return_form=form)
    lifecycle.return_to_drafter(db.session(), current_user, doc, _version(), form.reason.data)
    return redirect(url_for(".show", document_id=document_id))


@bp.post("/<int:document_id>/discard")
@access(SIGNED_IN)
def discard(document_id: int) -> Any:
    doc = _load(document_id)
    title = doc.title
    lifecycle.discard_draft(db.session(), current_user, doc, _version())
    flash(_("已放弃草稿“%(title)s”。", title=title))
    return redirect(url_for(".index"))


@bp.post("/<int:document_id>/reopen")
@access(SIGNED_IN)
def reopen(document_id: int) -> Any:
    doc = _load(document_id)
    lifecycle.reopen(db.session(), current_user, doc, _version())
    return redirect(url_for(".step", document_id=doc.id,
                            slug=lifecycle.kind_of(doc).steps[0].slug))


@bp.post("/<int:document_id>/publish")
@access(SIGNED_IN)
def publish(document_id: int) -> Any:
    lifecycle.publish(db.session(), current_user, _load(document_id), _version())
    return redirect(url_for(".show", document_id=document_id))


@bp.get("/<int:document_id>/preview")
@access(SIGNED_IN)
def preview(document_id: int) -> Any:
    doc = _load(document_id)
    data = documents.preview_data(doc.kind, lifecycle.draft_formdata(doc))
    return _framed_html(documents.render_html(doc.kind, data, region=doc.region_code,
                                              preview=True))


@bp.get("/revisions/<int:revision_id>/view")
@access(SIGNED_IN)
def revision_view(revision_id: int) -> Any:
    """The submitted revision as HTML, for the reviewer to read beside 审核通过 / 退回."""
    revision = _load_revision(revision_id)
    doc = revision.document
    data = documents.preview_data(doc.kind, revision.data)
    return _framed_html(documents.render_html(doc.kind, data, region=doc.region_code,
                                              preview=True))


def _framed_html(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    # The preview is the document's own HTML (sanitised, no scripts) framed by the wizard.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self'; "
        "frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _load_revision(revision_id: int) -> Revision:
    revision = db.session().get(Revision, revision_id)
    if revision is None:
        raise NotFound()
    _load(revision.document_id)
    return revision


@bp.get("/revisions/<int:revision_id>/status")
@access(SIGNED_IN)
def render_status(revision_id: int) -> Any:
    revision = _load_revision(revision_id)
    return _show(revision.document, revision=revision, block="render_status")


@bp.post("/revisions/<int:revision_id>/render")
@access(SIGNED_IN)
def rerender(revision_id: int) -> Any:
    revision = _load_revision(revision_id)
    lifecycle.retry_render(db.session(), current_user, revision)
    return redirect(url_for(".show", document_id=revision.document_id))


@bp.get("/<int:document_id>/current.pdf")
@access(SIGNED_IN)
def current_pdf(document_id: int) -> Any:
    """The latest bytes of the document: sealed if seals have been applied."""
    doc = _load(document_id)
    revision = doc.current_revision
    sha = sealing.current_pdf(db.session(), revision) if revision else None
    if sha is None:
        raise NotFound()
    return stored_file(sha, "pdf", f"{doc.title}-v{revision.number if revision else 0}-盖章.pdf")


@bp.get("/revisions/<int:revision_id>.<any(pdf, docx):fmt>")
@access(SIGNED_IN)
def download(revision_id: int, fmt: str) -> Any:
    revision = _load_revision(revision_id)
    sha256 = revision.pdf_sha256 if fmt == "pdf" else revision.docx_sha256
    if sha256 is None:
        raise NotFound()
    return stored_file(sha256, fmt, f"{revision.document.title}-v{revision.number}.{fmt}")


