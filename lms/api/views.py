"""JSON API v1 routes (see API.md): thin handlers over the services, one commit per write."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, current_app, g, jsonify, request
from sqlalchemy import select

from lms.api import bp
from lms.api import certificates as _certificate_routes  # noqa: F401  (attaches its routes)
from lms.api import serializers as out
from lms.api.auth import require_api_role, token_required
from lms.api.openapi import openapi_document
from lms.audit.web import audit
from lms.auth.models import User
from lms.auth.policy import can_see_employee, can_see_unit
from lms.competency.services import get_jp, get_profile, jp_target, list_ledger
from lms.content import Quiz
from lms.courses.cache import version_cache
from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion, Item
from lms.courses.services import find_item, get_current_version, list_published
from lms.errors import api_error
from lms.extensions import db
from lms.learning.models import Enrollment
from lms.learning.reads import get_learner_quiz
from lms.learning.services import (
    PrerequisitesMissing,
    complete_course_if_done,
    complete_lesson,
    enrol,
    get_done_keys,
    list_enrollments,
    progress_by_course,
)
from lms.manager.needs import get_training_needs
from lms.manager.queue import list_queue
from lms.notifications.services import get_notification, list_notifications, mark_read
from lms.offline.views import sync_response
from lms.org.models import Unit
from lms.org.services import get_unit
from lms.quizzes.errors import (AlreadyPassed, AttemptLimitReached, StartInvalid, StartRequired,
                                TimeExpired)
from lms.quizzes.attempts import AttemptsSoFar
from lms.quizzes.models import QuizStart
from lms.quizzes.services import InvalidAnswers, get_status, submit_attempt
from lms.quizzes.starts import MAX_START_TOKEN, find_start, get_open_start, start_attempt
from lms.reports.services import unit_report
from lms.siasn.records import records_by_entry
from lms.timeutil import local_date, utcnow

MAX_IDEMPOTENCY_KEY = 100  # the width of Attempt.idempotency_key
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_YEAR = re.compile(r"[0-9]{4}")


class ApiProblem(Exception):
    """A request the API refuses: raised by helpers, answered as a JSON error."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@bp.errorhandler(ApiProblem)
def _problem(exc: ApiProblem):
    return api_error(exc.status, exc.message, exc.code)


def _prerequisites(exc: PrerequisitesMissing) -> ApiProblem:
    return ApiProblem(409, "complete the prerequisite courses first: " + ", ".join(exc.titles),
                      "prerequisites_missing")


def _course(slug: str) -> CourseVersion:
    """The current published version of a course, or 404."""
    version = get_current_version(db.session, slug)
    if version is None:
        raise ApiProblem(404, f"course {slug} does not exist", "not_found")
    return version


def _item(public_id: str, kind: str) -> tuple[CourseVersion, Item]:
    """The current version and the lesson or quiz of a public id ``<slug>.<key>``, or 404."""
    slug, dot, key = public_id.partition(".")
    version = get_current_version(db.session, slug) if dot and slug and key else None
    item = find_item(version, key) if version else None
    if item is None or item.kind != kind:
        raise ApiProblem(404, f"{kind} {public_id} does not exist", "not_found")
    return version, item


def _learner_quiz(public_id: str, key: str | None
                  ) -> tuple[CourseVersion, Item, Enrollment | None, AttemptsSoFar]:
    """Like ``_item`` for a quiz, with the caller's enrolment and attempts so far (and the
    one of the idempotency ``key``, if any) read in the same query."""
    slug, dot, quiz_key = public_id.partition(".")
    found = (get_learner_quiz(db.session, g.api_user, slug, quiz_key, key)
             if dot and slug and quiz_key else None)
    item = find_item(found[0], quiz_key) if found else None
    if item is None or item.kind != "quiz":
        raise ApiProblem(404, f"quiz {public_id} does not exist", "not_found")
    return found[0], item, found[1], found[2]


