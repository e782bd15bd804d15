"""The learner's competency profile and JP for the year."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user, login_required

from lms.competency import bp
from lms.competency.services import get_jp, get_profile, jp_target, list_ledger
from lms.courses.services import course_titles
from lms.extensions import db
from lms.timeutil import local_date, utcnow


@bp.get("/profil")
@login_required
def profile():
    """Per competency the highest evidenced level and its evidence; JP against the target."""
    this_year = local_date(utcnow()).year
    year = request.args.get("tahun", this_year, type=int)
    if not 2000 <= year <= this_year + 1:
        year = this_year
    target = jp_target(current_user, current_app.config)
    rows = get_profile(db.session, current_user)
    titles = course_titles(db.session, {e.course_id for row in rows for e in row.evidence})
    return render_template(
        "competency/profile.html", rows=rows, titles=titles,
        jp=get_jp(db.session, current_user, year, target),
        ledger=list_ledger(db.session, current_user, year), this_year=this_year,
    )
