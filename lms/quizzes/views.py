"""Quiz page, submission and result page."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.auth.policy import read_with_user, reads_with_user
from lms.certificates.services import find_for_course
from lms.courses.cache import version_cache
from lms.courses.services import (find_item, get_current_version, get_version_by_id,
                                  ordered_items)
from lms.extensions import db
from lms.learning.reads import COURSE_WITH_USER, get_learner_course, get_learner_quiz
from lms.learning.services import PrerequisitesMissing, complete_course_if_done, enrol
from lms.quizzes import bp
from lms.quizzes.errors import (AlreadyPassed, AttemptLimitReached, StartInvalid, StartRequired,
                                TimeExpired)
from lms.quizzes.models import Attempt
from lms.quizzes.review import answer_review
from lms.quizzes.services import (InvalidAnswers, answers_shown, attempt_token_serializer,
                                  get_status, list_attempts, may_take, submit_attempt,
                                  summarize)
from lms.quizzes.starts import deadline, find_start, start_attempt


def _signer() -> URLSafeTimedSerializer:
    return attempt_token_serializer(current_app.config["SECRET_KEY"])


def _presented(quiz, nonce: str):
    """The questions and their options in the order this attempt shows them (shuffled by its
    nonce when the quiz shuffles, so a re-shown form keeps its order)."""
    questions = list(quiz.questions)
    rng = random.Random(nonce)
    if quiz.shuffle:
        rng.shuffle(questions)
    options = {q.id: (rng.sample(q.options, len(q.options)) if quiz.shuffle else q.options)
               for q in questions}
    return questions, options


def _next_item(version, key: str):
    """The item after ``key`` in the course (no query: the version is loaded)."""
    items = ordered_items(version)
    index = next((n for n, i in enumerate(items) if i.key == key), None)
    return items[index + 1] if index is not None and index + 1 < len(items) else None


@bp.get("/kursus/<slug>/kuis/<key>")
@reads_with_user(COURSE_WITH_USER)
@login_required
def take(slug: str, key: str):
    """The quiz form (never the answers); the token pins the version and start time. A timed
    quiz starts (or reopens) the learner's attempt on the server, so a reload keeps the clock."""
    version, _enrollment = (get_learner_course(db.session, current_user, slug, read_with_user())
                            or abort(404))
    item = find_item(version, key)
    if item is None or item.kind != "quiz":
        abort(404)
    quiz = version_cache().quiz(version, key)
    nonce, ends_at = secrets.token_urlsafe(16), None
    attempts = None
    if quiz.time_limit_minutes:
        # A learner who passed and may not retake must not start the clock of a new attempt.
        attempts = list_attempts(db.session, current_user, version.course_id, key)
    if quiz.time_limit_minutes and may_take(quiz, summarize(attempts, quiz)):
        attempts = None  # read again below: an expired start may have become an attempt
        try:
            start = start_attempt(db.session, current_user, version, item,
                                  max_attempts=quiz.max_attempts,
                                  grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"])
        except AttemptLimitReached:
            start = None  # the page says that no attempt is left
        if start is not None:
            if start.version_id != version.id:  # started before a new version was published
                version = get_version_by_id(db.session, start.version_id) or abort(404)
                item = find_item(version, key) or abort(404)
                quiz = version_cache().quiz(version, key)
            nonce, ends_at = start.nonce, deadline(start, quiz)
        db.session.commit()
    if attempts is None:
        attempts = list_attempts(db.session, current_user, version.course_id, key)
    token = _signer().dumps({"v": version.id, "n": nonce, "u": current_user.id})
    return _quiz_page(version, item, quiz, attempts, token, nonce, ends_at)


def _quiz_page(version, item, quiz, attempts, token: str, nonce: str, ends_at,
               given: dict[str, list[str]] | None = None):
    """The quiz page; with ``given``, the form shown again with the learner's answers and the
    questions left unanswered, to be confirmed or completed."""
    status = summarize(attempts, quiz)
    questions, options = _presented(quiz, nonce)
    unanswered = ([n for n, q in enumerate(questions, 1) if not given.get(q.id)]
                  if given is not None else [])
    passed_attempt = next((a for a in attempts if a.passed), None)
    return render_template(
        "quizzes/take.html", version=version, item=item, quiz=quiz, questions=questions,
        options=options, status=status, token=token, ends_at=ends_at, attempts=attempts,
        may_take=may_take(quiz, status), given=given or {}, unanswered=unanswered,
        passed_attempt=passed_attempt, next_item=_next_item(version, item.key),
    )


@bp.post("/kursus/<slug>/kuis/<key>")
@login_required
def submit(slug: str, key: str):
    """Grade a submission against the version it was started on, once per token."""
    try:
        data, signed_at = _signer().loads(request.form.get("token", ""), return_timestamp=True)
    except BadSignature:
        abort(400)
    if not isinstance(data, dict) or not isinstance(data.get("v"), int) \
            or not isinstance(data.get("n"), str):
        abort(400)
    # The course, the enrolment and the attempts so far (with the one of this form's token,
    # if it was sent before) in one query.
    current, enrollment, so_far = (get_learner_quiz(db.session, current_user, slug, key,
                                                    data["n"]) or abort(404))
    version = current if data["v"] == current.id else get_version_by_id(db.session, data["v"])
    if version is None or version.course_id != current.course_id or data.get("u") != current_user.id:
        abort(400)
    item = find_item(version, key)
    if item is None or item.kind != "quiz":
        abort(404)
    quiz = version_cache().quiz(version, key)
    answers, given = {}, {}
    for question in quiz.questions:
        field = f"q-{question.id}"
        given[question.id] = [value for value in request.form.getlist(field) if value.strip()]
        if question.kind == "multiple":
            chosen = request.form.getlist(field)
            if chosen:
                answers[question.id] = chosen
        elif request.form.get(field):
            answers[question.id] = request.form[field]
    if not request.form.get("confirm") and not all(given.values()):
        # An empty answer scores nothing: ask before this burns an attempt (nothing stored).
        attempts = list_attempts(db.session, current_user, version.course_id, key)
        try:
            start = (find_start(db.session, current_user, version.course_id, key, data["n"])
                     if quiz.time_limit_minutes else None)
        except StartInvalid:
            start = None
        return _quiz_page(version, item, quiz, attempts, request.form["token"], data["n"],
                          deadline(start, quiz) if start else None, given=given)
    try:
        start = find_start(db.session, current_user, version.course_id, key, data["n"]) \
            if quiz.time_limit_minutes else None
        if enrollment is None:
            enrol(db.session, current_user, current)
        attempt = submit_attempt(
            db.session, current_user, version, item, answers, quiz=quiz,
            idempotency_key=data["n"],
            started_at=_naive_utc(signed_at), start=start,
            grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"],
            so_far=so_far,  # the started version is one of the same course
        )
        if attempt.passed:
            complete_course_if_done(db.session, current_user, current)
    except PrerequisitesMissing as exc:
        flash(_("Selesaikan dulu kursus prasyarat: %(titles)s", titles=", ".join(exc.titles)),
              "error")
        return redirect(url_for("courses.course", slug=slug))
    except AttemptLimitReached:
        flash(_("Kesempatan mengerjakan kuis ini sudah habis."), "error")
        return redirect(url_for("quizzes.take", slug=slug, key=key))
    except AlreadyPassed:
        flash(_("Anda sudah lulus kuis ini; pengajar tidak membuka kesempatan mengulang."),
              "error")
        return redirect(url_for("quizzes.take", slug=slug, key=key))
    except TimeExpired:
        flash(_("Waktu mengerjakan kuis ini sudah habis; jawaban tidak diterima."), "error")
        return redirect(url_for("quizzes.take", slug=slug, key=key))
    except (StartRequired, StartInvalid):
        flash(_("Percobaan ini sudah berakhir. Jawablah lagi dari halaman kuis."), "error")
        return redirect(url_for("quizzes.take", slug=slug, key=key))
    except InvalidAnswers:
        abort(400)
    db.session.commit()
    return redirect(url_for("quizzes.result", attempt_id=attempt.id))


def _naive_utc(moment: datetime) -> datetime:
    """itsdangerous gives an aware UTC time; the database holds naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@bp.get("/hasil-kuis/<int:attempt_id>")
@login_required
def result(attempt_id: int):
    """Score, pass/fail, per-question result and explanation, attempts left."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    version = get_version_by_id(db.session, attempt.version_id) or abort(404)
    item = find_item(version, attempt.quiz_key) or abort(404)
    quiz = version_cache().quiz(version, attempt.quiz_key)
    current = get_current_version(db.session, version.course.slug)
    status = get_status(db.session, current_user, version.course_id, quiz)
    certificate = (find_for_course(db.session, current_user.id, version.course_id)
                   if attempt.passed else None)
    shown = answers_shown(quiz, status)
    return render_template("quizzes/result.html", attempt=attempt, quiz=quiz, item=item,
                           version=version, current=current, status=status,
                           certificate=certificate, may_take=may_take(quiz, status),
                           answers_shown=shown, review=answer_review(quiz, attempt, shown),
                           next_item=_next_item(current, item.key) if current else None)