def _year() -> int:
    """The ``?year=`` argument (default: this year in the agency's time zone), or 400."""
    this_year = local_date(utcnow()).year
    raw = request.args.get("year")
    if raw is None:
        return this_year
    if not _YEAR.fullmatch(raw) or not 2000 <= int(raw) <= this_year + 1:
        raise ApiProblem(400, f"year must be a number from 2000 to {this_year + 1}",
                         "invalid_year")
    return int(raw)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (no token needed)."""
    return jsonify(openapi_document())


@bp.get("/me")
@token_required
def me():
    """The caller."""
    return jsonify(out.me_json(g.api_user))


@bp.get("/courses")
@token_required
def courses():
    """Published courses, current versions."""
    return jsonify([out.course_json(v) for v in list_published(db.session)])


@bp.get("/courses/<slug>")
@token_required
def course(slug: str):
    """A course with its modules, lessons and quizzes."""
    return jsonify(out.course_detail_json(_course(slug)))


@bp.post("/courses/<slug>/enrol")
@token_required
def enrol_course(slug: str):
    """Enrol the caller (idempotent); 409 while prerequisites are incomplete."""
    version = _course(slug)
    try:
        enrollment = enrol(db.session, g.api_user, version)
    except PrerequisitesMissing as exc:
        raise _prerequisites(exc) from None
    db.session.commit()
    return jsonify({"slug": slug, "enrolled": True, "enrolled_at": out.iso(enrollment.enrolled_at)})


@bp.get("/lessons/<lesson_id>")
@token_required
def lesson(lesson_id: str):
    """A lesson's HTML and whether the caller marked it done."""
    version, item = _item(lesson_id, "lesson")
    done = item.key in get_done_keys(db.session, g.api_user, version.course_id)
    return jsonify(out.lesson_json(version, item, done))


@bp.post("/lessons/<lesson_id>/complete")
@token_required
def complete(lesson_id: str):
    """Mark a lesson done (idempotent, enrolling if needed); completes the course when due."""
    version, item = _item(lesson_id, "lesson")
    try:
        progress = complete_lesson(db.session, g.api_user, version, item)
    except PrerequisitesMissing as exc:
        raise _prerequisites(exc) from None
    db.session.commit()
    return jsonify({"completed": True, "course_progress": out.course_progress_json(progress)})


@bp.get("/quizzes/<quiz_id>")
@token_required
def quiz(quiz_id: str):
    """A quiz's questions and options, and the caller's attempts: never the answers. A timed
    quiz shows its questions only while the caller has an open start (its clock runs)."""
    version, item = _item(quiz_id, "quiz")
    definition = quiz_from_item(item)
    start = None
    if definition.time_limit_minutes:
        start = get_open_start(db.session, g.api_user, version.course_id, item.key)
        if start is not None and start.version_id != version.id:
            version, item = start.version, find_item(start.version, item.key)
            definition = quiz_from_item(item)
    status = get_status(db.session, g.api_user, version.course_id, definition)
    body = out.quiz_json(version, definition, status)
    if definition.time_limit_minutes:
        body["open_attempt"] = out.start_json(start, definition) if start else None
        if start is None:
            body["questions"] = []
    return jsonify(body)


def _already_passed() -> ApiProblem:
    return ApiProblem(409, "this quiz was passed and its trainer allows no retake after a pass",
                      "already_passed")


