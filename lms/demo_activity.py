"""Demo learning history for ``lms seed-demo``: a few completed and half-done courses and an
overdue mandatory course, made through the real services so every report has something true
to show. Runs once: nothing is added when any demo learner has already enrolled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.content import Quiz
from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion
from lms.courses.services import get_current_version, ordered_items
from lms.learning.models import Enrollment
from lms.learning.services import complete_course_if_done, complete_lesson, enrol
from lms.manager.assignments import AssignmentTarget, assign_course
from lms.org.services import get_unit
from lms.quizzes.services import submit_attempt
from lms.timeutil import local_date, utcnow

# nip → (courses completed, course left halfway)
HISTORY = {
    "198509252010012004": (("layanan-publik-digital", "komunikasi-publik"),
                           "manajemen-waktu"),
    "199207142019032006": (("manajemen-waktu",), "layanan-publik-digital"),
    "199512012023211007": ((), "layanan-publik-digital"),
}
MANAGER = "198204102008011003"
# Dukcapil made the digital-service course mandatory for the whole office, due last month.
MANDATORY = ("layanan-publik-digital", "DUKCAPIL", -30)


def correct_answers(quiz: Quiz) -> dict[str, Any]:
    """What a learner who knows the material answers, keyed by question id."""
    answers: dict[str, Any] = {}
    for q in quiz.questions:
        if q.kind == "short":
            first = q.answers[0]
            answers[q.id] = first.text if first.number is None else f"{first.number:g}"
        elif q.kind == "single":
            answers[q.id] = next(o.id for o in q.options if o.correct)
        else:
            answers[q.id] = [o.id for o in q.options if o.correct]
    return answers


def _take(session: Session, user: User, version: CourseVersion, *, halfway: bool) -> None:
    """Work through the course in order, stopping at the middle when ``halfway``."""
    enrol(session, user, version)
    items = ordered_items(version)
    for item in items[: len(items) // 2] if halfway else items:
        if item.kind == "lesson":
            complete_lesson(session, user, version, item)
        else:
            submit_attempt(session, user, version, item, correct_answers(quiz_from_item(item)))
            complete_course_if_done(session, user, version)


def seed_activity(session: Session) -> bool:
    """Add the demo history once; False when it exists already or courses are missing."""
    users = {u.nip: u for u in session.scalars(
        select(User).where(User.nip.in_([*HISTORY, MANAGER])))}
    if len(users) < len(HISTORY) + 1 or session.scalar(
            select(Enrollment.id).where(Enrollment.user_id.in_(
                [users[nip].id for nip in HISTORY])).limit(1)) is not None:
        return False
    slugs = {slug for done, half in HISTORY.values() for slug in (*done, half)}
    versions = {slug: get_current_version(session, slug) for slug in slugs}
    if None in versions.values():
        return False
    for nip, (done, half) in HISTORY.items():
        for slug in done:
            _take(session, users[nip], versions[slug], halfway=False)
        _take(session, users[nip], versions[half], halfway=True)
    slug, unit_code, days = MANDATORY
    assign_course(session, versions[slug].course,
                  AssignmentTarget(unit=get_unit(session, unit_code), with_subunits=True),
                  local_date(utcnow()) + timedelta(days=days), users[MANAGER], None)
    session.flush()
    return True
