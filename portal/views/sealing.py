"""The stamping wizard: see the pages, click where the seal goes, enter the PIN, watch it
happen, then 提交 or 撤章. The lifecycle's sealing commands check turn, org and state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

import seals
from portal import db, pdfpages
from portal.domain import credentials, lifecycle, sealing
from portal.domain.errors import InvalidInput
from portal.forms import PinForm, VersionForm
from portal.models import Seal, SealStatus
from portal.policy import SIGNED_IN, access
from portal.views.documents import _load
from portal.web import render

bp = Blueprint("sealing", __name__)

HALF_SEAL = seals.placement.OFFICIAL_SEAL_MM * seals.placement.MM / 2


def _page_of(doc_id: int) -> Any:
    doc = _load(doc_id)
    revision = doc.current_revision
    sha = sealing.current_pdf(db.session(), revision) if revision else None
    if sha is None:
        raise NotFound()
    return doc, sha


def _stamp(document_id: int, status: int = 200, pin_form: PinForm | None = None,
           block: str = "content", refusal: str | None = None) -> Any:
    """The stamping page; an HTMX request for the seal's state gets just that block."""
    doc, sha = _page_of(document_id)
    session = db.session()
    position = sealing.next_position(session, doc)
    named = (sealing.expected_party(doc, lifecycle.sealers(doc)[position])
             if position is not None else None)
    sizes = pdfpages.page_sizes(sha)
    seal = sealing.shown_seal(session, doc)
    return render("sealing/stamp.html", status, block=block, doc=doc, sha=sha,
                  refusal=refusal, named=named, sizes=sizes, seal=seal,
                  may_abandon=seal is not None and sealing.may_abandon(seal),
                  reserved_at=_reserved_at(doc, position, sizes),
                  may_seal=sealing.may_seal(session, current_user, doc),
                  position=position,
                  kind=lifecycle.kind_of(doc), sealers=lifecycle.sealers(doc),
                  form=VersionForm(version=doc.version),
                  credential=credentials.org_key(session, current_user.org_id),
                  seal_px=HALF_SEAL * 2, pin_form=pin_form or PinForm(),
                  reserved=bool(doc.current_revision)
                  and sealing.reserves_fields(doc.current_revision))


def _reserved_at(doc: Any, position: int | None,
                 sizes: list[tuple[float, float]]) -> tuple[int, float, float] | None:
    """Where the next seal goes when the first one reserved it: (page, x, y) of its centre as
    fractions of the page image, for the marker the next signer sees before sealing."""
    revision = doc.current_revision
    if not position or revision is None or not sealing.reserves_fields(revision):
        return None
    page, x, y = sealing.reserved_place(revision, position)
    if not 0 <= page < len(sizes):
        return None
    width, height = sizes[page]
    return page, (x + HALF_SEAL) / width, 1 - (y + HALF_SEAL) / height


@bp.get("/documents/<int:document_id>/seal")
@access(SIGNED_IN)
def stamp(document_id: int) -> Any:
    return _stamp(document_id)


@bp.post("/documents/<int:document_id>/seal")
@access(SIGNED_IN)
def start(document_id: int) -> Any:
    doc, sha = _page_of(document_id)
    page = request.form.get("page", type=int)
    fx, fy = request.form.get("fx", type=float), request.form.get("fy", type=float)
    x = y = None
    sizes = pdfpages.page_sizes(sha)
    if page is not None and fx is not None and fy is not None:
        if not (0 <= page < len(sizes) and 0 <= fx <= 1 and 0 <= fy <= 1):
            raise NotFound()
        width, height = sizes[page]
        x, y = fx * width - HALF_SEAL, (1 - fy) * height - HALF_SEAL
    try:
        sealing.start(db.session(), current_user, doc, request.form.get("version", type=int),
                      page or 0, x, y)
    except InvalidInput as refused:  # e.g. the certificate is not the named party's
        return _stamp(doc.id, 400, refusal=refused.message)
    return redirect(url_for(".stamp", document_id=doc.id))


@bp.get("/documents/<int:document_id>/pages/<int:page>.png")
@access(SIGNED_IN)
def page_image(document_id: int, page: int) -> Any:
    _doc, sha = _page_of(document_id)
    if not 0 <= page < len(pdfpages.page_sizes(sha)):
        raise NotFound()
    response = Response(pdfpages.page_png(sha, page), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _seal(seal_id: int) -> Seal:
    seal = db.session().get(Seal, seal_id)
    if seal is None:
        raise NotFound()
    _load(seal.revision.document_id)
    return seal


@bp.get("/seals/<int:seal_id>/status")
@access(SIGNED_IN)
def status(seal_id: int) -> Any:
    seal = _seal(seal_id)
    response = render("sealing/stamp.html", block="seal_status", seal=seal, pin_form=PinForm(),
                      may_abandon=sealing.may_abandon(seal), doc=seal.revision.document,
                      kind=lifecycle.kind_of(seal.revision.document))
    if seal.status is SealStatus.applied and request.headers.get("HX-Request"):
        # the seal is on the file now: the whole page again, so its images show it before 提交
        response = make_response(response)
        response.headers["HX-Refresh"] = "true"
    return response


@bp.post("/seals/<int:seal_id>/key")
@access(SIGNED_IN)
def key(seal_id: int) -> Any:
    seal = _seal(seal_id)
    form = PinForm()
    doc_id = seal.revision.document_id
    if not form.validate_on_submit():
        return _stamp(doc_id, 400, form, block="seal_status")
    try:
        sealing.sign_with_pin(db.session(), current_user, seal, form.pin.data)
    except InvalidInput as refused:
        form.pin.errors = [refused.message]
        return _stamp(doc_id, 400, form, block="seal_status")
    return redirect(url_for(".stamp", document_id=seal.revision.document_id))


@bp.post("/seals/<int:seal_id>/confirm")
@access(SIGNED_IN)
def confirm(seal_id: int) -> Any:
    seal = _seal(seal_id)
    if VersionForm().validate_on_submit():
        sealing.confirm(db.session(), current_user, seal)
    return redirect(url_for("documents.show", document_id=seal.revision.document_id))


@bp.post("/seals/<int:seal_id>/retry")
@access(SIGNED_IN)
def retry(seal_id: int) -> Any:
    seal = _seal(seal_id)
    if VersionForm().validate_on_submit():
        sealing.retry(db.session(), current_user, seal)
    return redirect(url_for(".stamp", document_id=seal.revision.document_id))


@bp.post("/seals/<int:seal_id>/withdraw")
@access(SIGNED_IN)
def withdraw(seal_id: int) -> Any:
    seal = _seal(seal_id)
    if VersionForm().validate_on_submit():
        sealing.withdraw(db.session(), current_user, seal)
    return redirect(url_for(".stamp", document_id=seal.revision.document_id))
