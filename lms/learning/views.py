"""Dashboard ("Kursus Saya"), lesson pages and marking lessons done."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.application_tasks.services import statuses_by_course
from lms.auth.policy import read_with_user, reads_with_user
from lms.courses.cache import version_cache
from lms.courses.models import Course
from lms.courses.services import (course_titles, get_current_version, list_published,
                                  ordered_items)
from lms.evaluation.transfer import list_open_for_learner
from lms.extensions import db, without_transaction
from lms.faults import unless_read_only
from lms.learning import bp
from lms.pages import render_shell

# Sent by the page's script when it stores a course's pages for offline reading.
OFFLINE_SAVE = "X-Kelas-Offline"
from lms.planning.services import list_assigned
from lms.timeutil import local_date, utcnow
from lms.learning.reads import PROGRESS_WITH_USER, get_learner_progress
from lms.learning.services import (
    PrerequisitesMissing,
    complete_lesson,
    list_enrollments,
    progress_by_course,
    record_visit,
)


def course_slugs(session, course_ids: set[int]) -> dict[int, str]:
    """Slugs of the given courses, in one query."""
    if not course_ids:
        return {}
    return dict(session.execute(
        select(Course.id, Course.slug).where(Course.id.in_(course_ids))).all())


@bp.get("/")
@login_required
def dashboard():
    """Kursus Saya: enrolled courses with progress and what to continue."""
    enrollments = list_enrollments(db.session, current_user)
    enrolled_ids = {e.course_id for e in enrollments}
    versions = [v for v in list_published(db.session) if v.course_id in enrolled_ids]
    progress = progress_by_course(db.session, current_user, versions)
    by_course = {e.course_id: e for e in enrollments}
    assigned = list_assigned(db.session, current_user)
    titles = course_titles(db.session, {a.course_id for a in assigned})
    slugs = course_slugs(db.session, {a.course_id for a in assigned})
    today = local_date(utcnow())
    return render_template("learning/dashboard.html", versions=versions, progress=progress,
                           enrollments=by_course, assigned=assigned, titles=titles,
                           slugs=slugs, today=today,
                           tasks=statuses_by_course(db.session, current_user, versions),
                           transfer=list_open_for_learner(db.session, current_user, today))


@bp.get("/kursus/<slug>/materi/<key>")
@reads_with_user(PROGRESS_WITH_USER)
@without_transaction
@login_required
def item(slug: str, key: str):
    """A lesson page with previous/next and "mark as done"; quizzes have their own page."""
    version, enrollment, progress = (get_learner_progress(db.session, current_user, slug,
                                                          read_with_user()) or abort(404))
    outline = version_cache().outline(version)
    index = outline.position.get(key)
    if index is None:
        abort(404)
    items = outline.items
    current = items[index]
    if current.kind == "quiz":
        return redirect(url_for("quizzes.take", slug=slug, key=key))
    # Re-reading a lesson writes nothing; nor does storing the course for offline reading.
    if enrollment and enrollment.last_item_key != key and not request.headers.get(OFFLINE_SAVE):
        with unless_read_only(db.session, "resume position"):
            record_visit(db.session, enrollment, key)
    # The same page for every learner with the same done mark, but for its holes.
    return render_shell(
        "learning/lesson.html", (version.id, key, key in progress.done),
        version=version, lesson=current, progress=progress,
        previous=items[index - 1] if index > 0 else None,
        next=items[index + 1] if index + 1 < len(items) else None,
        module=current.module,
    )


@bp.post("/kursus/<slug>/materi/<key>/selesai")
@login_required
def mark_done(slug: str, key: str):
    """Mark a lesson done, then go to the next item."""
    version = get_current_version(db.session, slug) or abort(404)
    items = ordered_items(version)
    index = next((n for n, i in enumerate(items) if i.key == key and i.kind == "lesson"), None)
    if index is None:
        abort(404)
    try:
        progress = complete_lesson(db.session, current_user, version, items[index])
    except PrerequisitesMissing as exc:
        flash(_("Selesaikan dulu kursus prasyarat: %(titles)s", titles=", ".join(exc.titles)),
              "error")
        return redirect(url_for("courses.course", slug=slug))
    db.session.commit()
    if progress.complete and progress.completed_at:
        flash(_("Selamat! Kursus selesai dan JP-nya sudah tercatat."), "success")
        return redirect(url_for("courses.course", slug=slug))
    flash(_("✓ Materi “%(title)s” sudah ditandai selesai.", title=items[index].title), "success")
    following = next((i for i in items[index + 1:] if i.key not in progress.done), None)
    target = following or items[index]
    return redirect(url_for("learning.item", slug=slug, key=target.key))
