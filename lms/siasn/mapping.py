"""Which SIASN ``jenisDiklatId`` each JP ledger source is recorded as: course completions and
each kind of validated outside training. The defaults follow the codes BKN documents for the
forms of competency development; a kind with no documented code starts unmapped, and its
records wait (reported, never guessed) until an admin sets its code on /admin/siasn."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit.services import record_audit
from lms.competency.external import KINDS
from lms.competency.framework import N_, Problem
from lms.siasn.models import SiasnKindCode

COURSE = "course"  # a course completed on Kelas ASN
SOURCES = (COURSE, *KINDS)
MAX_CODE = 999

# The jenisDiklatId codes named in BKN's SIASN reference that Kelas ASN knows by name.
KNOWN_CODES = {4: "Workshop", 8: "Bimbingan Teknis", 9: "Seminar", 14: "Coaching",
               15: "Mentoring", 16: "E-Learning", 17: "Pelatihan Jarak Jauh",
               22: "Belajar Mandiri", 23: "Komunitas Belajar"}

DEFAULTS: dict[str, int | None] = {source: None for source in SOURCES} | {
    COURSE: 16,
    "workshop/lokakarya": 4,
    "bimbingan teknis": 8,
    "seminar/konferensi": 9,
    "coaching": 14,
    "mentoring": 15,
    "e-learning": 16,
    "pelatihan jarak jauh": 17,
    "belajar mandiri": 22,
    "komunitas belajar": 23,
}

SOURCE_LABELS = {COURSE: _l("Kursus selesai di Kelas ASN")}


class MappingInvalid(ValueError):
    """A code is not a whole number 1-999; ``problems`` name the sources."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def code_name(code: int | None) -> str:
    """The SIASN name of a code (``kode N`` for one Kelas ASN does not know by name)."""
    if code is None:
        return ""
    return KNOWN_CODES.get(code, f"kode {code}")


def get_mapping(session: Session) -> dict[str, int | None]:
    """Source → jenisDiklatId (None: not mapped), the admin's choices over the defaults."""
    mapping = dict(DEFAULTS)
    for row in session.scalars(select(SiasnKindCode)):
        if row.source in mapping:
            mapping[row.source] = row.jenis_diklat_id
    return mapping


def source_of(kind: str, external_training_id: int | None) -> str:
    """The mapping source of a ledger entry: "course" for a course completion, else its kind
    (an outside training's, or a validated mentoring or coaching programme's)."""
    from lms.mentoring.models import PROGRAMME_KINDS

    return kind if external_training_id is not None or kind in PROGRAMME_KINDS else COURSE


def parse_code(raw: str | None) -> int | None:
    """A code typed by an admin: blank is None (unmapped); ValueError when not 1-999."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_CODE:
        raise ValueError(text)
    return int(text)


def set_mapping(session: Session, wanted: Mapping[str, str | None], actor, *,
                remote: str | None = None) -> list[str]:
    """Store the admin's codes (raw text per source; blank = unmapped); returns the sources
    changed, audited as one event. Every bad code raises MappingInvalid, storing nothing."""
    current = get_mapping(session)
    problems, parsed = [], {}
    for source in SOURCES:
        if source not in wanted:
            continue
        try:
            parsed[source] = parse_code(wanted[source])
        except ValueError:
            problems.append(Problem(N_("Kode jenis diklat harus bilangan bulat 1 sampai "
                                       "%(n)s."), {"n": MAX_CODE}, field=source))
    if problems:
        raise MappingInvalid(problems)
    changed = {s: (current[s], code) for s, code in parsed.items() if current[s] != code}
    for source, (_old, code) in changed.items():
        row = session.get(SiasnKindCode, source)
        if row is None:
            row = SiasnKindCode(source=source)
            session.add(row)
        row.jenis_diklat_id = code
        row.updated_by_id = getattr(actor, "id", None)
    if changed:
        session.flush()
        record_audit(session, "siasn.mapping_changed", actor=actor, target_type="siasn",
                     target_id="jenisDiklatId", remote=remote,
                     details={s: f"{old} -> {new}" for s, (old, new) in sorted(changed.items())})
    return sorted(changed)
