"""The default framework, the competency profile and yearly JP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from lms.audit.services import record_audit
from lms.auth.models import User
from lms.competency.models import (Competency, CompetencyEvidence, CompetencyLevel,
                                   JpLedgerEntry)
from lms.notifications.services import notify
from lms.org.models import PositionCompetency
from lms.timeutil import utcnow


class EvidenceAlreadyReviewed(Exception):
    """The evidence was validated or rejected already."""


class ReasonRequired(ValueError):
    """A rejection without a reason: the employee must learn why."""


MAX_REASON = 1000


def clean_reason(reason: str | None) -> str:
    """The rejection reason, trimmed; ReasonRequired when empty or too long."""
    text = (reason or "").strip()
    if not text or len(text) > MAX_REASON:
        raise ReasonRequired()
    return text

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


# What levels 1-5 mean, in the spirit of PermenPANRB 38/2017: 1 sadar (awareness),
# 2 paham/menjalankan, 3 menerapkan dan membimbing, 4 mengembangkan unit, 5 ahli dan teladan.
DEFAULT_LEVELS: dict[str, tuple[str, str, str, str, str]] = {
    "M.01": (
        "Bertindak sesuai nilai, norma, dan etika organisasi dalam kapasitas pribadi.",
        "Mengingatkan dan mengajak rekan kerja bertindak sesuai nilai, norma, dan etika.",
        "Memastikan anggota yang dipimpin bertindak sesuai nilai, norma, dan etika organisasi.",
        "Menciptakan situasi kerja yang mendorong kepatuhan pada nilai, norma, dan etika.",
        "Menjadi teladan penerapan standar keadilan dan etika di tingkat instansi dan nasional.",
    ),
    "M.02": (
        "Berpartisipasi aktif sebagai anggota kelompok kerja.",
        "Menumbuhkan tim kerja yang partisipatif dan efektif.",
        "Membangun tim kerja yang efektif untuk meningkatkan kinerja organisasi.",
        "Membangun komitmen tim dan sinergi antarunit kerja.",
        "Menciptakan kerja sama yang konsisten di dalam dan di luar instansi.",
    ),
    "M.03": (
        "Menyampaikan informasi secara jelas, lengkap, dan mudah dipahami, lisan maupun tertulis.",
        "Mendengarkan orang lain secara aktif dan menanggapi pesan dengan tepat.",
        "Berkomunikasi secara asertif untuk menyampaikan informasi yang sensitif atau rumit.",
        "Mengemukakan pemikiran multidimensi untuk mendorong kesepakatan demi kinerja organisasi.",
        "Menggagas sistem komunikasi yang terbuka dan strategis untuk mencari solusi.",
    ),
    "M.04": (
        "Bertanggung jawab memenuhi standar kerja yang ditetapkan.",
        "Berupaya mencapai hasil kerja di atas standar dan mencoba cara kerja yang lebih baik.",
        "Menetapkan target kerja yang menantang bagi unit kerja dan mendorong pencapaiannya.",
        "Mendorong unit kerja mencapai atau melampaui target yang ditetapkan.",
        "Menyusun kebijakan dengan target kinerja tinggi untuk mencapai tujuan instansi.",
    ),
    "M.05": (
        "Menjalankan pelayanan publik secara transparan, tidak berpihak, dan tanpa diskriminasi.",
        "Mengawasi dan menjelaskan proses pelaksanaan pelayanan publik secara transparan.",
        "Memperbaiki standar pelayanan publik di lingkup unit kerja.",
        "Mengantisipasi isu jangka panjang yang memengaruhi pelayanan bagi pemangku kepentingan.",
        "Memastikan kebijakan yang menjamin pelayanan publik yang objektif, netral, dan adil.",
    ),
    "M.06": (
        "Mengembangkan diri secara berkelanjutan sesuai kebutuhan jabatan.",
        "Memberi contoh dan penjelasan kepada rekan atau bawahan tentang cara bekerja.",
        "Memberikan umpan balik dan bimbingan untuk pengembangan orang lain.",
        "Menyusun program pengembangan jangka panjang bagi pegawai di unit kerja.",
        "Membangun budaya belajar berkelanjutan di tingkat instansi.",
    ),
    "M.07": (
        "Menyadari pentingnya perubahan dan menyesuaikan diri dengannya.",
        "Proaktif beradaptasi mengikuti perubahan.",
        "Membantu orang lain mengikuti perubahan dan mengantisipasinya secara tepat.",
        "Memimpin perubahan di unit kerja.",
        "Menggerakkan dan mengevaluasi perubahan yang berdampak luas bagi instansi.",
    ),
    "M.08": (
        "Mengumpulkan informasi untuk bertindak sesuai kewenangan.",
        "Menganalisis masalah secara mendalam sebelum mengambil keputusan.",
        "Membandingkan alternatif dan menimbang risiko sebelum memutuskan.",
        "Memutuskan masalah berisiko tinggi disertai langkah mitigasi risiko.",
        "Mengambil keputusan strategis untuk masalah jangka panjang yang berdampak luas.",
    ),
    "SK.01": (
        "Peka, memahami, dan menerima kemajemukan.",
        "Aktif mengembangkan sikap saling menghargai dan menekankan persamaan serta persatuan.",
        "Mempromosikan dan mengembangkan sikap toleransi dan persatuan.",
        "Mendayagunakan perbedaan secara konstruktif untuk efektivitas organisasi.",
        "Menjadi wakil pemerintah dalam membangun hubungan sosial psikologis dengan masyarakat.",
    ),
    "T.01": (
        "Memahami konsep dasar layanan publik digital dan memakai aplikasinya sesuai petunjuk.",
        "Menjalankan layanan publik digital secara mandiri sesuai prosedur dan standar pelayanan.",
        "Menerapkan layanan digital dan mengatasi masalahnya, termasuk perlindungan data pribadi.",
        "Menganalisis dan merancang perbaikan layanan publik digital yang terintegrasi antarunit.",
        "Menjadi rujukan dan menetapkan arah pengembangan layanan publik digital instansi.",
    ),
}


def seed_framework(session: Session) -> int:
    """Add the default competencies and level descriptions that are missing (an admin's own
    descriptions stay); returns how many competencies were added."""
    existing = set(session.scalars(select(Competency.code)))
    added = [Competency(code=c, name=n, group=g) for c, n, g in DEFAULT_FRAMEWORK
             if c not in existing]
    session.add_all(added)
    session.flush()
    described = {(code, level) for code, level in session.execute(
        select(CompetencyLevel.competency_code, CompetencyLevel.level))}
    session.add_all(
        CompetencyLevel(competency_code=code, level=level, description=text)
        for code, texts in DEFAULT_LEVELS.items()
        for level, text in enumerate(texts, 1) if (code, level) not in described)
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
    evidence, from a course or an outside training (a fixed number of queries whatever the
    amount of evidence)."""
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
                 selectinload(CompetencyEvidence.external_training),
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
                    *, accept: bool, reason: str | None = None,
                    remote: str | None = None) -> None:
    """Validate (``accept``) or reject (with a ``reason``, else ReasonRequired) evidence once,
    telling the employee and keeping it in the audit trail; a second review raises
    EvidenceAlreadyReviewed. Scope is the caller's to check (policy.can_manage_employee)."""
    if evidence.status != "pending":
        raise EvidenceAlreadyReviewed()
    now = utcnow()
    if accept:
        evidence.validated_by, evidence.validated_at = reviewer, now
    else:
        evidence.rejection_reason = clean_reason(reason)
        evidence.rejected_by, evidence.rejected_at = reviewer, now
    session.flush()
    title = f"{evidence.competency.code} {evidence.competency.name}, level {evidence.level}"
    tell_reviewed(session, "evidence", evidence.id, evidence.user_id, title, reviewer,
                  evidence.rejection_reason, now, remote)


