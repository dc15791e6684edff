"""Anyone may upload a PDF and see whether its seals are valid (验证签章)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from portal import db, uploads, verification
from portal.domain.errors import InvalidInput
from portal.forms import VerifyForm
from portal.policy import PUBLIC, access
from portal.web import render

bp = Blueprint("verify", __name__)


@bp.route("/verify", methods=["GET", "POST"])
@access(PUBLIC)
def verify() -> Any:
    form = VerifyForm()
    if request.method == "GET":
        return render("verify/verify.html", form=form)
    if not form.validate_on_submit():
        return render("verify/verify.html", 400, form=form)
    try:
        content = uploads.checked_pdf(form.pdf.data)
    except InvalidInput as refused:
        form.pdf.errors = [refused.message]
        return render("verify/verify.html", 400, form=form)
    result = verification.verify(db.session(), content)
    current_app.logger.info("verified an upload: %s signatures", len(result.report.signatures))
    return render("verify/verify.html", form=form, result=result)
