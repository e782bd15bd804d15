"""The default framework, the competency profile and yearly JP."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lms.auth.models import User
from lms.competency.models import Competency, CompetencyEvidence, JpLedgerEntry
from lms.org.models import PositionCompetency
from lms.timeutil import utcnow


class EvidenceAlreadyReviewed(Exception):
    """The evidence was validated or rejected already."""

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
    """One competency of a profile: the level the position requires, the highest evidenced
    and validated levels (rejected evidence counts for neither) and the evidence behind them."""

    competency: Competency
    level: int = 0
    validated_level: int = 0
    required_level: int | None = None
    evidence: list[CompetencyEvidence] = field(default_factory=list)

    @property
    def gap(self) -> int:
        """Levels missing to the required level (0 when met or nothing is required)."""
        return max(0, (self.required_level or 0) - self.level)


def get_profile(session: Session, user: User) -> list[ProfileRow]:
    """Per competency of the framework: required, evidenced and validated levels and the
    evidence (three queries whatever the amount of evidence)."""
    rows = {c.code: ProfileRow(c) for c in session.scalars(
        select(Competency).order_by(Competency.group, Competency.code))}
    if user.position_id is not None:
        for code, level in session.execute(
            select(PositionCompetency.competency_code, PositionCompetency.level)
            .where(PositionCompetency.position_id == user.position_id)
        ):
            rows[code].required_level = level
    evidence = session.scalars(
        select(CompetencyEvidence)
        .where(CompetencyEvidence.user_id == user.id)
        .options(selectinload(CompetencyEvidence.course),
                 selectinload(CompetencyEvidence.validated_by),
                 selectinload(CompetencyEvidence.rejected_by))
        .order_by(CompetencyEvidence.completed_at.desc(), CompetencyEvidence.id)
    )
    for item in evidence:
        row = rows[item.competency_code]
        row.evidence.append(item)
        if item.rejected_at:
            continue
        row.level = max(row.level, item.level)
        if item.validated_at:
            row.validated_level = max(row.validated_level, item.level)
    return list(rows.values())


def get_evidence(session: Session, evidence_id: int) -> CompetencyEvidence | None:
    """One piece of evidence, or None."""
    return session.get(CompetencyEvidence, evidence_id)


def review_evidence(session: Session, evidence: CompetencyEvidence, reviewer: User,
                    *, accept: bool) -> None:
    """Validate (``accept``) or reject evidence once; a second review raises
    EvidenceAlreadyReviewed. Scope is the caller's to check (policy.can_manage_employee)."""
    if evidence.status != "pending":
        raise EvidenceAlreadyReviewed()
    if accept:
        evidence.validated_by, evidence.validated_at = reviewer, utcnow()
    else:
        evidence.rejected_by, evidence.rejected_at = reviewer, utcnow()
    session.flush()


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
