"""CSV import of employees and their units: validate every row, then change all or nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.email import EmailInvalid, normalise_email
from lms.auth.models import EMPLOYEE_TYPES, User
from lms.auth.nip import NipInvalid, normalise_nip
from lms.auth.roles import ROLES, RoleError, check_roles, split_roles
from lms.auth.services import set_roles
from lms.csvfile import N_, CsvFileError, csv_reader, decode_csv, looks_rounded
from lms.org.models import Position, Unit

COLUMNS = ["nip", "name", "employee_type", "unit_code", "unit_name", "parent_unit_code", "role",
           "roles", "position_code", "golongan", "supervisor_nip", "email",
           "siasn_person_id"]
# SIASN's name of the person id column is accepted too.
ALIASES = {"pnsOrangId": "siasn_person_id"}
REQUIRED = ["nip", "name", "unit_code"]
# Not an Argon2 hash, so no password matches until an admin sets one.
UNUSABLE_PASSWORD = "!unset"
# PNS: I/a to IV/e; PPPK: I to XVII.
_PNS_GOLONGAN = re.compile(r"(?:I|II|III)/[a-d]|IV/[a-e]")
_PPPK_GOLONGAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
                  "XIII", "XIV", "XV", "XVI", "XVII"}


_PERSON_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


def valid_person_id(value: str) -> bool:
    """True for a plausible SIASN person id (pnsOrangId: 32 hex digits or a UUID)."""
    return bool(_PERSON_ID.fullmatch(value))


def valid_golongan(golongan: str, employee_type: str) -> bool:
    """True when the golongan exists for the employee type (III/a for PNS, IX for PPPK)."""
    if employee_type == "PPPK":
        return golongan in _PPPK_GOLONGAN
    return bool(_PNS_GOLONGAN.fullmatch(golongan))


@dataclass(frozen=True)
class ImportProblem:
    """One problem of an employee file: an Indonesian msgid with ``%(name)s`` placeholders
    filled from ``params``, at a line of the file (None: the file as a whole)."""

    line: int | None
    message: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """``baris 3: …`` in the language of ``gettext``."""
        text = gettext(self.message)
        text = text % dict(self.params) if self.params else text
        if self.line is None:
            return text
        return gettext("baris %(line)s: %(message)s") % {"line": self.line, "message": text}

    def __str__(self) -> str:
        return self.translated(lambda message: message)


@dataclass(frozen=True)
class ImportSummary:
    """What an import creates and updates; ``str()`` is the English line the audit trail
    keeps, ``translated`` the line in the interface language."""

    created: int
    updated: int
    units: int

    def translated(self, gettext: Callable[[str], str]) -> str:
        return gettext("%(created)s pegawai dibuat, %(updated)s diperbarui, %(units)s unit "
                       "dibuat") % {"created": self.created, "updated": self.updated,
                                     "units": self.units}

    def __str__(self) -> str:
        return (f"{self.created} employee(s) created, {self.updated} updated, "
                f"{self.units} unit(s) created")


class EmployeeImportError(ValueError):
    """One or more rows are bad; ``problems`` has one entry per problem."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def lines(self, gettext: Callable[[str], str]) -> list[str]:
        """Each problem in the language of ``gettext``."""
        return [p.translated(gettext) for p in self.problems]


# A row's problem before it has its line: (msgid, params).
_Error = tuple[str, dict[str, object]]


def _row_roles(data: dict[str, str], errors: list[_Error]) -> frozenset[str] | None:
    """The roles a row gives (``roles``: ``trainer;manager``; the older ``role`` column is
    read the same way), or None when both are empty: a new employee is then a learner and a
    known one keeps their roles."""
    given = [split_roles(data[c]) for c in ("roles", "role") if data[c]]
    if not given:
        return None
    try:
        held = [check_roles(roles) for roles in given]
    except RoleError:
        unknown = sorted({r for roles in given for r in roles}.difference(ROLES))
        errors.append((N_("peran tidak dikenal: %(unknown)s; peran yang ada: %(roles)s"),
                       {"unknown": ", ".join(unknown), "roles": ", ".join(ROLES)}))
        return None
    if len(held) == 2 and held[0] != held[1]:
        errors.append((N_("kolom role dan roles berbeda: isi salah satunya"), {}))
    return held[0]


