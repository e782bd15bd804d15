"""Trainer's pages: their courses, packages in and out, owners, versions and diffs."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import User
from lms.auth.policy import require_role
from lms.authoring import bp, editor, structure_views  # noqa: F401  (they register routes)
from lms.authoring.access import editable_course
from lms.authoring.drafts import DraftError, get_draft, new_course_draft, start_draft
from lms.authoring.forms import ActionForm, NewCourseForm, OwnerForm, UploadForm
from lms.authoring.history import lesson_diff, list_versions
from lms.authoring.services import (
    NotCourseOwner,
    add_owner,
    course_zip,
    list_editable,
    list_new_drafts,
    list_owners,
    upload_package,
)
from lms.authoring.stats import MIN_ATTEMPTS, TOO_EASY, TOO_HARD
from lms.authoring.stats import quiz_stats as stats_for
from lms.content import PackageInvalid
from lms.courses.content_text import content_problem
from lms.courses.importer import current_version
from lms.extensions import db
from lms.inputs import MAX_ID, query_int

TRAINERS = ("trainer", "admin")


@bp.get("/")
@require_role(*TRAINERS)
def index():
    """The courses the trainer may edit, drafts of new courses, new course and upload forms."""
    return render_template(
        "authoring/index.html", courses=list_editable(db.session, current_user),
        new_drafts=list_new_drafts(db.session, current_user),
        new_form=NewCourseForm(), upload_form=UploadForm(),
    )


@bp.post("/kursus-baru")
@require_role(*TRAINERS)
def new_course():
    """Start a draft for a new course."""
    form = NewCourseForm()
    if not form.validate_on_submit():
        flash(_("Isi slug dan judul kursus."), "error")
        return redirect(url_for("authoring.index"))
    try:
        draft = new_course_draft(db.session, current_user, (form.slug.data or "").strip(),
                                 form.title.data.strip())
    except DraftError as exc:
        db.session.rollback()
        flash(_("Slug sudah dipakai.") if str(exc) == "exists" else
              _("Slug hanya boleh huruf kecil, angka dan tanda -."), "error")
        return redirect(url_for("authoring.index"))
    db.session.commit()
    return redirect(url_for("authoring.draft", slug=draft.slug))


@bp.post("/unggah")
@require_role(*TRAINERS)
def upload():
    """Create or update a course from a .zip package (all or nothing)."""
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Pilih berkas .zip paket kursus."), "error")
        return redirect(url_for("authoring.index"))
    storage = form.package.data
    try:
        result = upload_package(db.session, current_user, storage.filename or "paket.zip",
                                storage.read())
    except PackageInvalid as exc:
        db.session.rollback()
        return render_template(
            "authoring/index.html", courses=list_editable(db.session, current_user),
            new_drafts=list_new_drafts(db.session, current_user), new_form=NewCourseForm(),
            upload_form=form, upload_errors=[content_problem(e) for e in exc.errors],
        ), 422
    except NotCourseOwner:
        db.session.rollback()
        abort(403)
    db.session.commit()
    if result.status == "unchanged":
        flash(_("Paket sama dengan versi %(n)s; tidak ada versi baru.", n=result.version), "info")
    else:
        flash(_("Versi %(n)s diterbitkan.", n=result.version), "success")
    return redirect(url_for("authoring.course", slug=result.slug))


@bp.get("/kursus/<slug>")
@require_role(*TRAINERS)
def course(slug: str):
    """A course: owners, draft, version history with diffs, downloads."""
    found = editable_course(slug)
    versions = list_versions(db.session, found)
    return render_template(
        "authoring/course.html", course=found, versions=versions,
        owners=list_owners(db.session, found), draft=get_draft(db.session, slug),
        action_form=ActionForm(), owner_form=OwnerForm(),
        numbers=[v.number for v in versions], old=versions[1].number if len(versions) > 1 else None,
        new=versions[0].number if versions else None,
    )


@bp.get("/kursus/<slug>/paket.zip")
@require_role(*TRAINERS)
def download(slug: str):
    """The current version as a .zip package."""
    found = editable_course(slug)
    try:
        data = course_zip(db.session, found)
    except LookupError:
        abort(404)
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{found.slug}.zip"'})


@bp.post("/kursus/<slug>/pemilik")
@require_role(*TRAINERS)
def add_course_owner(slug: str):
    """Add a trainer (by NIP) to the course's owners."""
    found = editable_course(slug)
    form = OwnerForm()
    nip = re.sub(r"[\s.]", "", form.nip.data or "") if form.validate_on_submit() else ""
    user = db.session.scalar(db.select(User).where(User.nip == nip)) if nip else None
    if user is None or not user.has_role(*TRAINERS):
        flash(_("Tidak ada pengajar dengan NIP itu."), "error")
        return redirect(url_for("authoring.course", slug=slug))
    add_owner(db.session, found, user)
    db.session.commit()
    flash(_("%(name)s kini dapat menyunting kursus ini.", name=user.name), "success")
    return redirect(url_for("authoring.course", slug=slug))


@bp.post("/kursus/<slug>/draf")
@require_role(*TRAINERS)
def open_draft(slug: str):
    """Open the draft, starting it from the current version when there is none."""
    found = editable_course(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if get_draft(db.session, slug) is None:
        start_draft(db.session, current_user, found)
        db.session.commit()
    return redirect(url_for("authoring.draft", slug=slug))


@bp.post("/kursus/<slug>/versi/<int:number>/pulihkan")
@require_role(*TRAINERS)
def restore(slug: str, number: int):
    """Replace the draft with an older version's files (published later as a new version)."""
    found = editable_course(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        start_draft(db.session, current_user, found, number)
    except DraftError:
        abort(404)
    db.session.commit()
    flash(_("Versi %(n)s dipulihkan sebagai draf. Terbitkan untuk menjadikannya versi baru.",
            n=number), "success")
    return redirect(url_for("authoring.draft", slug=slug))


@bp.get("/kursus/<slug>/beda")
@require_role(*TRAINERS)
def diff(slug: str):
    """A readable diff of the lessons and quizzes between two versions."""
    found = editable_course(slug)
    old = query_int("dari", 0, low=1, high=MAX_ID)
    new = query_int("ke", 0, low=1, high=MAX_ID)
    if not old or not new:
        abort(400)
    changes = lesson_diff(db.session, found, old, new)
    if changes is None:
        abort(404)
    numbers = [v.number for v in list_versions(db.session, found)]
    return render_template("authoring/diff.html", course=found, old=old, new=new,
                           changes=changes, numbers=numbers)


@bp.get("/kursus/<slug>/statistik")
@require_role(*TRAINERS)
def quiz_stats(slug: str):
    """Per question: attempts, percent right, option choices, too easy / too hard flags."""
    found = editable_course(slug)
    version = current_version(db.session, found) or abort(404)
    return render_template("authoring/stats.html", course=found, version=version,
                           quizzes=stats_for(db.session, version), easy=TOO_EASY, hard=TOO_HARD,
                           minimum=MIN_ATTEMPTS)
