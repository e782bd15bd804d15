"""Quiz page, submission and result page."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion
from lms.courses.services import get_current_version, get_item
from lms.extensions import db
from lms.learning.services import PrerequisitesMissing, complete_course_if_done, enrol
from lms.quizzes import bp
from lms.quizzes.errors import AttemptLimitReached, StartInvalid, StartRequired, TimeExpired
from lms.quizzes.models import Attempt
from lms.quizzes.services import InvalidAnswers, get_status, list_attempts, submit_attempt
from lms.quizzes.starts import deadline, find_start, start_attempt


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="quiz-attempt")


@bp.get("/kursus/<slug>/kuis/<key>")
@login_required
def take(slug: str, key: str):
    """The quiz form (never the answers); the token pins the version and start time. A timed
    quiz starts (or reopens) the learner's attempt on the server, so a reload keeps the clock."""
    version = get_current_version(db.session, slug) or abort(404)
    item = get_item(db.session, version, key)
    if item is None or item.kind != "quiz":
        abort(404)
    quiz = quiz_from_item(item)
    nonce, ends_at = secrets.token_urlsafe(16), None
    if quiz.time_limit_minutes:
        try:
            start = start_attempt(db.session, current_user, version, item,
                                  max_attempts=quiz.max_attempts,
                                  grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"])
        except AttemptLimitReached:
            pass  # the page says that no attempt is left
        else:
            if start.version_id != version.id:  # started before a new version was published
                version = start.version
                item = get_item(db.session, version, key) or abort(404)
                quiz = quiz_from_item(item)
            nonce, ends_at = start.nonce, deadline(start, quiz)
        db.session.commit()
    status = get_status(db.session, current_user, version.course_id, quiz)
    token = _signer().dumps({"v": version.id, "n": nonce, "u": current_user.id})
    questions = list(quiz.questions)
    rng = random.Random(nonce)
    if quiz.shuffle:
        rng.shuffle(questions)
    options = {q.id: (rng.sample(q.options, len(q.options)) if quiz.shuffle else q.options)
               for q in questions}
    return render_template(
        "quizzes/take.html", version=version, item=item, quiz=quiz, questions=questions,
        options=options, status=status, token=token, ends_at=ends_at,
        attempts=list_attempts(db.session, current_user, version.course_id, key),
    )


@bp.post("/kursus/<slug>/kuis/<key>")
@login_required
def submit(slug: str, key: str):
    """Grade a submission against the version it was started on, once per token."""
    current = get_current_version(db.session, slug) or abort(404)
    try:
        data, signed_at = _signer().loads(request.form.get("token", ""), return_timestamp=True)
    except BadSignature:
        abort(400)
    version = db.session.get(CourseVersion, data.get("v"))
    if version is None or version.course_id != current.course_id or data.get("u") != current_user.id:
        abort(400)
    item = get_item(db.session, version, key)
    if item is None or item.kind != "quiz":
        abort(404)
    quiz = quiz_from_item(item)
    answers = {}
    for question in quiz.questions:
        field = f"q-{question.id}"
        if question.kind == "multiple":
            chosen = request.form.getlist(field)
            if chosen:
                answers[question.id] = chosen
        elif request.form.get(field):
            answers[question.id] = request.form[field]
    try:
        start = find_start(db.session, current_user, version.course_id, key, data["n"]) \
            if quiz.time_limit_minutes else None
        enrol(db.session, current_user, current)
        attempt = submit_attempt(
            db.session, current_user, version, item, answers, idempotency_key=data["n"],
            started_at=_naive_utc(signed_at), start=start,
            grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"],
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
    version = attempt.version
    item = get_item(db.session, version, attempt.quiz_key) or abort(404)
    quiz = quiz_from_item(item)
    current = get_current_version(db.session, version.course.slug)
    status = get_status(db.session, current_user, version.course_id, quiz)
    return render_template("quizzes/result.html", attempt=attempt, quiz=quiz, item=item,
                           version=version, current=current, status=status)