@bp.post("/quizzes/<quiz_id>/start")
@token_required
def start(quiz_id: str):
    """Start an attempt, or return the caller's open one: the server's clock for a timed quiz."""
    version, item = _item(quiz_id, "quiz")
    definition = quiz_from_item(item)
    if (not definition.retake_after_pass
            and get_status(db.session, g.api_user, version.course_id, definition).passed):
        raise _already_passed()
    try:
        enrol(db.session, g.api_user, version)
        opened = start_attempt(db.session, g.api_user, version, item,
                               max_attempts=definition.max_attempts,
                               grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"])
    except PrerequisitesMissing as exc:
        raise _prerequisites(exc) from None
    except AttemptLimitReached:
        db.session.commit()  # a start that timed out was recorded as a failed attempt
        raise ApiProblem(409, "no attempts are left for this quiz", "no_attempts_left") from None
    db.session.commit()
    if opened.version_id != version.id:
        definition = quiz_from_item(find_item(opened.version, item.key) or item)
    return jsonify(out.start_json(opened, definition)), 201


@bp.post("/quizzes/<quiz_id>/attempts")
@token_required
def attempt(quiz_id: str):
    """Grade an attempt against the version it was started on (else the current one); a
    timed quiz needs the ``start_token`` of an open start within its limit. A repeated
    Idempotency-Key returns the first attempt and creates nothing."""
    key = request.headers.get("Idempotency-Key")
    key = key.strip() if key is not None else None
    version, item, enrollment, so_far = _learner_quiz(quiz_id, key)
    if key is not None and not 0 < len(key) <= MAX_IDEMPOTENCY_KEY:
        raise ApiProblem(400, f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters",
                         "invalid_idempotency_key")
    answers, token = _answers_from_body()
    user = g.api_user
    try:
        start = find_start(db.session, user, version.course_id, item.key, token) \
            if token is not None else None
        if enrollment is None:
            enrol(db.session, user, version)
        graded_on, graded_item, quiz = _started_on(start, version, item)
        result = submit_attempt(
            db.session, user, graded_on, graded_item, answers, quiz=quiz,
            idempotency_key=key, start=start,
            grace_seconds=current_app.config["QUIZ_TIME_GRACE_SECONDS"],
            so_far=so_far,  # the started version is one of the same course
        )
        if result.course_id != version.course_id or result.quiz_key != item.key:
            raise ApiProblem(422, "this Idempotency-Key was already used for another quiz",
                             "idempotency_key_reused")
        if result.passed:
            complete_course_if_done(db.session, user, version)
    except PrerequisitesMissing as exc:
        raise _prerequisites(exc) from None
    except AttemptLimitReached:
        raise ApiProblem(409, "no attempts are left for this quiz", "no_attempts_left") from None
    except AlreadyPassed:
        raise _already_passed() from None
    except InvalidAnswers as exc:
        raise ApiProblem(422, str(exc), "invalid_answers") from None
    except StartRequired:
        raise ApiProblem(409, "this quiz has a time limit: POST /quizzes/{id}/start first and "
                         "send its start_token", "start_required") from None
    except StartInvalid:
        raise ApiProblem(409, "start_token names no open attempt of this quiz (already "
                         "submitted or replaced): start again", "invalid_start_token") from None
    except TimeExpired:
        raise ApiProblem(409, "the time limit of this attempt has passed; the answers were not "
                         "accepted", "time_expired") from None
    db.session.commit()
    if result.version_id == version.id:
        quiz = version_cache().quiz(version, item.key)
    else:  # a repeated key may name an attempt made on an earlier version: explain with that
        quiz = quiz_from_item(find_item(result.version, item.key) or item)
    return jsonify(out.attempt_json(result, quiz)), 201


def _started_on(start: QuizStart | None, version: CourseVersion, item: Item
                ) -> tuple[CourseVersion, Item, Quiz]:
    """The version an attempt is graded on (the one it was started on, else the current
    one), with its item and quiz."""
    if start is None or start.version_id == version.id:
        return version, item, version_cache().quiz(version, item.key)
    started_item = find_item(start.version, item.key) or item
    return start.version, started_item, quiz_from_item(started_item)


def _answers_from_body() -> tuple[dict[str, Any], str | None]:
    """``answers`` and ``start_token`` of a JSON body ``{"answers": {question_id: answer},
    "start_token": "…"}``, or 400/422."""
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict):
        raise ApiProblem(400, 'the body must be a JSON object {"answers": {question_id: answer}}',
                         "invalid_body")
    token = body.get("start_token")
    if token is not None and not (isinstance(token, str) and 0 < len(token) <= MAX_START_TOKEN):
        raise ApiProblem(400, f"start_token must be a string of 1 to {MAX_START_TOKEN} "
                         "characters", "invalid_start_token")
    answers = body["answers"]
    for qid, answer in answers.items():
        is_list = isinstance(answer, list) and all(isinstance(a, str) for a in answer)
        if not (isinstance(answer, str) or is_list):
            raise ApiProblem(422, f"the answer to {qid} must be an option id, a list of option "
                             "ids or a text", "invalid_answers")
    return answers, token


@bp.get("/me/progress")
@token_required
def my_progress():
    """The caller's progress in every course they are enrolled in (constant query count)."""
    enrolled = {e.course_id for e in list_enrollments(db.session, g.api_user)}
    versions = [v for v in list_published(db.session) if v.course_id in enrolled]
    progress = progress_by_course(db.session, g.api_user, versions)
    return jsonify([out.progress_json(v, progress[v.course_id]) for v in versions])


