"""框架协议公示 on the public board: a project's shortlisted suppliers, resellers and products.

Not behind the board's page cache: it changes without a publication (a supplier removed, a
reseller confirmed), and a removal must show at once. ``no-cache`` makes a proxy ask again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response
from werkzeug.exceptions import NotFound

from portal import db
from portal.board import agreements
from portal.domain import rotation
from portal.policy import PUBLIC, access
from portal.web import render

bp = Blueprint("agreement_board", __name__)


@bp.get("/agreements/<int:project_id>")
@access(PUBLIC)
def show(project_id: int) -> Any:
    session = db.session()
    project = agreements.public_project(session, project_id)
    if project is None:
        raise NotFound()
    lots = agreements.lots(session, project)
    body, status = render("board/agreement.html", project=project, lots=lots,
                          ocid=agreements.ocid_of(session, project),
                          ledgers=rotation.public_ledgers(session, project,
                                                          [lot.number for lot in lots]))
    response = Response(body, status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response
