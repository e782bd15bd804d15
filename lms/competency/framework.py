"""Editing the competency framework and its CSV file: validate everything, change all or
nothing. No Flask here: messages are Indonesian msgids marked with ``N_`` that the web
translates and the command line prints as they are."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lms.competency.models import (GROUPS, Competency, CompetencyEvidence, CompetencyLevel,
                                   ExternalTraining)
from lms.courses.models import CourseCompetency
from lms.org.models import PositionCompetency
from lms.reports.exports import iter_csv

LEVELS = (1, 2, 3, 4, 5)
COLUMNS = ["code", "name", "group", "description"] + [f"level_{n}" for n in LEVELS]
REQUIRED = ["code", "name", "group"]
# M.01, SK.01, T.02, TK.104: one to four capitals, a dot, two or three digits.
CODE_PATTERN = re.compile(r"[A-Z]{1,4}\.\d{2,3}")
NAME_MAX = 200


def N_(message: str) -> str:  # noqa: N802  (the marker pybabel extracts by default)
    """Mark a message for translation without translating it here."""
    return message


@dataclass(frozen=True)
class Problem:
    """One reason something was refused: the form field or CSV line it belongs to, an
    Indonesian msgid and its parameters."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    field: str = ""
    line: int = 0

    def __str__(self) -> str:
        text = self.message % dict(self.params) if self.params else self.message
        return f"baris {self.line}: {text}" if self.line else text


class FrameworkError(ValueError):
    """The change or the file is refused; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class CompetencyData:
    """What an admin or a CSV row says about one competency."""

    code: str
    name: str
    group: str
    description: str = ""
    levels: Mapping[int, str] = field(default_factory=dict)  # missing key: leave unchanged


def check_competency(data: CompetencyData) -> list[Problem]:
    """Problems with the values themselves (format, required, lengths), keyed by field."""
    problems = []
    if not data.code:
        problems.append(Problem(N_("kode wajib diisi"), field="code"))
    elif not CODE_PATTERN.fullmatch(data.code):
        problems.append(Problem(
            N_("kode %(code)s tidak sesuai format (contoh: M.01, SK.01, T.02)"),
            {"code": data.code}, field="code"))
    if not data.name:
        problems.append(Problem(N_("nama wajib diisi"), field="name"))
    elif len(data.name) > NAME_MAX:
        problems.append(Problem(N_("nama paling panjang %(n)s karakter"), {"n": NAME_MAX},
                                field="name"))
    if data.group not in GROUPS:
        problems.append(Problem(N_("kelompok harus salah satu dari: %(groups)s"),
                                {"groups": ", ".join(GROUPS)}, field="group"))
    return problems


def get_competency(session: Session, code: str) -> Competency | None:
    """The competency with this code, or None."""
    return session.get(Competency, code)


def list_framework(session: Session) -> list[Competency]:
    """Every competency with its level descriptions, by group (framework order) then code."""
    order = {g: i for i, g in enumerate(GROUPS)}
    rows = session.scalars(select(Competency).options(selectinload(Competency.levels))
                           .order_by(Competency.code))
    return sorted(rows, key=lambda c: (order.get(c.group, len(GROUPS)), c.code))


@dataclass(frozen=True)
class CompetencyLabel:
    """What learners read next to a competency code: its name and its levels' meanings."""

    name: str
    levels: dict[int, str]


def get_competency_labels(session: Session, codes: set[str]) -> dict[str, CompetencyLabel]:
    """Names and level descriptions of the given competencies, in one query."""
    if not codes:
        return {}
    rows = session.execute(
        select(Competency.code, Competency.name, CompetencyLevel.level,
               CompetencyLevel.description)
        .outerjoin(CompetencyLevel, CompetencyLevel.competency_code == Competency.code)
        .where(Competency.code.in_(codes)))
    labels: dict[str, CompetencyLabel] = {}
    for code, name, level, description in rows:
        label = labels.setdefault(code, CompetencyLabel(name, {}))
        if level is not None:
            label.levels[level] = description
    return labels


def _apply(session: Session, competency: Competency, data: CompetencyData) -> None:
    competency.name, competency.group = data.name, data.group
    competency.description = data.description
    current = {lv.level: lv for lv in competency.levels}
    for level, text in data.levels.items():
        if text and level in current:
            current[level].description = text
        elif text:
            competency.levels.append(CompetencyLevel(level=level, description=text))
        elif level in current:
            competency.levels.remove(current[level])


