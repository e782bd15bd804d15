"""Demo planning for ``lms seed-demo``: Andi's proposed training need with Rina's support,
made through the services. Runs once: nothing is added when Andi has proposed anything."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.planning.aspirations import AspirationInput, propose, support
from lms.planning.models import Aspiration

RINA, ANDI, SITI = "198509252010012004", "199103052015031005", "199207142019032006"


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


def seed_planning(session: Session) -> None:
    """Every demo planning record that is still missing."""
    seed_aspirations(session)
