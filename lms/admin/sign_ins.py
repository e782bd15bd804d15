"""Admin page of recent failed sign-ins: which NIPs and addresses must wait, and a button
that releases one (the owner locked out by someone guessing, or an office behind one address)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from lms.admin import bp
from lms.audit.services import record_audit
from lms.auth.policy import require_role
from lms.auth.throttle import ThrottlePolicy, clear_failures, list_throttles
from lms.extensions import db


class ClearForm(FlaskForm):
    """Release one NIP or address (the key as the throttle stores it)."""

    key = HiddenField(validators=[DataRequired(), Length(max=128)])


@bp.get("/percobaan-masuk")
@require_role("admin")
def sign_in_failures():
    """NIPs and addresses with failed sign-ins in the window, and how long each must wait."""
    policy = ThrottlePolicy.from_config(current_app.config)
    return render_template("admin/sign_ins.html", rows=list_throttles(db.session, policy),
                           policy=policy, form=ClearForm())


@bp.post("/percobaan-masuk/lepas")
@require_role("admin")
def sign_in_release():
    """Forget the failures of one NIP or address, so it may sign in again at once."""
    form = ClearForm()
    if form.validate_on_submit():
        key = form.key.data
        removed = clear_failures(db.session, key)
        record_audit(db.session, "login.throttle_cleared", actor=current_user,
                     target_type="throttle", target_id=key, details={"failures": removed},
                     remote=request.remote_addr)
        db.session.commit()
        flash(_("Percobaan masuk yang gagal untuk %(key)s dihapus.", key=key.partition(":")[2]),
              "success")
    return redirect(url_for("admin.sign_in_failures"))
