"""CSV import of employees and their units: validate every row, then change all or nothing."""

from __future__ import annotations

import csv
import io
import re
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.email import EmailInvalid, normalise_email
from lms.auth.models import EMPLOYEE_TYPES, User
from lms.auth.nip import NipInvalid, normalise_nip
from lms.auth.roles import RoleError, check_roles, split_roles
from lms.auth.services import set_roles
from lms.csvfile import CsvFileError, csv_reader, decode_csv, looks_rounded
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


class EmployeeImportError(ValueError):
    """One or more rows are bad; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _row_roles(data: dict[str, str], errors: list[str]) -> frozenset[str] | None:
    """The roles a row gives (``roles``: ``trainer;manager``; the older ``role`` column is
    read the same way), or None when both are empty: a new employee is then a learner and a
    known one keeps their roles."""
    given = [split_roles(data[c]) for c in ("roles", "role") if data[c]]
    if not given:
        return None
    try:
        held = [check_roles(roles) for roles in given]
    except RoleError as exc:
        errors.append(str(exc))
        return None
    if len(held) == 2 and held[0] != held[1]:
        errors.append("the role and roles columns differ: fill one of them")
    return held[0]


def _rounded_nip(raw: str) -> str | None:
    """Why a NIP cell is a number a spreadsheet rounded (None when it is not): Excel and Calc
    keep 15 significant digits, so an 18-digit NIP comes back as ``1.98509E+17`` or with its
    last three digits ``000`` (no NIP has the sequence number 000)."""
    digits = re.sub(r"[\s.]", "", raw)
    if looks_rounded(raw) or (len(digits) == 18 and digits.isdigit() and digits.endswith("000")):
        return (f"NIP {raw.strip()} was rounded by a spreadsheet (it keeps 15 digits): format "
                f"the NIP column as Text and export the file again")
    return None


def import_employees_file(session: Session, data: bytes, *, via: str = "cli") -> str:
    """``import_employees_csv`` of a file's bytes as a spreadsheet saved them (UTF-8 with or
    without BOM, UTF-16 or Windows-1252; comma, semicolon or tab); an unreadable file is one
    clear problem line."""
    try:
        text = decode_csv(data)
    except CsvFileError as exc:
        raise EmployeeImportError([str(exc)]) from None
    return import_employees_csv(session, io.StringIO(text, newline=""), via=via)


def import_employees_csv(session: Session, stream: TextIO, *, via: str = "cli") -> str:
    """Create or update employees (by NIP) and units (by code); flushes, does not commit.
    Each change of an employee's roles is put in the audit trail (old → new set). The
    separator (comma, semicolon or tab) is read from the header line."""
    reader = csv_reader(stream.read(), [*COLUMNS, *ALIASES])
    try:
        return _import(session, reader, via)
    except csv.Error as exc:  # e.g. a quote never closed
        raise EmployeeImportError([f"line {reader.line_num}: the file is not valid CSV "
                                   f"({exc})"]) from None


def _import(session: Session, reader: csv.DictReader, via: str) -> str:
    reader.fieldnames = [(name or "").strip() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in reader.fieldnames]
    if missing:
        raise EmployeeImportError([f"line 1: missing column(s): {', '.join(missing)}"])
    units = {u.code: u for u in session.scalars(select(Unit))}
    positions = {p.code: p for p in session.scalars(select(Position))}
    known_nips = set(session.scalars(select(User.nip)))
    known_person_ids = dict(session.execute(
        select(User.siasn_person_id, User.nip).where(User.siasn_person_id.is_not(None))).all())
    person_ids: dict[str, str] = {}
    new_units: dict[str, tuple[str, str | None]] = {}
    rows, problems, seen = [], [], set()
    emails: dict[str, str | None] = {}
    for row in reader:
        line = reader.line_num
        for alias, column in ALIASES.items():
            if not row.get(column) and row.get(alias):
                row[column] = row[alias]
        data = {k: (row.get(k) or "").strip() for k in COLUMNS}
        employee_type = data["employee_type"] or "PNS"
        errors = [f"{c} is required" for c in REQUIRED if not data[c]]
        if employee_type not in EMPLOYEE_TYPES:
            errors.append("employee_type must be PNS or PPPK")
        roles = _row_roles(data, errors)
        rounded = _rounded_nip(data["nip"])
        try:
            if rounded:
                errors.append(rounded)
                nip = ""
            else:
                nip = normalise_nip(data["nip"], employee_type) if data["nip"] else ""
        except NipInvalid as exc:
            errors.append(str(exc))
            nip = ""
        if nip and nip in seen:
            errors.append(f"NIP {nip} appears twice")
        seen.add(nip)
        code = data["unit_code"]
        if code and code not in units and code not in new_units:
            if not data["unit_name"]:
                errors.append(f"unit {code} is new: unit_name is required")
            new_units[code] = (data["unit_name"], data["parent_unit_code"] or None)
        if data["position_code"] and data["position_code"] not in positions:
            errors.append(f"position {data['position_code']} does not exist")
        golongan = data["golongan"]
        if golongan and not valid_golongan(golongan, employee_type):
            errors.append(f"golongan {golongan} is not valid for {employee_type}")
        supervisor = "".join(ch for ch in data["supervisor_nip"] if ch.isdigit())
        if data["supervisor_nip"] and _rounded_nip(data["supervisor_nip"]):
            errors.append("supervisor_" + str(_rounded_nip(data["supervisor_nip"])))
            supervisor = ""
        if data["supervisor_nip"] and supervisor and supervisor == nip:
            errors.append("an employee cannot be their own supervisor")
        try:
            emails[nip] = normalise_email(data["email"])
        except EmailInvalid:
            errors.append(f"email {data['email']} is not a valid e-mail address")
        person_id = data["siasn_person_id"]
        if person_id and not valid_person_id(person_id):
            errors.append("siasn_person_id must be letters, digits and dashes (at most 64)")
        elif person_id and person_id in person_ids:
            errors.append(f"siasn_person_id {person_id} appears twice")
        elif person_id and known_person_ids.get(person_id, nip) != nip:
            errors.append(f"siasn_person_id {person_id} belongs to NIP "
                          f"{known_person_ids[person_id]}")
        if person_id:
            person_ids[person_id] = nip
        problems.extend(f"line {line}: {e}" for e in errors)
        rows.append((nip, data["name"], employee_type, code, roles, data["position_code"],
                     golongan, supervisor, line))
    for nip, *_rest, supervisor, line in rows:
        if supervisor and supervisor not in known_nips and supervisor not in seen:
            problems.append(f"line {line}: supervisor {supervisor} does not exist")
    for code, (_name, parent) in new_units.items():
        if parent and parent not in units and parent not in new_units:
            problems.append(f"unit {code}: parent unit {parent} does not exist")
    if problems:
        raise EmployeeImportError(problems)
    pending = dict(new_units)
    while pending:  # create parents before children
        ready = [c for c, (_n, parent) in pending.items() if parent is None or parent in units]
        if not ready:
            raise EmployeeImportError([f"units {', '.join(sorted(pending))} form a cycle"])
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
    return f"{created} employee(s) created, {updated} updated, {len(new_units)} unit(s) created"
