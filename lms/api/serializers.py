"""Model and service results as the JSON shapes of API.md (never a quiz's answers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lms.auth.models import User
from lms.auth.roles import ordered
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.competency.services import JpSummary, ProfileRow
from lms.content import Quiz
from lms.courses.models import CourseVersion, Item
from lms.learning.services import Progress
from lms.manager.needs import TrainingNeeds
from lms.manager.queue import QueueItem
from lms.notifications.models import Notification
from lms.notifications.texts import render
from lms.org.models import Unit
from lms.quizzes.models import Attempt, QuizStart
from lms.quizzes.services import QuizStatus
from lms.quizzes.starts import deadline
from lms.reports.exports import iter_csv
from lms.reports.services import UnitReport
from lms.siasn.models import SiasnRecord
from lms.siasn.records import state_json

REPORT_COLUMNS = ("nip", "name", "unit", "courses_completed", "jp", "jp_target", "met", "overdue")


def iso(moment: datetime | None) -> str | None:
    """A naive UTC datetime as ISO 8601 with a ``Z``."""
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


def public_id(slug: str, key: str) -> str:
    """The opaque id of a lesson or quiz: ``<course slug>.<item key>``, stable across versions."""
    return f"{slug}.{key}"


def unit_json(unit: Unit) -> dict[str, Any]:
    """A unit as ``{code, name}``."""
    return {"code": unit.code, "name": unit.name}


def me_json(user: User) -> dict[str, Any]:
    """The caller as ``{nip, name, roles, role, unit}``: ``roles`` from the least to the most
    powerful; ``role``, the most powerful of them, is kept for clients written before an
    account could hold several roles."""
    return {"nip": user.nip, "name": user.name, "roles": ordered(user.roles),
            "role": user.primary_role, "unit": unit_json(user.unit)}


def course_json(version: CourseVersion) -> dict[str, Any]:
    """A catalogue entry: the current version's metadata."""
    return {
        "slug": version.course.slug, "title": version.title, "summary": version.summary,
        "jp": version.jp,
        "competencies": [{"code": c.competency_code, "level": c.level}
                         for c in version.competencies],
        "version": version.number,
    }


def course_detail_json(version: CourseVersion) -> dict[str, Any]:
    """A course with its description and its modules' lessons and quizzes."""
    slug = version.course.slug
    return {
        **course_json(version),
        "description_html": version.description_html,
        "modules": [
            {"id": module.slug, "title": module.title,
             "items": [{"type": item.kind, "id": public_id(slug, item.key), "title": item.title}
                       for item in module.items]}
            for module in version.modules
        ],
    }


def lesson_json(version: CourseVersion, item: Item, completed: bool) -> dict[str, Any]:
    """A lesson with its sanitised HTML and whether the caller marked it done."""
    return {"id": public_id(version.course.slug, item.key), "title": item.title,
            "html": item.body_html, "minutes": item.minutes, "completed": completed}


def course_progress_json(progress: Progress) -> dict[str, Any]:
    """The caller's progress through a course after a change."""
    return {"percent": progress.percent, "completed": progress.completed_at is not None}


def quiz_json(version: CourseVersion, quiz: Quiz, status: QuizStatus) -> dict[str, Any]:
    """A quiz to answer: prompts and options only, never answers or explanations."""
    return {
        "id": public_id(version.course.slug, quiz.id), "title": quiz.title,
        "intro_html": quiz.intro_html, "passing_score": quiz.passing_score,
        "max_attempts": quiz.max_attempts or None, "attempts_used": status.used,
        "attempts_left": status.left, "time_limit_minutes": quiz.time_limit_minutes or None,
        "questions": [
            {"id": q.id, "type": q.kind, "prompt_html": q.prompt_html, "points": q.points,
             "options": [{"id": o.id, "html": o.html} for o in q.options]}
            for q in quiz.questions
        ],
    }


def start_json(start: QuizStart, quiz: Quiz) -> dict[str, Any]:
    """An open attempt: the token to submit with and when its time runs out."""
    return {"start_token": start.nonce, "started_at": iso(start.started_at),
            "time_limit_minutes": quiz.time_limit_minutes or None,
            "expires_at": iso(deadline(start, quiz))}


def attempt_json(attempt: Attempt, quiz: Quiz) -> dict[str, Any]:
    """A graded attempt with per-question results and explanations. ``attempts_left`` is
    counted from the attempt's own number, so a repeated request gets the same answer."""
    results = attempt.results.get("questions", {})
    left = None if quiz.max_attempts == 0 else max(quiz.max_attempts - attempt.number, 0)
    return {
        "attempt_id": attempt.id, "score": attempt.score, "passed": attempt.passed,
        "attempts_left": left,
        "questions": [
            {"id": q.id, "correct": bool(results.get(q.id, {}).get("correct")),
             "explanation_html": q.explanation_html}
            for q in quiz.questions
        ],
    }


def progress_json(version: CourseVersion, progress: Progress) -> dict[str, Any]:
    """One line of ``/me/progress``."""
    return {"slug": version.course.slug, "title": version.title, "percent": progress.percent,
            "completed_at": iso(progress.completed_at)}  # type: ignore[arg-type]


