"""A user's own API tokens: list, create (the secret is shown once) and revoke."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.audit.services import record_audit
from lms.auth import bp
from lms.auth.forms import TokenForm
from lms.auth.models import User
from lms.auth.services import create_token, get_token, list_tokens, revoke_token
from lms.extensions import db


def issue_token(form: TokenForm, owner: User) -> str:
    """Create the token the form asks for, with its audit record; the caller commits."""
    days = form.days.data or current_app.config["TOKEN_DEFAULT_DAYS"]
    name = (form.name.data or "").strip()
    secret = create_token(db.session, owner, name=name, days=days)
    record_audit(db.session, "token.created", actor=current_user, target_type="user",
                 target_id=owner.nip, details={"name": name, "days": days},
                 remote=request.remote_addr)
    return secret


def withdraw_token(owner: User, token_id: int) -> None:
    """Revoke one of ``owner``'s tokens with its audit record, or 404; the caller commits."""
    row = get_token(db.session, token_id)
    if row is None or row.user_id != owner.id:
        abort(404)
    record_audit(db.session, "token.revoked", actor=current_user, target_type="user",
                 target_id=owner.nip, details={"token_id": row.id, "name": row.name},
                 remote=request.remote_addr)
    revoke_token(db.session, row)


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template(
        "auth/tokens.html", tokens=list_tokens(db.session, current_user), form=form,
        secret=secret, create_url=url_for("auth.token_create"),
        revoke_url=lambda token_id: url_for("auth.token_revoke", token_id=token_id)), status


@bp.get("/token-api")
@login_required
def tokens():
    """The signed-in user's API tokens and the form to create one."""
    return _page(TokenForm())


@bp.post("/token-api")
@login_required
def token_create():
    """Create a token and show its secret this once (it is stored only as a hash)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    secret = issue_token(form, current_user)
    db.session.commit()
    return _page(TokenForm(formdata=None), secret, 201)


@bp.post("/token-api/<int:token_id>/cabut")
@login_required
def token_revoke(token_id: int):
    """Revoke one of the user's own tokens."""
    withdraw_token(current_user, token_id)
    db.session.commit()
    flash(_("Token dicabut; aplikasi yang memakainya tidak dapat masuk lagi."))
    return redirect(url_for("auth.tokens"))
