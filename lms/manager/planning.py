"""Routes for planning competency development: the training-needs view of a unit subtree,
with the employees' open aspirations beside the gaps."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, render_template, request
from flask_login import current_user

from lms.auth.policy import can_see_unit, require_role
from lms.extensions import db
from lms.manager import bp
from lms.manager.needs import get_training_needs
from lms.manager.services import DashboardQuery, count_attainment, list_scope_units
from lms.org.models import Unit
from lms.planning.aspirations import count_open_by_competency, list_aspirations
from lms.planning.forms import ASPIRATION_STATUS_LABELS
from lms.org.services import get_unit
from lms.timeutil import local_date, utcnow

DEFAULT_DUE_DAYS = 30
ASPIRATIONS_SHOWN = 10  # the most supported open aspirations beside the gaps  # the due date suggested when assigning a course from the needs view


def _scope_unit() -> Unit | None:
    """The unit of ``?unit=`` when in the caller's scope (404 otherwise); by default the
    manager's own unit, or None (the whole agency) for an admin."""
    code = request.args.get("unit", "").strip()
    if not code:
        return None if "admin" in current_user.roles else current_user.unit
    unit = get_unit(db.session, code)
    if unit is None or not can_see_unit(db.session, current_user, unit.id):
        abort(404)
    return unit


@bp.get("/kebutuhan")
@require_role("manager")
def needs():
    """Competency gaps of the subtree ranked, with the courses that close them."""
    unit = _scope_unit()
    today = local_date(utcnow())
    year = request.args.get("tahun", today.year, type=int)
    year = year if 2000 <= year <= today.year + 1 else today.year
    root = unit.id if unit else None
    config = current_app.config
    total, met = count_attainment(db.session, DashboardQuery(
        root_unit_id=root, year=year, today=today,
        targets={"PNS": config["JP_TARGET_PNS"], "PPPK": config["JP_TARGET_PPPK"]}))
    own_root = None if "admin" in current_user.roles else current_user.unit_id
    open_counts = count_open_by_competency(db.session, root)
    return render_template(
        "manager/needs.html", needs=get_training_needs(db.session, root), unit=unit,
        aspirations=list_aspirations(db.session, root, current_user, "open",
                                     limit=ASPIRATIONS_SHOWN),
        open_by_competency=open_counts, open_total=sum(open_counts.values()),
        aspiration_labels=ASPIRATION_STATUS_LABELS,
        year=year, this_year=today.year, total=total, met=met,
        units=list_scope_units(db.session, own_root),
        due_on=today + timedelta(days=DEFAULT_DUE_DAYS),
    )