def evidence_json(evidence: CompetencyEvidence) -> dict[str, Any]:
    """One piece of evidence: from a course (``course`` is its slug) or from a validated
    outside training (``course`` is null and ``training`` says what it was)."""
    training = evidence.external_training
    return {
        "course": evidence.course.slug if evidence.course else None,
        "version": evidence.version_number,
        "training": {"title": training.title, "provider": training.provider,
                     "kind": training.kind,
                     "certificate_number": training.certificate_number} if training else None,
        "completed_at": iso(evidence.completed_at), "score": evidence.score,
        "level": evidence.level, "validated": evidence.validated_at is not None,
        "status": evidence.status, "validated_at": iso(evidence.validated_at),
        "validated_by": evidence.validated_by.nip if evidence.validated_by else None,
    }


def ledger_source(entry: JpLedgerEntry) -> str:
    """Where a ledger entry comes from: "outside_training", "mentoring" (a validated
    mentoring or coaching programme: no course, no outside training) or "course"."""
    if entry.external_training_id is not None:
        return "outside_training"
    from lms.mentoring.models import PROGRAMME_KINDS

    return ("mentoring" if entry.course_id is None and entry.kind in PROGRAMME_KINDS
            else "course")


def jp_record_json(entry: JpLedgerEntry, siasn: SiasnRecord | None) -> dict[str, Any]:
    """One JP ledger entry of the year with its SIASN state."""
    return {
        "certificate_number": entry.certificate_number, "title": entry.title,
        "source": ledger_source(entry),
        "kind": entry.kind, "provider": entry.provider, "jp": entry.jp,
        "started_on": entry.started_on.isoformat(), "ended_on": entry.ended_on.isoformat(),
        "siasn": state_json(siasn),
    }


def profile_json(employee: User, rows: list[ProfileRow], jp: JpSummary,
                 records: list[tuple[JpLedgerEntry, SiasnRecord | None]] = ()
                 ) -> dict[str, Any]:
    """An employee's competency profile and JP for a year, with the year's JP records."""
    return {
        "nip": employee.nip, "name": employee.name, "unit": unit_json(employee.unit),
        "position": employee.position.name if employee.position else None,
        "position_code": employee.position.code if employee.position else None,
        "position_type": employee.position.type if employee.position else None,
        "golongan": employee.golongan,
        "competencies": [
            {
                "code": row.competency.code, "name": row.competency.name, "level": row.level,
                "required_level": row.required_level, "validated_level": row.validated_level,
                "gap": row.gap,
                "evidence": [evidence_json(e) for e in row.evidence],
            }
            for row in rows
        ],
        "jp": {"year": jp.year, "attained": jp.attained, "target": jp.target, "met": jp.met,
               "records": [jp_record_json(entry, siasn) for entry, siasn in records]},
    }


def report_json(report: UnitReport) -> dict[str, Any]:
    """A unit report for a year."""
    return {
        "unit": unit_json(report.unit), "year": report.year,
        "employees": [
            {"nip": e.nip, "name": e.name, "unit": e.unit,
             "courses_completed": e.courses_completed, "jp": e.jp, "jp_target": e.jp_target,
             "met": e.met, "overdue": e.overdue}
            for e in report.employees
        ],
        "summary": {"employees": report.summary.employees, "met": report.summary.met,
                    "percent_met": report.summary.percent_met},
    }


def report_csv(report: UnitReport) -> Iterator[str]:
    """The employees of a unit report as streamed CSV with a header row, safe to open in a
    spreadsheet: a text cell that would start a formula gets a leading apostrophe."""
    rows = report_json(report)["employees"]
    return iter_csv(REPORT_COLUMNS, ([row[c] for c in REPORT_COLUMNS] for row in rows),
                    machine=True)


def needs_json(unit: Unit, needs: TrainingNeeds) -> dict[str, Any]:
    """The training needs of a unit subtree: competencies by total gap, with their courses."""
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "employees": needs.employees,
        "needs": [{
            "code": n.code, "name": n.name, "total_gap": n.total_gap,
            "employees_below": n.employees, "highest_required": n.highest_required,
            "courses": [{"slug": c.slug, "title": c.title, "jp": c.jp, "level": c.level,
                         "helps": c.helps, "closes": c.closes, "completed": c.completed,
                         "in_progress": c.in_progress} for c in n.courses],
        } for n in needs.needs],
    }


def queue_item_json(item: QueueItem) -> dict[str, Any]:
    """One waiting item of a manager's queue."""
    return {"kind": item.kind, "id": item.id,
            "employee": {"nip": item.nip, "name": item.name}, "title": item.title,
            "since": item.since.isoformat(), "age_days": item.age_days}


def notification_json(notice: Notification) -> dict[str, Any]:
    """One notification, its text in the request's language."""
    return {"id": notice.id, "kind": notice.kind, "text": render(notice.kind, notice.params),
            "created_at": iso(notice.created_at), "read": notice.read_at is not None}
