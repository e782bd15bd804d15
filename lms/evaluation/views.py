"""Level 1 routes: a learner rates a completed course; its trainers and admins read the
ratings (trainers without the authors' names, averages only from the minimum group size)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.policy import can_see_feedback_authors, require_role
from lms.authoring.access import editable_course
from lms.courses.importer import current_version
from lms.courses.services import get_current_version
from lms.evaluation import bp, report_views, transfer_views  # noqa: F401  (they add routes)
from lms.evaluation.feedback import NotCompleted, feedback_summary, list_feedback, save_feedback
from lms.evaluation.forms import FeedbackForm
from lms.extensions import db

TRAINERS = ("trainer", "admin")


@bp.post("/kursus/<slug>/umpan-balik")
@login_required
def give_feedback(slug: str):
    """Rate (1-5) and comment on a completed course; saving again edits it."""
    version = get_current_version(db.session, slug) or abort(404)
    form = FeedbackForm()
    if not form.validate_on_submit():
        flash(_("Pilih nilai 1 sampai 5."), "error")
        return redirect(url_for("courses.course", slug=slug))
    try:
        save_feedback(db.session, current_user, version.course_id, form.rating.data,
                      form.comment.data or "")
    except NotCompleted:
        abort(403)
    db.session.commit()
    flash(_("Terima kasih atas umpan balik Anda."), "success")
    return redirect(url_for("courses.course", slug=slug))


@bp.get("/pengajar/kursus/<slug>/umpan-balik")
@require_role(*TRAINERS)
def feedback(slug: str):
    """Average ratings of the course and of each version, and every comment."""
    found = editable_course(slug)
    minimum = current_app.config["FEEDBACK_MIN_GROUP"]
    names = can_see_feedback_authors(current_user)
    return render_template("evaluation/feedback.html", course=found,
                           version=current_version(db.session, found), minimum=minimum,
                           summary=feedback_summary(db.session, found.id, minimum),
                           comments=list_feedback(db.session, found.id, with_names=names),
                           with_names=names)
