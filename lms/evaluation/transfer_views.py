"""Level 3 routes: the learner's and the supervisor's transfer questionnaire of a completion,
and a course's questions edited by its trainers. A questionnaire that is not open, or a
completion that is not the caller's (learner) or outside their subtree (supervisor): 404; the
learner at their own supervisor's questionnaire: 403."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.policy import (can_answer_transfer_as_learner, can_answer_transfer_as_supervisor,
                             can_see_unit, require_role)
from lms.authoring.access import editable_course
from lms.courses.importer import current_version
from lms.evaluation import bp
from lms.evaluation.forms import ActionForm, QuestionsForm, answer_form
from lms.evaluation.questions import (MAX_QUESTION_LENGTH, MAX_QUESTIONS, QuestionsInvalid,
                                      get_questions, reset_questions, save_questions)
from lms.evaluation.transfer import (ANSWER_WINDOW_DAYS, MAX_TEXT_ANSWER, AlreadyAnswered,
                                     AnswersInvalid, Completion, get_open_completion,
                                     get_response, submit_answers)
from lms.extensions import db
from lms.timeutil import today

TRAINERS = ("trainer", "admin")


def _open(enrollment_id: int) -> Completion:
    return get_open_completion(db.session, enrollment_id, today()) or abort(404)


def _questionnaire(completion: Completion, role: str):
    """Show the questionnaire, or store its answers and go back where the caller came from."""
    response = get_response(db.session, completion.enrollment.id, role)
    questions = (response.questions if response is not None else
                 get_questions(db.session, completion.enrollment.course_id).of(role))
    form = answer_form(questions)
    status = 200
    if form.is_submitted():
        if not form.validate():
            abort(400)  # only the CSRF token can fail here
        raw = [form[f"q{n}"].data for n in range(len(questions))]
        try:
            submit_answers(db.session, completion, role, current_user, questions, raw)
        except AnswersInvalid as exc:
            db.session.rollback()
            for index, problem in exc.problems.items():
                form[f"q{index}"].errors = [
                    _("Pilih salah satu, 1 sampai 5.") if problem == "scale" else
                    _("Paling panjang %(n)s karakter.", n=MAX_TEXT_ANSWER)]
            status = 422
        except AlreadyAnswered:
            db.session.rollback()
            response = get_response(db.session, completion.enrollment.id, role)
            questions = response.questions if response is not None else questions
            flash(_("Kuesioner ini sudah dijawab; jawaban kedua tidak disimpan."), "error")
            status = 409
        else:
            db.session.commit()
            flash(_("Terima kasih, jawaban Anda tersimpan."), "success")
            return redirect(url_for("learning.dashboard" if role == "learner"
                                    else "manager.queue"))
    return render_template(
        "evaluation/questionnaire.html", completion=completion, role=role, form=form,
        questions=questions, response=response, window=ANSWER_WINDOW_DAYS), status


@bp.route("/evaluasi-pasca/<int:enrollment_id>", methods=["GET", "POST"])
@login_required
def learner_questionnaire(enrollment_id: int):
    """The learner's questionnaire about applying a completed course at work."""
    completion = _open(enrollment_id)
    if not can_answer_transfer_as_learner(current_user, completion.enrollment):
        abort(404)
    return _questionnaire(completion, "learner")


@bp.route("/atasan/evaluasi-pasca/<int:enrollment_id>", methods=["GET", "POST"])
@require_role("manager")
def supervisor_questionnaire(enrollment_id: int):
    """The supervisor's questionnaire about an employee's completed course."""
    completion = _open(enrollment_id)
    if not can_see_unit(db.session, current_user, completion.learner.unit_id):
        abort(404)
    if not can_answer_transfer_as_supervisor(db.session, current_user, completion.learner):
        abort(403)
    return _questionnaire(completion, "supervisor")


def _rows(entries, questions) -> None:
    for entry, question in zip(entries, questions, strict=False):
        entry.form.kind.data, entry.form.text.data = question["kind"], question["text"]


@bp.route("/pengajar/kursus/<slug>/evaluasi-pasca", methods=["GET", "POST"])
@require_role(*TRAINERS)
def questions(slug: str):
    """The course's transfer questions for learners and supervisors, editable."""
    found = editable_course(slug)
    form = QuestionsForm()
    problems: dict[str, list[str]] = {}
    status = 200
    if form.validate_on_submit():
        pairs = {role: [(e.form.kind.data or "", e.form.text.data or "")
                        for e in getattr(form, role)] for role in ("learner", "supervisor")}
        try:
            save_questions(db.session, found.id, current_user, pairs["learner"],
                           pairs["supervisor"])
        except QuestionsInvalid as exc:
            db.session.rollback()
            problems, status = exc.problems, 422
        else:
            db.session.commit()
            flash(_("Pertanyaan evaluasi pasca pelatihan disimpan."), "success")
            return redirect(url_for("evaluation.questions", slug=slug))
    current = get_questions(db.session, found.id)
    if not form.is_submitted():
        _rows(form.learner.entries, current.learner)
        _rows(form.supervisor.entries, current.supervisor)
    return render_template(
        "evaluation/questions.html", course=found, version=current_version(db.session, found),
        form=form, problems=problems, default=current.default, reset_form=ActionForm(),
        most=MAX_QUESTIONS, longest=MAX_QUESTION_LENGTH, window=ANSWER_WINDOW_DAYS), status


@bp.post("/pengajar/kursus/<slug>/evaluasi-pasca/bawaan")
@require_role(*TRAINERS)
def reset(slug: str):
    """Ask the default questions again."""
    found = editable_course(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    reset_questions(db.session, found.id)
    db.session.commit()
    flash(_("Pertanyaan bawaan dipakai lagi."), "success")
    return redirect(url_for("evaluation.questions", slug=slug))
