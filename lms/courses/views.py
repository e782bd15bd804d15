"""Catalogue, course page, enrolment and course assets."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.application_tasks.services import statuses_by_course
from lms.auth.policy import read_with_user, reads_with_user
from lms.competency.framework import get_competency_labels
from lms.courses import bp
from lms.courses.search import CourseResult, search_catalogue
from lms.courses.serving import asset_response
from lms.courses.services import get_asset, get_current_version, list_published, ordered_items
from lms.evaluation.feedback import get_feedback
from lms.evaluation.forms import FeedbackForm
from lms.extensions import db, without_transaction
from lms.learning.reads import PROGRESS_WITH_USER, get_learner_progress
from lms.learning.services import (
    PrerequisitesMissing,
    enrol,
    missing_prerequisites,
    progress_by_course,
)


@bp.get("/kursus")
@login_required
def catalog():
    """The catalogue: every published course, or those a search finds (ranked, with the
    lessons that matched), optionally only those for one competency."""
    search = request.args.get("q", "").strip()[:100]
    published = list_published(db.session)
    codes = sorted({c.competency_code for v in published for c in v.competencies})
    competency = request.args.get("kompetensi", "")
    competency = competency if competency in codes else ""
    if search:
        results = search_catalogue(db.session, search, competency or None)
    else:
        results = [CourseResult(v) for v in published
                   if not competency or competency in {c.competency_code for c in v.competencies}]
    versions = [r.version for r in results]
    return render_template("courses/catalog.html", results=results, search=search,
                           progress=progress_by_course(db.session, current_user, versions),
                           labels=get_competency_labels(db.session, set(codes)), codes=codes,
                           competency=competency)


@bp.get("/kursus/<slug>")
@reads_with_user(PROGRESS_WITH_USER)
@without_transaction
@login_required
def course(slug: str):
    """A course: description, modules and items, requirements, continue link."""
    version, enrollment, progress = (get_learner_progress(db.session, current_user, slug,
                                                          read_with_user()) or abort(404))
    items = ordered_items(version)
    resume = _resume_item(items, progress.done, enrollment.last_item_key if enrollment else None)
    feedback = feedback_form = None
    if progress.completed_at:  # only who completed the course may rate it
        feedback = get_feedback(db.session, current_user, version.course_id)
        feedback_form = FeedbackForm(obj=feedback)
    return render_template(
        "courses/course.html", version=version, enrollment=enrollment, progress=progress,
        resume=resume, items=items,
        done_marks=" ".join(i.key for i in items if i.key in progress.done),
        labels=get_competency_labels(
            db.session, {c.competency_code for c in version.competencies}),
        missing=missing_prerequisites(db.session, current_user, version),
        feedback=feedback, feedback_form=feedback_form,
        task=statuses_by_course(db.session, current_user, [version]).get(version.course_id),
    )


def _resume_item(items, done, last_key):
    """The item to continue with: the last one opened unless done, else the first not done."""
    by_key = {i.key: i for i in items}
    if last_key in by_key and last_key not in done:
        return by_key[last_key]
    return next((i for i in items if i.key not in done), items[0] if items else None)


@bp.post("/kursus/<slug>/daftar")
@login_required
def enrol_course(slug: str):
    """Enrol in a course (idempotent)."""
    version = get_current_version(db.session, slug) or abort(404)
    try:
        enrol(db.session, current_user, version)
    except PrerequisitesMissing as exc:
        flash(_("Selesaikan dulu kursus prasyarat: %(titles)s", titles=", ".join(exc.titles)),
              "error")
        return redirect(url_for("courses.course", slug=slug))
    db.session.commit()
    first = ordered_items(version)[0]
    return redirect(url_for("learning.item", slug=slug, key=first.key))


@bp.get("/kursus/<slug>/v<int:number>/<path:path>")
@login_required
def asset(slug: str, number: int, path: str):
    """A course asset; versions are immutable, so it may be cached for long."""
    found = get_asset(db.session, slug, number, path) or abort(404)
    return asset_response(found.path, found.data, "private, max-age=31536000, immutable")