def _rounded_nip(raw: str, column: str = "NIP") -> _Error | None:
    """Why a NIP cell is a number a spreadsheet rounded (None when it is not): Excel and Calc
    keep 15 significant digits, so an 18-digit NIP comes back as ``1.98509E+17`` or with its
    last three digits ``000`` (no NIP has the sequence number 000)."""
    digits = re.sub(r"[\s.]", "", raw)
    if looks_rounded(raw) or (len(digits) == 18 and digits.isdigit() and digits.endswith("000")):
        return (N_("%(column)s %(nip)s dibulatkan oleh spreadsheet (yang hanya menyimpan 15 "
                   "digit): format kolom NIP sebagai Teks lalu ekspor ulang berkasnya"),
                {"column": column, "nip": raw.strip()})
    return None


def import_employees_file(session: Session, data: bytes, *, via: str = "cli") -> ImportSummary:
    """``import_employees_csv`` of a file's bytes as a spreadsheet saved them (UTF-8 with or
    without BOM, UTF-16 or Windows-1252; comma, semicolon or tab); an unreadable file is one
    clear problem line."""
    try:
        text = decode_csv(data)
    except CsvFileError as exc:
        raise EmployeeImportError([ImportProblem(None, exc.message, exc.params)]) from None
    return import_employees_csv(session, io.StringIO(text, newline=""), via=via)


def import_employees_csv(session: Session, stream: TextIO, *,
                         via: str = "cli") -> ImportSummary:
    """Create or update employees (by NIP) and units (by code); flushes, does not commit.
    Each change of an employee's roles is put in the audit trail (old → new set). The
    separator (comma, semicolon or tab) is read from the header line."""
    reader = csv_reader(stream.read(), [*COLUMNS, *ALIASES])
    try:
        return _import(session, reader, via)
    except csv.Error as exc:  # e.g. a quote never closed
        raise EmployeeImportError([ImportProblem(
            reader.line_num, N_("berkas bukan CSV yang sah (%(reason)s)"),
            {"reason": str(exc)})]) from None


