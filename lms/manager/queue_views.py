"""The manager's "Perlu tindakan" page: what waits for them, oldest first."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from lms.auth.policy import require_role
from lms.extensions import db
from lms.manager import bp
from lms.manager.forms import BulkValidateForm
from lms.manager.queue import count_queue, list_queue, reviewed_by_admin
from lms.timeutil import local_date, utcnow


@bp.get("/tindakan")
@require_role("manager")
def queue():
    """Evidence and outside training to validate and overdue mandatory training in scope."""
    today = local_date(utcnow())
    items = list_queue(db.session, current_user, today)
    return render_template(
        "manager/queue.html", items=items, total=count_queue(db.session, current_user, today),
        own_to_admin=reviewed_by_admin(current_user), form=BulkValidateForm(),
        stale_days=current_app.config["QUEUE_REMINDER_DAYS"],
    )
