"""The public announcement board (公告栏): list and search, one announcement, its sealed PDF,
Atom feeds, OCDS releases and records. No sign-in; only published announcements exist here."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from portal import db, storage, verification
from portal.board import feeds, http, ocds, presenting, processes, query
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
    count, newest = query.state(db.session())
    tag = http.etag_for("list", count, newest, sorted(request.args.items(multi=True)))
    if http.unchanged(tag, newest):
        return http.not_modified(tag, newest)
    before = request.args.get("before")
    page = query.page(db.session(), filters, before)
    total = query.total(db.session(), filters, page, first=not before)
    block = "results" if request.headers.get("HX-Target") == "results" else "content"
    body, status = render("board/index.html", block=block, filters=filters, page=page,
                          total=total,
                          refresh_tabs=block == "results", **board_context(db.session(), filters))
    return http.validated(Response(body, status, mimetype="text/html"), tag, newest)


@bp.get("/announcements/<int:document_id>")
@access(PUBLIC)
def show(document_id: int) -> Any:
    announcement = _load(document_id)
    sha = pdf_sha256(db.session(), announcement)
    tag = http.etag_for("page", document_id, sha, verification_epoch())
    if http.unchanged(tag, announcement.published_at):
        return http.not_modified(tag, announcement.published_at)
    report = verification.verify(db.session(), storage.read(sha, ".pdf")) if sha else None
    body, status = render("board/show.html", a=announcement, pdf=sha, result=report,
                          related=query.related(db.session(), announcement))
    return http.validated(Response(body, status, mimetype="text/html"), tag,
                          announcement.published_at)


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
    count, newest = query.state(db.session())
    tag = http.etag_for("atom", count, newest, sorted(filters.to_args().items()), personal=False)
    if http.unchanged(tag, newest):
        return http.not_modified(tag, newest)
    items = [hit.announcement for hit in query.page(db.session(), filters, None, FEED_SIZE).hits]
    content = feeds.atom(
        items, feed_url=url_for(".feed", _external=True, **filters.to_args()),
        board_url=url_for(".index", _external=True, **filters.to_args()),
        title=_("框采公告栏"), publisher=_("框架协议电子化采购系统"), updated=newest,
        link_for=lambda a: url_for(".show", document_id=a.document_id, _external=True))
    response = Response(content, mimetype="application/atom+xml")
    return http.validated(response, tag, newest, "public, max-age=300")


@bp.get("/ocds/releases.json")
@access(PUBLIC)
def releases() -> Any:
    filters, since = query.Filters.from_args(request.args), request.args.get("since")
    count, newest = query.state(db.session())
    tag = http.etag_for("ocds", count, newest, filters.to_args(), since, personal=False)
    if http.unchanged(tag, newest):
        return http.not_modified(tag, newest)
    page = query.since(db.session(), filters, since, OCDS_SIZE)
    if not page.hits:  # a release package holds at least one release
        return http.validated(Response(status=204), tag, newest)
    content = ocds.package(
        [hit.announcement for hit in page.hits], uri=request.url, publisher=_("框采"),
        published=newest, release_for=_release)
    response = _json(content)
    if page.next_cursor:
        following = url_for(".releases", _external=True, since=page.next_cursor,
                            **filters.to_args())
        response.headers["Link"] = f'<{following}>; rel="next"'
    return http.validated(response, tag, newest, "public, max-age=300")


@bp.get("/ocds/records/<path:ocid>.json")
@access(PUBLIC)
def record(ocid: str) -> Any:
    """The record package of the project the process ``ocid`` belongs to."""
    count, newest = query.state(db.session())
    tag = http.etag_for("record", ocid, count, newest, personal=False)
    if http.unchanged(tag, newest):
        return http.not_modified(tag, newest)
    announcements = processes.project_of(db.session(), ocid)
    if not announcements:
        raise NotFound()
    content = ocds.record_package(announcements, ocid=ocid, uri=request.url,
                                  publisher=_("框采"), release_for=_release,
                                  record_url=_record_url)
    return http.validated(_json(content), tag, newest, "public, max-age=300")


def _json(content: dict[str, Any]) -> Response:
    return Response(json.dumps(content, ensure_ascii=False), mimetype="application/json")


def _record_url(ocid: str) -> str:
    return url_for(".record", ocid=ocid, _external=True)


def _release(a: Announcement) -> dict[str, Any]:
    return ocds.release(
        a, page_url=url_for(".show", document_id=a.document_id, _external=True),
        pdf_url=url_for(".pdf", document_id=a.document_id, _external=True),
        record_url=_record_url)

