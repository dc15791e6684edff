"""The public announcement board (公告栏): list and search, one announcement, its sealed PDF,
Atom feeds, OCDS releases and records. No sign-in; only published announcements exist here."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from portal import db, storage, verification
from portal.board import (
    agreements,
    budget,
    cache,
    call_offs,
    feeds,
    http,
    ocds,
    presenting,
    processes,
    query,
    versions,
)
from portal.board.presenting import board_context, pdf_sha256, verification_epoch
from portal.models import Announcement, beijing
from portal.policy import PUBLIC, access
from portal.web import render

bp = Blueprint("board", __name__)
bp.add_app_template_filter(beijing, "beijing")
bp.add_app_template_global(presenting.board_label, "board_label")
bp.add_app_template_global(presenting.category_label, "category_label")
FEED_SIZE = 50
OCDS_SIZE = 100


def _load(document_id: int) -> Announcement:
    announcement = query.get(db.session(), document_id)
    if announcement is None:
        raise NotFound()
    return announcement


@bp.get("/announcements")
@access(PUBLIC)
def index() -> Any:
    filters = query.Filters.from_args(request.args)
    return cache.serve("list", [*filters.scopes(), versions.ORGS], lambda: _index(filters),
                       cache.LIST)


def _index(filters: query.Filters) -> Response:
    before = request.args.get("before")
    try:
        with budget.limited(db.session()):
            page = query.page(db.session(), filters, before)
            total = query.total(db.session(), filters, page, first=not before)
    except budget.TooSlow:
        page, total = query.Page([], None), None
    block = "results" if request.headers.get("HX-Target") == "results" else "content"
    body, status = render("board/index.html", block=block, filters=filters, page=page,
                          total=total, too_broad=total is None,
                          refresh_tabs=block == "results", **board_context(db.session(), filters))
    response = Response(body, status, mimetype="text/html")
    response.last_modified = query.state(db.session())[1]
    if total is None:  # the next visitor may find the database less busy
        cache.do_not_store(response)
    return response


@bp.get("/announcements/<int:document_id>")
@access(PUBLIC)
def show(document_id: int) -> Any:
    found = query.project_number(db.session(), document_id)  # not the whole row: cached page
    if found is None:
        raise NotFound()
    scope = versions.project_scope(found[0], document_id)
    return cache.serve("page", [scope], lambda: _show(_load(document_id)), cache.PAGE,
                       document_id, epoch=verification_epoch)


def _show(announcement: Announcement) -> Response:
    sha = pdf_sha256(db.session(), announcement)
    report = verification.verify(db.session(), storage.read(sha, ".pdf")) if sha else None
    body, status = render("board/show.html", a=announcement, pdf=sha, result=report,
                          related=query.related(db.session(), announcement))
    response = Response(body, status, mimetype="text/html")
    response.last_modified = announcement.published_at
    return response


@bp.get("/announcements/<int:document_id>.pdf")
@access(PUBLIC)
def pdf(document_id: int) -> Any:
    announcement = _load(document_id)
    sha = pdf_sha256(db.session(), announcement)
    if sha is None:
        raise NotFound()
    tag = http.etag_for(sha, personal=False)
    if http.unchanged(tag, announcement.published_at):
        return http.not_modified(tag, announcement.published_at)
    response = Response(storage.read(sha, ".pdf"), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename=announcement-{document_id}.pdf"
    return http.validated(response, tag, announcement.published_at, "public, max-age=86400")


@bp.get("/announcements.atom")
@access(PUBLIC)
def feed() -> Any:
    filters = query.Filters.from_args(request.args)
    return cache.serve("atom", filters.scopes(), lambda: _feed(filters), cache.LIST)


def _feed(filters: query.Filters) -> Response:
    newest = query.state(db.session())[1]
    items = [hit.announcement for hit in query.page(db.session(), filters, None, FEED_SIZE).hits]
    content = feeds.atom(
        items, feed_url=url_for(".feed", _external=True, **filters.to_args()),
        board_url=url_for(".index", _external=True, **filters.to_args()),
        title=_("框采公告栏"), publisher=_("框架协议电子化采购系统"), updated=newest,
        link_for=lambda a: url_for(".show", document_id=a.document_id, _external=True))
    response = Response(content, mimetype="application/atom+xml")
    response.last_modified = newest
    return response


@bp.get("/ocds/releases.json")
@access(PUBLIC)
def releases() -> Any:
    filters = query.Filters.from_args(request.args)
    return cache.serve("ocds", filters.scopes(), lambda: _releases(filters), cache.LIST)


def _releases(filters: query.Filters) -> Response:
    newest = query.state(db.session())[1]
    page = query.since(db.session(), filters, request.args.get("since"), OCDS_SIZE)
    if not page.hits:  # a release package holds at least one release
        response = Response(status=204)
    else:
        response = _json(ocds.package(
            [hit.announcement for hit in page.hits], uri=request.url, publisher=_("框采"),
            published=newest, release_for=_release))
    if page.next_cursor:
        following = url_for(".releases", _external=True, since=page.next_cursor,
                            **filters.to_args())
        response.headers["Link"] = f'<{following}>; rel="next"'
    response.last_modified = newest
    return response


@bp.get("/ocds/records/<path:ocid>.json")
@access(PUBLIC)
def record(ocid: str) -> Any:
    """The record package of the project the process ``ocid`` belongs to."""
    # all: a call-off joins its framework's record under a project number of its own
    return cache.serve("record", [versions.ALL, call_offs.SCOPE], lambda: _record(ocid),
                       cache.LIST)


def _record(ocid: str) -> Response:
    announcements = processes.project_of(db.session(), ocid)
    if not announcements:
        raise NotFound()
    session = db.session()
    orders = call_offs.published(session, [a.document_id for a in announcements])
    more = {call_offs.ocid_of(order): call_offs.releases(
        session, order, *_framework_of(announcements, order)) for order in orders}
    content = ocds.record_package(announcements, ocid=ocid, uri=request.url,
                                  publisher=_("框采"), release_for=_release,
                                  record_url=_record_url, more=more)
    response = _json(content)
    response.last_modified = max(a.published_at for a in announcements)
    return response


def _framework_of(announcements: list[Announcement], order: Any) -> tuple[str | None, str | None]:
    """The framework process the order's 合同公告 was placed under, and its record's address."""
    framework = next((a.process.related_ocid for a in announcements
                      if a.document_id == order.announcement_id), None)
    return framework, _record_url(framework) if framework else None


def _json(content: dict[str, Any]) -> Response:
    return Response(json.dumps(content, ensure_ascii=False), mimetype="application/json")


def _record_url(ocid: str) -> str:
    return url_for(".record", ocid=ocid, _external=True)


def _release(a: Announcement) -> dict[str, Any]:
    shortlisted = agreements.shortlisted_orgs(db.session(), a.document_id) \
        if a.board_category == "shortlist" else []
    ordered = call_offs.published(db.session(), [a.document_id]) \
        if a.board_category == "contract" else []
    return ocds.release(
        a, page_url=url_for(".show", document_id=a.document_id, _external=True),
        pdf_url=url_for(".pdf", document_id=a.document_id, _external=True),
        record_url=_record_url, suppliers=[s.supplier for s in shortlisted],
        ids=call_offs.ids(ordered[0]) if ordered else None)

