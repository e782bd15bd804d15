"""Demo planning for ``lms seed-demo``, made through the services: Andi's proposed training
need with Rina's support, and Andi's development plan of this year, drafted by Budi from
Andi's gaps and approved. Each runs once: nothing is added when it exists already."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.courses.models import Course
from lms.planning.aspirations import AspirationInput, propose, support
from lms.planning.models import Aspiration, DevelopmentPlan
from lms.planning.plans import add_items, create_plan, decide_plan
from lms.planning.suggestions import suggest_items
from lms.timeutil import local_date, utcnow

RINA, ANDI, SITI = "198509252010012004", "199103052015031005", "199207142019032006"
BUDI = "198204102008011003"
# What Budi picks from the suggestions for Andi: (kind, course slug or None, competency).
PLAN_PICKS = (("course", "komunikasi-publik", "M.03"),
              ("course", "layanan-publik-digital", "T.01"), ("mentoring", None, "M.05"))


def _users(session: Session, *nips: str) -> dict[str, User]:
    return {u.nip: u for u in session.scalars(select(User).where(User.nip.in_(nips)))}


def seed_aspirations(session: Session) -> bool:
    """Andi's proposal, supported by Rina; False when it exists already or people are missing."""
    users = _users(session, RINA, ANDI, SITI)
    if len(users) < 3 or session.scalar(select(Aspiration.id).where(
            Aspiration.user_id == users[ANDI].id).limit(1)) is not None:
        return False
    need = propose(session, users[ANDI], AspirationInput(
        topic="Pengelolaan data kependudukan dengan spreadsheet",
        competency_code="T.01",
        reason="Rekap KTP-el dan KK per kelurahan masih disalin tangan setiap bulan; "
               "pelatihan rumus dan tabel pivot akan menghemat beberapa hari kerja.",
        colleagues=3))
    support(session, need, users[RINA])
    propose(session, users[SITI], AspirationInput(
        topic="Penulisan naskah dinas yang ringkas", competency_code="M.03",
        reason="Banyak surat balasan kepada warga terlalu panjang dan sulit dipahami.",
        colleagues=2))
    session.flush()
    return True


def seed_plan(session: Session) -> bool:
    """Andi's approved plan of this year; False when it exists or people or courses are
    missing."""
    users = _users(session, ANDI, BUDI)
    today = local_date(utcnow())
    if len(users) < 2 or session.scalar(select(DevelopmentPlan.id).where(
            DevelopmentPlan.user_id == users[ANDI].id,
            DevelopmentPlan.year == today.year)) is not None:
        return False
    slugs = dict(session.execute(select(Course.slug, Course.id).where(
        Course.slug.in_([slug for _k, slug, _c in PLAN_PICKS if slug]))).all())
    plan = create_plan(session, users[ANDI], users[BUDI], today.year)
    wanted = {(kind, slugs.get(slug) if slug else None, code) for kind, slug, code in PLAN_PICKS}
    picked = [s for s in suggest_items(session, users[ANDI], plan)
              if (s.kind, s.course_id, s.competency_code) in wanted]
    if not picked:
        session.delete(plan)
        session.flush()
        return False
    # Targets spread over what is left of the year.
    end = date(today.year, 12, 31)
    targets = [min(end, today + timedelta(days=30 * (n + 1))) for n in range(len(picked))]
    add_items(session, plan, [s.to_input(day) for s, day in zip(picked, targets)])
    decide_plan(session, plan, users[BUDI], approve=True)
    return True


def seed_planning(session: Session) -> None:
    """Every demo planning record that is still missing."""
    seed_aspirations(session)
    seed_plan(session)
