"""Self-service password reset pages: ask for a link, the same answer for every request,
and the linked page that sets a new password (see lms.auth.reset)."""

from __future__ import annotations

import logging
import threading
from smtplib import SMTPException

from flask import (current_app, flash, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import logout_user

from lms.auth import bp
from lms.auth.forms import NewPasswordForm, ResetRequestForm
from lms.auth.reset import (mail_settings, make_token, request_reset, reset_message,
                            reset_password, reset_policy, user_for_token)
from lms.auth.services import PasswordRejected
from lms.auth.throttle import Throttled, wait_text
from lms.extensions import db
from lms.notifications.mail import MailSettings, send_one

log = logging.getLogger(__name__)


def _minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_MINUTES"])


def _send_later(settings: MailSettings, message) -> None:
    """Send after the answer, on a thread of its own: the answer takes as long whether or not
    an e-mail goes out (nothing to learn from its timing), and a slow mail server holds up
    nobody's page. A failure is logged; the person can ask again or ask the admin."""
    def send() -> None:
        try:
            send_one(settings, message)
        except (OSError, SMTPException) as exc:
            log.warning("password-reset e-mail to %s not sent: %s", message["To"], exc)

    threading.Thread(target=send, name="reset-mail", daemon=True).start()


@bp.route("/lupa-kata-sandi", methods=["GET", "POST"])
def reset_request():
    """Ask for a reset link by NIP or e-mail (without e-mail configured: the help page)."""
    settings = mail_settings(current_app.config)
    if settings is None:
        return redirect(url_for("auth.help_page", _anchor="kata-sandi"))
    form = ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form,
                               minutes=_minutes()), 400 if request.method == "POST" else 200
    try:
        users = request_reset(db.session, form.identity.data, remote=request.remote_addr or "-",
                              policy=reset_policy(current_app.config))
    except Throttled as exc:
        db.session.commit()  # the pruning of old requests
        flash(_("Terlalu banyak permintaan. Coba lagi dalam %(wait)s.",
                wait=wait_text(exc.wait_seconds)), "error")
        response = make_response(render_template("auth/reset_request.html", form=form,
                                                 minutes=_minutes()), 429)
        response.headers["Retry-After"] = str(exc.wait_seconds)
        return response
    messages = [reset_message(user, _link(make_token(current_app.config["SECRET_KEY"], user)),
                              _minutes(), settings) for user in users]
    db.session.commit()
    for message in messages:
        _send_later(settings, message)
    return redirect(url_for("auth.reset_sent"), 303)


def _link(token: str) -> str:
    """The link as the e-mail shows it: on the public address (BASE_URL)."""
    path = url_for("auth.reset_password_page", token=token)
    return current_app.config["BASE_URL"].rstrip("/") + path


@bp.get("/lupa-kata-sandi/terkirim")
def reset_sent():
    """The one answer to every request, whether or not an account was found."""
    return render_template("auth/reset_sent.html", minutes=_minutes())


def _no_referrer(response):
    """The token is in this page's address: never sent on, never kept by a cache."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/atur-kata-sandi/<token>", methods=["GET", "POST"])
def reset_password_page(token: str):
    """Set a new password through an e-mailed link (opening it changes nothing)."""
    max_age = _minutes() * 60
    secret = current_app.config["SECRET_KEY"]
    user = user_for_token(db.session, secret, token[:512], max_age,
                          lock=request.method == "POST")
    if user is None:
        return _no_referrer(make_response(render_template("auth/reset_invalid.html"), 410))
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            reset_password(db.session, user, form.password.data, form.confirm.data,
                           remote=request.remote_addr)
        except PasswordRejected as exc:
            db.session.rollback()
            form[exc.field].errors = [*form[exc.field].errors, _(exc.message, **exc.params)]
            status = 422
        else:
            db.session.commit()
            logout_user()  # whoever was signed in on this browser: every session has ended
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("Kata sandi baru disimpan; semua sesi dan token API Anda telah berakhir. "
                    "Silakan masuk dengan kata sandi baru."), "success")
            return redirect(url_for("auth.login"), 303)
    elif request.method == "POST":
        status = 400
    return _no_referrer(make_response(render_template(
        "auth/reset_password.html", form=form, person=user), status))

