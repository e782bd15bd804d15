"""Application task routes: the learner's task page with their reports (``/kursus/<slug>/
tugas``), a report's attachment, and the supervisor's assessment page
(``/atasan/tugas-penerapan/<id>``). Someone else's report, or one out of scope: 404; in
scope but not one's to assess (one's own): 403."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.application_tasks import bp
from lms.application_tasks.forms import AssessForm, ReportForm
from lms.application_tasks.models import TaskSubmission
from lms.application_tasks.services import (
    TaskInvalid,
    TaskStateError,
    assess,
    due_on,
    get_answered_task,
    get_submission,
    list_evidence_effects,
    list_submissions,
    submit_report,
    task_of,
)
from lms.auth.policy import (
    can_manage_employee,
    can_see_employee,
    can_see_unit,
    require_role,
)
from lms.competency.serving import stored_file_response
from lms.competency.uploads import CertificateStore
from lms.courses.services import course_title
from lms.extensions import db
from lms.learning.reads import get_learner_course

_STATE_MESSAGES = {
    "not_completed": lambda: _("Selesaikan kursus ini dulu; tugas penerapan dikerjakan "
                               "sesudahnya."),
    "waiting": lambda: _("Laporan Anda sebelumnya masih menunggu penilaian atasan."),
    "met": lambda: _("Tugas ini sudah dinilai memenuhi; tidak perlu laporan lagi."),
    "no_task": lambda: _("Kursus ini tidak memiliki tugas penerapan."),
}


def _store() -> CertificateStore:
    return CertificateStore.from_config(current_app.config)


def _task_page(slug: str, form: ReportForm | None = None, status: int = 200):
    """The learner's task page: the task, their reports with the feedback, and the form
    when they may report (after completing the course, with no report waiting)."""
    version, enrollment = get_learner_course(db.session, current_user, slug) or abort(404)
    task = task_of(db.session, version) or abort(404)
    history = list_submissions(db.session, current_user, version.course_id)
    completed_at = enrollment.completed_at if enrollment else None
    state = history[-1].status if history else "open"
    store = _store()
    return render_template(
        "application_tasks/task.html", version=version, task=task, history=history,
        completed_at=completed_at, state=state, due=due_on(task, completed_at),
        form=form or ReportForm(formdata=None), max_mb=store.max_megabytes,
        max_bytes=store.max_bytes), status


@bp.get("/kursus/<slug>/tugas")
@login_required
def task(slug: str):
    """The course's application task and the signed-in learner's reports on it."""
    return _task_page(slug)


@bp.post("/kursus/<slug>/tugas")
@login_required
def submit(slug: str):
    """Send a report (text and an optional file); the page comes back with every error and
    nothing stored, or a report waiting for the supervisor."""
    version, enrollment = get_learner_course(db.session, current_user, slug) or abort(404)
    task_of(db.session, version) or abort(404)
    if enrollment is None or enrollment.completed_at is None:
        abort(403)
    form = ReportForm()
    upload = form.file.data if getattr(form.file.data, "filename", "") else None
    try:
        submit_report(db.session, current_user, version, form.report.data, upload,
                      store=_store())
    except TaskInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return _task_page(slug, form, 422)
    except TaskStateError as exc:
        db.session.rollback()
        flash(_STATE_MESSAGES.get(str(exc), _STATE_MESSAGES["waiting"])(), "error")
        return redirect(url_for("application_tasks.task", slug=slug))
    db.session.commit()
    flash(_("Laporan terkirim dan menunggu penilaian atasan Anda."), "success")
    return redirect(url_for("application_tasks.task", slug=slug))


@bp.get("/tugas-penerapan/<int:submission_id>/berkas")
@login_required
def attachment(submission_id: int):
    """A report's attachment, to the learner, managers whose scope includes them and admins
    (to anyone else it does not exist); ``?unduh=1`` downloads it."""
    submission = get_submission(db.session, submission_id)
    if (submission is None or submission.file_name is None
            or not can_see_employee(db.session, current_user, submission.user)):
        abort(404)
    response = stored_file_response(
        _store(), submission.file_name, submission.file_type or "",
        f"tugas-penerapan-{submission.id}", download=request.args.get("unduh") == "1")
    return response or abort(404)


def _to_assess(submission_id: int) -> TaskSubmission:
    """A report the caller may assess: in scope (else 404) and not their own (else 403)."""
    submission = get_submission(db.session, submission_id)
    if submission is None or not can_see_unit(db.session, current_user,
                                              submission.user.unit_id):
        abort(404)
    if not can_manage_employee(db.session, current_user, submission.user):
        abort(403)
    return submission


def _assess_page(submission: TaskSubmission, form: AssessForm | None = None,
                 status: int = 200):
    evidence = list_evidence_effects(db.session, submission)
    history = [s for s in list_submissions(db.session, submission.user, submission.course_id)
               if s.id != submission.id]
    task, language = get_answered_task(db.session, submission) or (None, "id")
    return render_template(
        "application_tasks/assess.html", submission=submission, history=history, task=task,
        language=language, title=course_title(db.session, submission.course),
        evidence=evidence,
        form=form or AssessForm(formdata=None)), status


@bp.get("/atasan/tugas-penerapan/<int:submission_id>")
@require_role("manager")
def assessment(submission_id: int):
    """A report with the task it answers, for the learner's supervisor to assess."""
    return _assess_page(_to_assess(submission_id))


@bp.post("/atasan/tugas-penerapan/<int:submission_id>")
@require_role("manager")
def assess_report(submission_id: int):
    """Assess a waiting report once: meets (the course's evidence becomes validated) or not
    yet, with feedback (the learner may report again)."""
    submission = _to_assess(submission_id)
    form = AssessForm()
    result = form.result.data
    if result not in ("met", "not_yet"):
        form.result.errors = [_("Pilih memenuhi atau belum memenuhi.")]
        return _assess_page(submission, form, 422)
    title = course_title(db.session, submission.course)
    try:
        validated = assess(db.session, submission, current_user, meets=result == "met",
                           feedback=form.feedback.data, course_title=title,
                           remote=request.remote_addr)
    except TaskInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return _assess_page(submission, form, 422)
    except TaskStateError:
        db.session.rollback()
        flash(_("Laporan ini sudah dinilai."), "error")
        return redirect(url_for("application_tasks.assessment", submission_id=submission_id))
    db.session.commit()
    if result == "met":
        flash(_("Dinilai memenuhi. Bukti kompetensi yang divalidasi: %(list)s",
                list=", ".join(f"{code} level {level}" for code, level in validated)
                or _("tidak ada yang belum divalidasi")), "success")
    else:
        flash(_("Dinilai belum memenuhi; peserta dapat mengirim laporan baru."), "success")
    return redirect(url_for("manager.queue"))
