"""The default framework, the competency profile and yearly JP."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence, JpLedgerEntry

DEFAULT_FRAMEWORK = [
    ("M.01", "Integritas", "manajerial"),
    ("M.02", "Kerja Sama", "manajerial"),
    ("M.03", "Komunikasi", "manajerial"),
    ("M.04", "Orientasi pada Hasil", "manajerial"),
    ("M.05", "Pelayanan Publik", "manajerial"),
    ("M.06", "Pengembangan Diri dan Orang Lain", "manajerial"),
    ("M.07", "Mengelola Perubahan", "manajerial"),
    ("M.08", "Pengambilan Keputusan", "manajerial"),
    ("SK.01", "Perekat Bangsa", "sosial-kultural"),
    ("T.01", "Layanan Publik Digital", "teknis"),
]


def seed_framework(session: Session) -> int:
    """Add the default competencies that are missing; returns how many were added."""
    existing = set(session.scalars(select(Competency.code)))
    added = [Competency(code=c, name=n, group=g) for c, n, g in DEFAULT_FRAMEWORK
             if c not in existing]
    session.add_all(added)
    session.flush()
    return len(added)


@dataclass
class ProfileRow:
    """One competency of a profile: highest evidenced level and the evidence behind it."""

    competency: Competency
    level: int = 0
    validated_level: int = 0
    evidence: list[CompetencyEvidence] = field(default_factory=list)


def get_profile(session: Session, user: User) -> list[ProfileRow]:
    """Per competency of the framework: highest evidenced level and its evidence."""
    rows = {c.code: ProfileRow(c) for c in session.scalars(
        select(Competency).order_by(Competency.group, Competency.code))}
    evidence = session.scalars(
        select(CompetencyEvidence)
        .where(CompetencyEvidence.user_id == user.id)
        .order_by(CompetencyEvidence.completed_at.desc())
    )
    for item in evidence:
        row = rows[item.competency_code]
        row.evidence.append(item)
        row.level = max(row.level, item.level)
        if item.validated_at:
            row.validated_level = max(row.validated_level, item.level)
    return list(rows.values())


@dataclass(frozen=True)
class JpSummary:
    """JP attained in a year against the target."""

    year: int
    attained: int
    target: int

    @property
    def met(self) -> bool:
        """True when the target is reached."""
        return self.attained >= self.target

    @property
    def percent(self) -> int:
        """Attainment in percent, capped at 100."""
        return min(100, round(100 * self.attained / self.target)) if self.target else 100


def jp_target(user: User, config: dict) -> int:
    """The yearly JP target for the user's employee type."""
    return config["JP_TARGET_PPPK"] if user.employee_type == "PPPK" else config["JP_TARGET_PNS"]


def get_jp(session: Session, user: User, year: int, target: int) -> JpSummary:
    """JP credited to the user in a calendar year."""
    attained = session.scalar(
        select(func.coalesce(func.sum(JpLedgerEntry.jp), 0))
        .where(JpLedgerEntry.user_id == user.id, JpLedgerEntry.year == year)
    )
    return JpSummary(year, int(attained), target)


def list_ledger(session: Session, user: User, year: int) -> list[JpLedgerEntry]:
    """The user's training records for a year."""
    return list(session.scalars(
        select(JpLedgerEntry)
        .where(JpLedgerEntry.user_id == user.id, JpLedgerEntry.year == year)
        .order_by(JpLedgerEntry.ended_on)
    ))
