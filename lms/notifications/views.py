"""The person's notifications: the list, marking read, and turning e-mail on or off."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.extensions import db
from lms.notifications import bp
from lms.notifications.services import (PAGE_SIZE, count_notifications, get_notification,
                                        list_notifications, mark_all_read, mark_read,
                                        set_email_preference)
from lms.notifications.texts import LINKS, render


@bp.get("/notifikasi")
@login_required
def index():
    """The signed-in person's notifications, newest first, a page at a time."""
    total = count_notifications(db.session, current_user)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, request.args.get("hal", 1, type=int)), pages)
    notices = list_notifications(db.session, current_user, offset=(page - 1) * PAGE_SIZE)
    return render_template("notifications/index.html", notices=notices, render=render,
                           links=LINKS, form=FlaskForm(), page=page, pages=pages,
                           mail_configured=bool(current_app.config.get("SMTP_HOST")))


@bp.post("/notifikasi/<int:notification_id>/baca")
@login_required
def read(notification_id: int):
    """Mark one notification read and open the page it is about."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    notice = get_notification(db.session, current_user, notification_id) or abort(404)
    mark_read(db.session, notice)
    db.session.commit()
    endpoint = LINKS.get(notice.kind)
    return redirect(url_for(endpoint) if endpoint else url_for("notifications.index"))


@bp.post("/notifikasi/baca-semua")
@login_required
def read_all():
    """Mark every notification read."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    mark_all_read(db.session, current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.post("/notifikasi/email")
@login_required
def email_preference():
    """Turn notification e-mail on or off for oneself."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    enabled = request.form.get("email") == "on"
    set_email_preference(db.session, current_user, enabled)
    db.session.commit()
    flash(_("Notifikasi e-mail diaktifkan.") if enabled else _("Notifikasi e-mail dimatikan."),
          "success")
    return redirect(url_for("notifications.index"))