def add_competency(session: Session, data: CompetencyData) -> Competency:
    """Add a competency; the code must follow the format and be new."""
    problems = check_competency(data)
    if data.code and get_competency(session, data.code) is not None:
        problems.append(Problem(N_("kode %(code)s sudah dipakai"), {"code": data.code},
                                field="code"))
    if problems:
        raise FrameworkError(problems)
    competency = Competency(code=data.code, name=data.name, group=data.group, description="")
    session.add(competency)
    _apply(session, competency, data)
    session.flush()
    return competency


def update_competency(session: Session, competency: Competency, data: CompetencyData) -> None:
    """Change name, group, description and level descriptions (the code stays)."""
    problems = [p for p in check_competency(data) if p.field != "code"]
    if problems:
        raise FrameworkError(problems)
    _apply(session, competency, data)
    session.flush()


def count_references(session: Session, code: str) -> dict[str, int]:
    """How many courses, positions, evidence and outside trainings use the competency
    (one query)."""
    def _count(model: Any, column: Any) -> Any:
        return select(func.count()).select_from(model).where(column == code).scalar_subquery()

    row = session.execute(select(
        _count(CourseCompetency, CourseCompetency.competency_code),
        _count(PositionCompetency, PositionCompetency.competency_code),
        _count(CompetencyEvidence, CompetencyEvidence.competency_code),
        _count(ExternalTraining, ExternalTraining.competency_code),
    )).one()
    return dict(zip(("courses", "positions", "evidence", "external"), row, strict=True))


def delete_competency(session: Session, competency: Competency) -> None:
    """Delete a competency nothing refers to; otherwise raise FrameworkError saying what."""
    refs = count_references(session, competency.code)
    if any(refs.values()):
        raise FrameworkError([Problem(
            N_("%(code)s masih dipakai: %(courses)s versi kursus, %(positions)s jabatan, "
               "%(evidence)s bukti kompetensi, %(external)s pelatihan luar"),
            {"code": competency.code, **refs})])
    session.delete(competency)
    session.flush()


def export_framework_csv(session: Session, stream: TextIO) -> int:
    """Write the framework as CSV (header row, one competency a row, formula-safe cells);
    returns the number of competencies."""
    rows = list_framework(session)
    for chunk in iter_csv(COLUMNS, ([c.code, c.name, c.group, c.description or ""]
                                    + [c.level_descriptions.get(n, "") for n in LEVELS]
                                    for c in rows), machine=True):
        stream.write(chunk)
    return len(rows)


@dataclass(frozen=True)
class ImportSummary:
    """What an import added and updated."""

    added: int
    updated: int

    def __str__(self) -> str:
        return f"{self.added} competency(ies) added, {self.updated} updated"


def import_framework_csv(session: Session, stream: TextIO) -> ImportSummary:
    """Add or update competencies (by code) from CSV; every bad line is reported with its
    number and nothing changes if any is bad. Competencies absent from the file stay; an
    empty level cell removes that level's description, a missing column keeps them."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    problems: list[Problem] = []
    if missing:
        problems.append(Problem(N_("kolom wajib tidak ada: %(cols)s"),
                                {"cols": ", ".join(missing)}, line=1))
    if unknown:
        problems.append(Problem(N_("kolom tidak dikenal: %(cols)s"),
                                {"cols": ", ".join(unknown)}, line=1))
    if problems:
        raise FrameworkError(problems)
    rows: list[CompetencyData] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:  # more cells than the header has columns
            problems.append(Problem(N_("jumlah kolom melebihi judul"), line=line))
            continue
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(cells.values()):
            continue
        data = CompetencyData(
            code=cells["code"], name=cells["name"], group=cells["group"],
            description=cells.get("description", ""),
            levels={n: cells[f"level_{n}"] for n in LEVELS if f"level_{n}" in cells})
        problems.extend(Problem(p.message, p.params, p.field, line)
                        for p in check_competency(data))
        if data.code in seen:
            problems.append(Problem(N_("kode %(code)s sudah ada di baris %(first)s"),
                                    {"code": data.code, "first": seen[data.code]}, line=line))
        seen.setdefault(data.code, line)
        rows.append(data)
    if problems:
        raise FrameworkError(problems)
    existing = {c.code: c for c in session.scalars(
        select(Competency).options(selectinload(Competency.levels)))}
    added = 0
    for data in rows:
        competency = existing.get(data.code)
        if competency is None:
            competency = Competency(code=data.code, name=data.name, group=data.group,
                                    description="")
            session.add(competency)
            added += 1
        if "description" not in header:
            data = CompetencyData(data.code, data.name, data.group, competency.description,
                                  data.levels)
        _apply(session, competency, data)
    session.flush()
    return ImportSummary(added=added, updated=len(rows) - added)
