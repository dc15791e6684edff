"""CA 证书 self-binding (seed 001 §三): bind an organisation key or a personal key."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import db, uploads
from portal.domain import credentials
from portal.domain.errors import InvalidInput
from portal.forms import BindCredentialForm
from portal.models import HolderType
from portal.policy import SIGNED_IN, access
from portal.web import render

bp = Blueprint("credentials", __name__, url_prefix="/account")


def _page(form: BindCredentialForm, status: int = 200, refusal: str | None = None) -> Any:
    bound = credentials.active_credentials(db.session(), current_user)
    return render("credentials/manage.html", status, form=form, refusal=refusal, bound=bound,
                  state_labels=credentials.STATE_LABELS, minutes_left=credentials.minutes_left,
                  attempts={c.id: credentials.pin_attempts(db.session(), c) for c in bound})


@bp.get("/ca")
@access(SIGNED_IN)
def manage() -> Any:
    return _page(BindCredentialForm())


@bp.post("/ca")
@access(SIGNED_IN)
def bind() -> Any:
    form = BindCredentialForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        p12 = uploads.read_upload(form.key_file.data, uploads.MAX_KEY_BYTES)
        binding = credentials.bind(db.session(), current_user, HolderType(form.holder.data),
                                   p12, form.pin.data, form.id_number.data)
    except InvalidInput as refused:
        return _page(form, 400, refused.message)
    flash(_("%(state)s：已绑定 %(name)s 的证书。",
            state=str(credentials.STATE_LABELS[binding.state]),
            name=binding.credential.subject_name))
    return redirect(url_for(".manage"))