def _import(session: Session, reader: csv.DictReader, via: str) -> ImportSummary:
    reader.fieldnames = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if missing:
        raise EmployeeImportError([ImportProblem(1, N_("kolom tidak ada: %(columns)s"),
                                                 {"columns": ", ".join(missing)})])
    units = {u.code: u for u in session.scalars(select(Unit))}
    positions = {p.code: p for p in session.scalars(select(Position))}
    known_nips = set(session.scalars(select(User.nip)))
    known_person_ids = dict(session.execute(
        select(User.siasn_person_id, User.nip).where(User.siasn_person_id.is_not(None))).all())
    person_ids: dict[str, str] = {}
    new_units: dict[str, tuple[str, str | None]] = {}
    rows, seen = [], set()
    problems: list[ImportProblem] = []
    emails: dict[str, str | None] = {}
    for row in reader:
        line = reader.line_num
        for alias, column in ALIASES.items():
            if not row.get(column) and row.get(alias):
                row[column] = row[alias]
        data = {k: (row.get(k) or "").strip() for k in COLUMNS}
        employee_type = data["employee_type"] or "PNS"
        errors: list[_Error] = [(N_("%(column)s wajib diisi"), {"column": c})
                                for c in REQUIRED if not data[c]]
        if employee_type not in EMPLOYEE_TYPES:
            errors.append((N_("employee_type harus PNS atau PPPK"), {}))
        roles = _row_roles(data, errors)
        rounded = _rounded_nip(data["nip"])
        try:
            if rounded:
                errors.append(rounded)
                nip = ""
            else:
                nip = normalise_nip(data["nip"], employee_type) if data["nip"] else ""
        except NipInvalid as exc:
            errors.append((str(exc), {}))
            nip = ""
        if nip and nip in seen:
            errors.append((N_("NIP %(nip)s tercantum dua kali"), {"nip": nip}))
        seen.add(nip)
        code = data["unit_code"]
        if code and code not in units and code not in new_units:
            if not data["unit_name"]:
                errors.append((N_("unit %(code)s baru: unit_name wajib diisi"), {"code": code}))
            new_units[code] = (data["unit_name"], data["parent_unit_code"] or None)
        if data["position_code"] and data["position_code"] not in positions:
            errors.append((N_("jabatan %(code)s tidak ada"), {"code": data["position_code"]}))
        golongan = data["golongan"]
        if golongan and not valid_golongan(golongan, employee_type):
            errors.append((N_("golongan %(golongan)s tidak sah untuk %(type)s"),
                           {"golongan": golongan, "type": employee_type}))
        supervisor = "".join(ch for ch in data["supervisor_nip"] if ch.isdigit())
        rounded_supervisor = _rounded_nip(data["supervisor_nip"], "supervisor_NIP")
        if data["supervisor_nip"] and rounded_supervisor:
            errors.append(rounded_supervisor)
            supervisor = ""
        if data["supervisor_nip"] and supervisor and supervisor == nip:
            errors.append((N_("pegawai tidak dapat menjadi atasannya sendiri"), {}))
        try:
            emails[nip] = normalise_email(data["email"])
        except EmailInvalid:
            errors.append((N_("email %(email)s bukan alamat e-mail yang sah"),
                           {"email": data["email"]}))
        person_id = data["siasn_person_id"]
        if person_id and not valid_person_id(person_id):
            errors.append((N_("siasn_person_id harus huruf, angka dan tanda - (paling banyak "
                              "64)"), {}))
        elif person_id and person_id in person_ids:
            errors.append((N_("siasn_person_id %(id)s tercantum dua kali"), {"id": person_id}))
        elif person_id and known_person_ids.get(person_id, nip) != nip:
            errors.append((N_("siasn_person_id %(id)s milik NIP %(nip)s"),
                           {"id": person_id, "nip": known_person_ids[person_id]}))
        if person_id:
            person_ids[person_id] = nip
        problems.extend(ImportProblem(line, message, params) for message, params in errors)
        rows.append((nip, data["name"], employee_type, code, roles, data["position_code"],
                     golongan, supervisor, line))
    for nip, *_rest, supervisor, line in rows:
        if supervisor and supervisor not in known_nips and supervisor not in seen:
            problems.append(ImportProblem(line, N_("atasan %(nip)s tidak ada"),
                                          {"nip": supervisor}))
    for code, (_name, parent) in new_units.items():
        if parent and parent not in units and parent not in new_units:
            problems.append(ImportProblem(None, N_("unit %(code)s: unit induk %(parent)s "
                                                   "tidak ada"), {"code": code, "parent": parent}))
    if problems:
        raise EmployeeImportError(problems)
    pending = dict(new_units)
    while pending:  # create parents before children
        ready = [c for c, (_n, parent) in pending.items() if parent is None or parent in units]
        if not ready:
            raise EmployeeImportError([ImportProblem(
                None, N_("unit %(codes)s saling menjadi induk (melingkar)"),
                {"codes": ", ".join(sorted(pending))})])
        for code in ready:
            name, parent = pending.pop(code)
            units[code] = Unit(code=code, name=name, parent=units.get(parent))
            session.add(units[code])
    wanted = [r[0] for r in rows] + [r[7] for r in rows if r[7]]
    existing = {u.nip: u for u in session.scalars(select(User).where(User.nip.in_(wanted)))}
    created = updated = 0
    person_of = {nip: person_id for person_id, nip in person_ids.items()}
    for nip, name, employee_type, code, roles, position, golongan, _sup, _line in rows:
        user = existing.get(nip)
        if user is None:
            user = existing[nip] = User(nip=nip, password_hash=UNUSABLE_PASSWORD,
                                        roles=roles or {"learner"})
            session.add(user)
            created += 1
        else:
            updated += 1
            if roles is not None:  # a change ends what the old roles had opened
                set_roles(session, user, roles, via=via)
        user.name, user.employee_type, user.unit = name, employee_type, units[code]
        # Empty optional columns leave what an admin set on the web unchanged.
        if position:
            user.position = positions[position]
        if golongan:
            user.golongan = golongan
        if emails.get(nip):
            user.email = emails[nip]
        if nip in person_of:
            user.siasn_person_id = person_of[nip]
    session.flush()
    for nip, *_rest, supervisor, _line in rows:
        if supervisor:
            existing[nip].supervisor_id = existing[supervisor].id
    session.flush()
    return ImportSummary(created, updated, len(new_units))
