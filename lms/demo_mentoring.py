"""Demo mentoring for ``lms seed-demo``, made through the services: Siti (Kepala Bidang in
Dukcapil) mentors Andi in M.05, a programme Budi set up a month ago that runs two more months;
two sessions are logged and Andi has confirmed the first. Runs once: nothing is added when
Siti mentors a programme already."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.mentoring.models import MentoringProgramme
from lms.mentoring.services import (ProgrammeInput, SessionInput, confirm_session,
                                    create_programme, log_session, today)

ANDI, SITI, BUDI = "199103052015031005", "199207142019032006", "198204102008011003"


def seed_mentoring(session: Session) -> bool:
    """The running pair; False when it exists already or people are missing."""
    users = {u.nip: u for u in session.scalars(select(User).where(
        User.nip.in_((ANDI, SITI, BUDI))))}
    if len(users) < 3 or session.scalar(select(MentoringProgramme.id).where(
            MentoringProgramme.mentor_id == users[SITI].id).limit(1)) is not None:
        return False
    on = today()
    programme = create_programme(session, ProgrammeInput(
        kind="mentoring", mentor_nip=SITI, mentee_nips=(ANDI,), competency_code="M.05",
        goals="Andi melayani warga di loket secara mandiri, termasuk kasus sulit (dokumen "
              "tidak lengkap, warga marah), dan mencatatnya dengan rapi.",
        starts_on=on - timedelta(days=30), ends_on=on + timedelta(days=60)),
        users[BUDI], None)
    mentee = programme.mentees[0]
    first = log_session(session, mentee, users[SITI], SessionInput(
        held_on=on - timedelta(days=21), minutes=90, topic="Menangani warga yang marah di loket",
        notes="Andi sudah sopan, tetapi cepat menyerah bila warga menaikkan suara.",
        next_steps="Andi memakai daftar periksa kasus sulit selama dua minggu."))
    log_session(session, mentee, users[SITI], SessionInput(
        held_on=on - timedelta(days=7), minutes=60, topic="Dokumen kependudukan tidak lengkap",
        notes="Daftar periksa dipakai 12 kali; dua kasus diteruskan ke atasan.",
        next_steps="Menyusun pesan WhatsApp baku untuk dokumen yang kurang."))
    confirm_session(session, first, users[ANDI])
    session.flush()
    return True