@bp.get("/employees/<nip>/profile")
@token_required
def profile(nip: str):
    """An employee's competency profile and JP for ``?year=``; out of scope answers 404."""
    year = _year()
    digits = "".join(ch for ch in nip if ch.isdigit())  # NIPs may be written with spaces or dots
    employee = db.session.scalar(select(User).where(User.nip == digits)) if digits else None
    if employee is None or not can_see_employee(db.session, g.api_user, employee):
        raise ApiProblem(404, f"employee {nip} does not exist or is not in your scope",
                         "not_found")
    jp = get_jp(db.session, employee, year, jp_target(employee, current_app.config))
    ledger = list_ledger(db.session, employee, year)
    siasn = records_by_entry(db.session, (e.id for e in ledger))
    return jsonify(out.profile_json(employee, get_profile(db.session, employee), jp,
                                    [(e, siasn.get(e.id)) for e in ledger]))


def _unit_in_scope(code: str) -> Unit:
    unit = get_unit(db.session, code)
    if unit is None or not can_see_unit(db.session, g.api_user, unit.id):
        raise ApiProblem(404, f"unit {code} does not exist or is not in your scope", "not_found")
    return unit


@bp.get("/units/<code>/report")
@token_required
@require_api_role("manager", "admin")
def report(code: str):
    """JP attainment of the unit's and its sub-units' employees (``?format=csv``, the older
    spelling of ``report.csv``, still answers CSV)."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise ApiProblem(400, "format must be json or csv", "invalid_format")
    return _report(code, fmt)


@bp.get("/units/<code>/report.csv")
@token_required
@require_api_role("manager", "admin")
def unit_report_csv(code: str):
    """The unit report's employees as CSV (its own operation: one media type per answer)."""
    return _report(code, "csv")


def _report(code: str, fmt: str):
    year = _year()
    unit = _unit_in_scope(code)
    config = current_app.config
    targets = {"PNS": config["JP_TARGET_PNS"], "PPPK": config["JP_TARGET_PPPK"]}
    result = unit_report(db.session, unit, year, targets, today=local_date(utcnow()))
    if fmt == "json":
        return jsonify(out.report_json(result))
    filename = f"laporan-{_SAFE_FILENAME.sub('-', unit.code)}-{year}.csv"
    audit("export.personal_data", target_type="unit", target_id=unit.code,
          details={"file": filename, "via": "api"})
    db.session.commit()
    return Response(out.report_csv(result), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/units/<code>/needs")
@token_required
@require_api_role("manager", "admin")
def needs(code: str):
    """Competencies with the largest total gap in the unit subtree and the courses that
    close them (the training-needs analysis)."""
    unit = _unit_in_scope(code)
    return jsonify(out.needs_json(unit, get_training_needs(db.session, unit.id)))


__all__ = ["bp"]


@bp.get("/me/queue")
@token_required
@require_api_role("manager")
def my_queue():
    """What waits for the calling manager or admin, oldest first."""
    items = list_queue(db.session, g.api_user, local_date(utcnow()))
    return jsonify([out.queue_item_json(item) for item in items])


@bp.get("/me/notifications")
@token_required
def my_notifications():
    """The caller's notifications, newest first."""
    return jsonify([out.notification_json(n) for n in list_notifications(db.session,
                                                                         g.api_user)])


@bp.post("/me/notifications/<int:notification_id>/read")
@token_required
def read_notification(notification_id: int):
    """Mark one of the caller's notifications read."""
    notice = get_notification(db.session, g.api_user, notification_id)
    if notice is None:
        raise ApiProblem(404, f"notification {notification_id} does not exist", "not_found")
    mark_read(db.session, notice)
    db.session.commit()
    return jsonify(out.notification_json(notice))


@bp.post("/me/offline-actions")
@token_required
def offline_actions():
    """Actions a learner's device queued offline (lessons done, untimed quiz answers), each
    applied once per key on the version it was done on; see the sync endpoint in API.md."""
    return sync_response(g.api_user)