def validate_course_evidence(session: Session, user_id: int, course_id: int, reviewer: User,
                             at: datetime, *, declared: list[tuple[str, int]] | None = None,
                             version_number: int | None = None,
                             completed_at: datetime | None = None) -> list[tuple[str, int]]:
    """Validate, as ``reviewer``, every piece of evidence the completion of a course gave the
    user that is not validated yet (a rejection is overruled), by one conditional UPDATE (a
    validation at the same moment is never undone); a competency of ``declared`` (the
    course version's pairs) the user has no evidence of for the course — completed before
    the course declared it — is recorded, validated. Returns the (competency, level) pairs
    that became validated."""
    rows = session.execute(
        update(CompetencyEvidence)
        .where(CompetencyEvidence.user_id == user_id, CompetencyEvidence.course_id == course_id,
               CompetencyEvidence.validated_at.is_(None))
        .values(validated_by_id=reviewer.id, validated_at=at, rejected_by_id=None,
                rejected_at=None, rejection_reason=None)
        .returning(CompetencyEvidence.competency_code, CompetencyEvidence.level)
        .execution_options(synchronize_session=False)).all()
    validated = [(code, level) for code, level in rows]
    if declared:
        held = set(session.scalars(select(CompetencyEvidence.competency_code).where(
            CompetencyEvidence.user_id == user_id, CompetencyEvidence.course_id == course_id)))
        for code, level in declared:
            if code not in held:
                session.add(CompetencyEvidence(
                    user_id=user_id, competency_code=code, course_id=course_id,
                    version_number=version_number, level=level,
                    completed_at=completed_at or at, validated_by_id=reviewer.id,
                    validated_at=at))
                validated.append((code, level))
        session.flush()
    return sorted(validated)


def tell_reviewed(session: Session, item: str, item_id: int, owner_id: int, title: str,
                  reviewer: User, reason: str | None, at, remote: str | None) -> None:
    """Notify the owner of a validated or rejected item (with the reason) and record the
    decision in the audit trail."""
    owner = session.get(User, owner_id)
    decision = "rejected" if reason else "validated"
    params = {"item": item, "title": title, "by": reviewer.name}
    if reason:
        params["reason"] = reason
    if owner is not None:
        notify(session, owner, decision, f"{item}:{item_id}:{decision}:{at.isoformat()}", params)
    record_audit(session, f"{item}.{decision}", actor=reviewer, target_type=item,
                 target_id=item_id, remote=remote,
                 details={"employee": owner.nip if owner else None, "title": title,
                          **({"reason": reason} if reason else {})})


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


def list_jp_history(session: Session, user: User, this_year: int, target: int,
                    recent: int = 3) -> list[JpSummary]:
    """JP per calendar year, latest first: the last ``recent`` years and every earlier year
    with ledger rows, against today's target (one query)."""
    attained = dict(session.execute(
        select(JpLedgerEntry.year, func.sum(JpLedgerEntry.jp))
        .where(JpLedgerEntry.user_id == user.id, JpLedgerEntry.year <= this_year)
        .group_by(JpLedgerEntry.year)
    ).all())
    years = set(attained) | set(range(this_year - recent + 1, this_year + 1))
    return [JpSummary(year, int(attained.get(year) or 0), target)
            for year in sorted(years, reverse=True)]
