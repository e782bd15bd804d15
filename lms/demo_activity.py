"""Demo learning history for ``lms seed-demo``: a few completed and half-done courses and an
overdue mandatory course, made through the real services so every report has something true
to show. Runs once: nothing is added when any demo learner has already enrolled."""

from __future__ import annotations

import io
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.authoring.services import add_owner
from lms.competency.external import (ExternalTrainingInput, record_external_training,
                                     review_external_training)
from lms.competency.uploads import CertificateStore
from lms.content import Quiz
from lms.courses.importer import quiz_from_item
from lms.courses.models import CourseVersion
from lms.courses.services import get_current_version, ordered_items
from lms.learning.models import Enrollment
from lms.learning.services import complete_course_if_done, complete_lesson, enrol
from lms.evaluation.transfer import completion_opening_on
from lms.planning.services import AssignmentTarget, assign_course
from lms.org.services import get_unit
from lms.quizzes.services import submit_attempt
from lms.timeutil import clock_at, local_date, utcnow

RINA, ANDI = "198509252010012004", "199103052015031005"
# nip → (courses completed, course left halfway)
HISTORY = {
    RINA: (("layanan-publik-digital", "komunikasi-publik"), "manajemen-waktu"),
    "199207142019032006": (("manajemen-waktu",), "layanan-publik-digital"),
    "199512012023211007": ((), "layanan-publik-digital"),
}
# Rina took this course long enough ago that its transfer evaluation (course.md
# ``evaluation_after_days``) opens today, for her and for Budi, her manager.
TRANSFER_DUE = (RINA, "komunikasi-publik")
MANAGER = "198204102008011003"
TRAINER = "197806202003122002"
# Dukcapil made the digital-service course mandatory for the whole office, due last month.
MANDATORY = ("layanan-publik-digital", "DUKCAPIL", -30)
STARTER_SLUGS = ("komunikasi-publik", "layanan-publik-digital", "manajemen-waktu")


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


def certificate_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII), as a scanned certificate would be."""
    stream = f"BT /F1 18 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def seed_owners(session: Session) -> None:
    """Make the demo trainer an owner of every starter course that is imported."""
    trainer = session.scalar(select(User).where(User.nip == TRAINER))
    for slug in STARTER_SLUGS:
        version = get_current_version(session, slug)
        if trainer and version:
            add_owner(session, version.course, trainer)


def _outside_training(session: Session, users: dict[str, User], store: CertificateStore,
                      today: date) -> None:
    """Rina's validated classroom training (it brings her to the JP target) and Andi's
    seminar awaiting his manager's validation."""
    # Earlier this year (on 1 January itself: that day), never in the future.
    bimtek_end = max(date(today.year, 1, 1), today - timedelta(days=20))
    seminar_day = max(date(today.year, 1, 1), today - timedelta(days=10))
    bimtek = ExternalTrainingInput(
        kind="bimbingan teknis", title="Bimtek Pelayanan Administrasi Kependudukan",
        provider="Ditjen Dukcapil Kemendagri", started_on=bimtek_end - timedelta(days=2),
        ended_on=bimtek_end, jp=12,
        certificate_number=f"DUKCAPIL/BIMTEK/{today.year}/0117",
        competency_code="M.05", level=2)
    seminar = ExternalTrainingInput(
        kind="seminar/konferensi", title="Seminar Keamanan Data Pribadi dalam Layanan Publik",
        provider="Diskominfo Provinsi", started_on=seminar_day,
        ended_on=seminar_day, jp=3,
        certificate_number=f"DISKOMINFO/SEM/{today.year}/0452")
    rina, andi = users[RINA], users[ANDI]
    for person, data in ((rina, bimtek), (andi, seminar)):
        pdf = io.BytesIO(certificate_pdf(f"Sertifikat: {person.nip}"))
        training = record_external_training(session, person, person, data, pdf, store=store,
                                            today=today)
        if person is rina:
            review_external_training(session, training, users[MANAGER], accept=True)


def seed_activity(session: Session, store: CertificateStore) -> bool:
    """Add the demo history once; False when it exists already or courses are missing."""
    people = {*HISTORY, MANAGER, ANDI}
    users = {u.nip: u for u in session.scalars(select(User).where(User.nip.in_(people)))}
    if len(users) < len(people) or session.scalar(
            select(Enrollment.id).where(Enrollment.user_id.in_(
                [users[nip].id for nip in HISTORY])).limit(1)) is not None:
        return False
    slugs = {slug for done, half in HISTORY.values() for slug in (*done, half)}
    versions = {slug: get_current_version(session, slug) for slug in slugs}
    if None in versions.values():
        return False
    today = local_date(utcnow())
    for nip, (done, half) in HISTORY.items():
        for slug in done:
            if (nip, slug) == TRANSFER_DUE and versions[slug].evaluation_after_days:
                back_then = completion_opening_on(today, versions[slug].evaluation_after_days)
                with clock_at(back_then.replace(tzinfo=UTC)):
                    _take(session, users[nip], versions[slug], halfway=False)
            else:
                _take(session, users[nip], versions[slug], halfway=False)
        _take(session, users[nip], versions[half], halfway=True)
    slug, unit_code, days = MANDATORY
    assign_course(session, versions[slug].course,
                  AssignmentTarget(unit=get_unit(session, unit_code), with_subunits=True),
                  today + timedelta(days=days), users[MANAGER], None,
                  allow_past=True)  # the demo shows overdue training
    _outside_training(session, users, store, today)
    session.flush()
    return True
