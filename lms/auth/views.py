"""Sign-in, sign-out and language routes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh as refresh_locale
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import bp, reset_views, role_views, token_views  # noqa: F401  (they register routes)
from lms.auth.forms import LoginForm
from lms.auth.devices import is_known_device, remember_device
from lms.auth.reset import mail_settings
from lms.auth.services import AccountDisabled, authenticate, end_sessions
from lms.auth.throttle import Throttled, ThrottlePolicy, wait_text
from lms.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = None


@bp.context_processor
def _self_reset() -> dict[str, bool]:
    """Whether the sign-in and help pages offer the e-mailed reset (only with a mail server)."""
    return {"self_reset": mail_settings(current_app.config) is not None}


@bp.get("/bantuan")
def help_page():
    """Who helps, and what to do about a forgotten password (no sign-in needed)."""
    config = current_app.config
    return render_template("auth/help.html", name=config["HELP_NAME"],
                           email=config["HELP_EMAIL"], whatsapp=config["HELP_WHATSAPP"])


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Sign in by NIP and password."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        remote = request.remote_addr or "-"
        try:
            user = authenticate(
                db.session, form.nip.data, form.password.data, remote=remote,
                policy=ThrottlePolicy.from_config(current_app.config),
                known_device=is_known_device(request, form.nip.data),
            )
        except AccountDisabled:
            db.session.commit()  # the audit record
            flash(_("Akun Anda sedang dinonaktifkan. Hubungi admin kepegawaian unit Anda "
                    "(lihat Bantuan)."), "error")
            return render_template("auth/login.html", form=form), 403
        except Throttled as exc:
            db.session.commit()  # the pruning of old failures
            flash(_("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(wait)s.",
                    wait=wait_text(exc.wait_seconds)), "error")
            response = make_response(render_template("auth/login.html", form=form), 429)
            response.headers["Retry-After"] = str(exc.wait_seconds)
            return response
        db.session.commit()
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session on sign-in: nothing carried over from before
            if lang:
                session["lang"] = lang
            login_user(user)
            response = redirect(_safe_next(request.args.get("next")))
            remember_device(request, response, user.nip)
            return response
        flash(_("NIP atau kata sandi salah."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/keluar")
@login_required
def logout():
    """Sign out, ending every session of this user."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    response = redirect(url_for("auth.login"))
    # Courses stored for offline reading and the offline queue stay on a device until the
    # learner signs out: then the browser drops them (a shared phone keeps nobody's pages).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/bahasa/<code>")
def language(code: str):
    """Switch the interface language (id or en)."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        refresh_locale()  # drop the locale Flask-Babel cached on g, so the switch holds at once
    return redirect(_safe_next(request.args.get("next")))


def _safe_next(target: str | None) -> str:
    """Only follow a local path, never another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("learning.dashboard")
