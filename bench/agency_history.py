"""Row buffers and three years of learning history for the agency bench: the rows the real
completion path writes (enrolment, lesson completions, attempts, evidence, JP ledger, xAPI),
inserted in bulk with Core executemany."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lms.auth.models import User, UserRole
from lms.competency.models import CompetencyEvidence, ExternalTraining, JpLedgerEntry
from lms.learning.models import Enrollment, LessonCompletion
from lms.planning.models import CourseAssignment
from lms.org.models import Unit
from lms.quizzes.models import Attempt
from lms.timeutil import local_date
from lms.xapi import statements
from lms.xapi.models import XapiStatement

CHUNK = 20_000  # rows buffered per table before an executemany
MANAGERIAL = [f"M.0{i}" for i in range(1, 9)]


class Rows:
    """Row buffers per table, flushed with Core executemany in foreign-key order."""

    ORDER = (Unit, User, UserRole, ExternalTraining, CourseAssignment, Enrollment, LessonCompletion,
             Attempt, CompetencyEvidence, JpLedgerEntry, XapiStatement)

    def __init__(self, session: Session):
        self.session = session
        self.buffers = {model: [] for model in self.ORDER}
        self.counts = {model.__tablename__: 0 for model in self.ORDER}
        self.next_id = {model: (session.scalar(select(func.max(model.id))) or 0) + 1
                        for model in self.ORDER if model not in (XapiStatement, UserRole)}

    def add(self, model, **row) -> int | None:
        """Buffer a row, giving it the next explicit id; returns the id."""
        if model in self.next_id:
            row["id"] = self.next_id[model]
            self.next_id[model] += 1
        self.buffers[model].append(row)
        if len(self.buffers[model]) >= CHUNK and model in (Unit, User, UserRole):
            self.flush()
        return row.get("id")

    def flush(self, force: bool = False) -> None:
        """Insert the buffered rows, parents before children."""
        if not force and sum(len(b) for b in self.buffers.values()) < CHUNK:
            return
        for model in self.ORDER:
            rows = self.buffers[model]
            if rows:
                self.session.execute(insert(model.__table__), rows)
                self.counts[model.__tablename__] += len(rows)
                rows.clear()



def _when(rng: random.Random, year: int, now: datetime) -> datetime:
    """A random moment of ``year`` (UTC, naive), never in the future."""
    start = datetime(year, 1, 1)
    end = min(datetime(year + 1, 1, 1), now - timedelta(hours=1))
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))




def add_progress(rows: Rows, person: dict, courses: list[dict], assigned: dict[int, date],
              rng: random.Random, now: datetime, today: date) -> tuple[int, bool]:
    """One employee's enrolments over three years as the real completion path records them;
    returns JP credited this year and whether a mandatory course is overdue."""
    engagement = rng.betavariate(1.6, 2.4)
    jp_this_year, overdue = 0, False
    for index, course in enumerate(courses):
        mandatory = index in assigned
        if rng.random() >= (0.6 + 0.35 * engagement if mandatory else 0.06 + 0.5 * engagement):
            overdue |= mandatory and assigned[index] < today
            continue
        complete = rng.random() < (0.6 if mandatory else 0.45) + 0.35 * engagement
        if complete:
            year = today.year if mandatory else rng.choices(
                (today.year, today.year - 1, today.year - 2), (45, 35, 20))[0]
            completed_at = _when(rng, year, now)
            enrolled_at = completed_at - timedelta(days=rng.randint(1, 40),
                                                   minutes=rng.randint(0, 600))
        else:
            completed_at = None
            enrolled_at = _when(rng, rng.choice((today.year, today.year - 1)), now)
        overdue |= mandatory and not complete and assigned[index] < today
        lessons = course["lessons"] if complete else course["lessons"][
            :rng.randint(0, len(course["lessons"]))]
        end = completed_at or now
        moments = sorted(enrolled_at + (end - enrolled_at) * rng.random() for _ in lessons)
        enrollment = rows.add(
            Enrollment, user_id=person["id"], course_id=course["id"], enrolled_at=enrolled_at,
            completed_at=completed_at, completed_version=course["number"] if complete else None,
            last_item_key=(course["quiz"] if complete else lessons[-1] if lessons else None))
        for key, moment in zip(lessons, moments):
            rows.add(LessonCompletion, user_id=person["id"], course_id=course["id"],
                     lesson_key=key, completed_at=moment)
            _statement(rows, person, course, verb="completed", kind="lesson", key=key,
                       title=course["titles"][key], at=moment, result={"completion": True})
        tries = ([False] if rng.random() < 0.2 else []) + [True] if complete else (
            [False] if len(lessons) == len(course["lessons"]) and rng.random() < 0.5 else [])
        for number, passed in enumerate(tries, 1):
            _attempt(rows, person, course, number, passed, end - timedelta(
                minutes=10 * (len(tries) - number + 1)))
        if not complete:
            continue
        _completion(rows, person, course, enrollment, enrolled_at, completed_at, rng)
        if local_date(completed_at).year == today.year:
            jp_this_year += course["jp"]
    return jp_this_year, overdue


def _attempt(rows: Rows, person: dict, course: dict, number: int, passed: bool,
             at: datetime) -> None:
    """A graded attempt at the final quiz and its xAPI statement (quizzes.services shape)."""
    answers = {"q-jp": "45" if passed else "60", "q-hak": "q-hak-1"}
    score = 100.0 if passed else 50.0
    rows.add(Attempt, user_id=person["id"], course_id=course["id"], quiz_key=course["quiz"],
             version_id=course["version_id"], number=number, idempotency_key=uuid.uuid4().hex,
             started_at=at - timedelta(minutes=8), submitted_at=at, score=score, passed=passed,
             answers=answers, results={"questions": {
                 "q-jp": {"correct": passed, "earned": 1.0 if passed else 0.0},
                 "q-hak": {"correct": True, "earned": 1.0}}, "late": False})
    _statement(rows, person, course, verb="passed" if passed else "failed", kind="assessment",
               key=course["quiz"], title=course["titles"][course["quiz"]], at=at, result={
                   "score": {"scaled": score / 100, "raw": score, "min": 0, "max": 100},
                   "success": passed, "completion": True,
                   "duration": statements.iso_duration(timedelta(minutes=8))})


def _completion(rows: Rows, person: dict, course: dict, enrollment: int,
                enrolled_at: datetime, completed_at: datetime, rng: random.Random) -> None:
    """Evidence per competency, the JP ledger entry and the xAPI statement of a completed
    course (learning.services.complete_course_if_done), some evidence reviewed."""
    review = rng.random()
    reviewer = person["supervisor_id"]
    reviewed_at = completed_at + timedelta(days=rng.randint(1, 20))
    for code, level in course["levels"]:
        validated = reviewer is not None and review < 0.35
        rejected = reviewer is not None and 0.35 <= review < 0.38
        rows.add(CompetencyEvidence, user_id=person["id"], competency_code=code,
                 course_id=course["id"], external_training_id=None,
                 version_number=course["number"], level=level, score=100.0,
                 completed_at=completed_at,
                 validated_by_id=reviewer if validated else None,
                 validated_at=reviewed_at if validated else None,
                 rejected_by_id=reviewer if rejected else None,
                 rejected_at=reviewed_at if rejected else None)
    day = local_date(completed_at)
    rows.add(JpLedgerEntry, user_id=person["id"], year=day.year, jp=course["jp"],
             course_id=course["id"], external_training_id=None, title=course["title"],
             kind=course["kind"], provider=course["provider"],
             started_on=local_date(enrolled_at), ended_on=day,
             certificate_number=f"KASN-{day.year}-{enrollment:07d}", recorded_at=completed_at)
    _statement(rows, person, course, verb="completed", kind="course", key=None,
               title=course["title"], at=completed_at, result={
                   "completion": True, "success": True,
                   "score": {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}})


def _statement(rows: Rows, person: dict, course: dict, *, verb: str, kind: str,
               key: str | None, title: str, at: datetime, result: dict) -> None:
    """An xAPI statement with its stored JSON (xapi.services.record)."""
    statement_id = str(uuid.uuid4())
    rows.add(XapiStatement, id=statement_id, user_id=person["id"], verb=verb,
             activity_type=kind, activity_id=course["slug"] + (f".{key}" if key else ""),
             activity_name=title, result=result, timestamp=at, forwarded_at=None,
             statement=statements.build(
                 statement_id=statement_id, base_url=current_app.config["BASE_URL"],
                 actor_name=person["name"], nip=person["nip"], verb=verb, user_id=person["id"],
                 course_id=course["id"], course_slug=course["slug"],
                 course_title=course["title"], kind=kind, key=key, title=title, result=result,
                 at=at))


def add_outside_training(rows: Rows, person: dict, rng: random.Random, now: datetime,
                      today: date) -> int:
    """One employee in twenty recorded a classroom training; most were validated (then it
    carries evidence and a JP ledger entry). Returns JP credited this year."""
    if rng.random() >= 0.05:
        return 0
    ended = local_date(_when(rng, rng.choice((today.year, today.year - 1)), now))
    started = ended - timedelta(days=rng.randint(0, 4))
    jp, code, level = rng.choice((8, 16, 24, 32)), rng.choice(MANAGERIAL), rng.randint(1, 3)
    recorded = datetime.combine(ended, datetime.min.time()) + timedelta(days=3)
    reviewer = person["supervisor_id"]
    validated = reviewer is not None and rng.random() < 0.8
    title = rng.choice(("Bimbingan Teknis Penyusunan SKP", "Seminar Reformasi Birokrasi",
                        "Pelatihan Pengadaan Barang/Jasa"))
    kind = rng.choice(("klasikal", "non-klasikal"))
    training = rows.add(
        ExternalTraining, user_id=person["id"], kind=kind,
        title=title, provider="LAN RI", started_on=started, ended_on=ended, jp=jp,
        certificate_number=f"SRT/{rng.randint(1, 99999):05d}/{ended.year}",
        competency_code=code, level=level, file_name=f"{uuid.uuid4().hex}.pdf",
        file_type="application/pdf", recorded_by_id=person["id"], recorded_at=recorded,
        validated_by_id=reviewer if validated else None,
        validated_at=recorded + timedelta(days=2) if validated else None,
        rejected_by_id=None, rejected_at=None)
    if not validated:
        return 0
    rows.add(CompetencyEvidence, user_id=person["id"], competency_code=code, course_id=None,
             external_training_id=training, version_number=None, level=level, score=None,
             completed_at=recorded, validated_by_id=reviewer,
             validated_at=recorded + timedelta(days=2), rejected_by_id=None, rejected_at=None)
    rows.add(JpLedgerEntry, user_id=person["id"], year=ended.year, jp=jp, course_id=None,
             external_training_id=training, title=title, kind=kind, provider="LAN RI",
             started_on=started, ended_on=ended, certificate_number=f"LUAR-{training:07d}",
             recorded_at=recorded + timedelta(days=2))
    return jp if ended.year == today.year else 0
