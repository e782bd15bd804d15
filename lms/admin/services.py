"""Admin writes and reads on employees and units: every rule here, no request. Errors name
the form field they belong to and carry an Indonesian msgid (marked with ``N_``) that the web
translates and the command line prints as it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from lms.audit.services import record_audit
from lms.auth.email import EmailInvalid, normalise_email
from lms.auth.models import EMPLOYEE_TYPES, ROLES, User
from lms.auth.nip import NipInvalid, normalise_nip
from lms.auth.roles import ordered
from lms.auth.services import (PasswordRejected, change_password, check_new_password,
                               disable_user, hash_password, set_roles)
from lms.competency.framework import N_, Problem
from lms.competency.models import Competency
from lms.org.employees import UNUSABLE_PASSWORD, valid_golongan, valid_person_id
from lms.org.models import Position, Unit
from lms.org.services import subtree_ids

PAGE_SIZE = 50


class AdminError(ValueError):
    """A change is refused; ``problems`` says why, each for a form field ('' for none)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _refuse(field: str, message: str, **params: Any) -> AdminError:
    return AdminError([Problem(message, params, field)])


def _add(errors: list[Problem], field: str, message: str, **params: Any) -> None:
    errors.append(Problem(message, params, field))


def get_counts(session: Session) -> dict[str, int]:
    """Number of employees, units, positions and competencies (one query)."""
    def _count(model: Any) -> Any:
        return select(func.count()).select_from(model).scalar_subquery()

    row = session.execute(select(_count(User), _count(Unit), _count(Position),
                                 _count(Competency))).one()
    return dict(zip(("employees", "units", "positions", "competencies"), row, strict=True))


# --- employees ---------------------------------------------------------------------------

def clean_nip(raw: str) -> str:
    """The NIP with spaces and dots removed (for look-ups; validation is normalise_nip)."""
    return "".join(ch for ch in raw or "" if ch.isdigit())


def get_employee(session: Session, nip: str) -> User | None:
    """The employee with this NIP (spaces and dots ignored), or None."""
    digits = clean_nip(nip)
    return session.scalar(select(User).where(User.nip == digits)) if digits else None


@dataclass(frozen=True)
class EmployeePage:
    """One page of the employee list."""

    rows: list[User]
    total: int
    page: int
    pages: int


def list_employees(session: Session, search: str = "", page: int = 1,
                   role: str = "") -> EmployeePage:
    """Employees whose NIP or name matches and who hold ``role`` (any when empty), by name, a
    page at a time (three queries: count, page, their roles)."""
    query = select(User)
    if role in ROLES:
        query = query.where(User.holding(role))
    search = search.strip()
    if search:
        digits = clean_nip(search)
        conditions = [func.lower(User.name).contains(search.lower(), autoescape=True)]
        if digits and len(digits) >= len(search.replace(" ", "").replace(".", "")):
            conditions.append(User.nip.contains(digits, autoescape=True))
        query = query.where(or_(*conditions))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = session.scalars(
        query.options(joinedload(User.unit), joinedload(User.position),
                      selectinload(User.role_rows))
        .order_by(User.name, User.nip).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return EmployeePage(list(rows), total, page, pages)


@dataclass(frozen=True)
class EmployeeData:
    """What the admin typed for an employee."""

    nip: str
    name: str
    roles: frozenset[str]
    employee_type: str
    golongan: str
    unit_id: int | None
    position_id: int | None
    supervisor_nip: str
    active: bool
    email: str = ""
    siasn_person_id: str = ""


def _check_employee(session: Session, data: EmployeeData, user: User | None,
                    actor: User) -> dict[str, Any]:
    """Validate every field the way the CSV import does; returns the values to store."""
    errors: list[Problem] = []
    values: dict[str, Any] = {"name": data.name.strip(), "roles": frozenset(data.roles),
                              "employee_type": data.employee_type, "active": data.active}
    if data.employee_type not in EMPLOYEE_TYPES:
        _add(errors, "employee_type", N_("Jenis pegawai harus PNS atau PPPK."))
    try:
        values["nip"] = normalise_nip(data.nip, data.employee_type)
    except NipInvalid as exc:
        errors.append(Problem(str(exc), field="nip"))  # an N_ msgid from lms.auth.nip
    else:
        other = session.scalar(select(User.id).where(User.nip == values["nip"]))
        if other is not None and (user is None or other != user.id):
            _add(errors, "nip", N_("NIP ini sudah terdaftar."))
    if not values["name"]:
        _add(errors, "name", N_("Nama wajib diisi."))
    if not values["roles"].issubset(ROLES):
        _add(errors, "roles", N_("Peran tidak dikenal."))
    elif not values["roles"]:
        _add(errors, "roles", N_("Pilih paling sedikit satu peran."))
    golongan = data.golongan.strip()
    if golongan and not valid_golongan(golongan, data.employee_type):
        _add(errors, "golongan", N_("Golongan %(g)s tidak berlaku untuk %(t)s."),
             g=golongan, t=data.employee_type)
    values["golongan"] = golongan or None
    try:
        values["email"] = normalise_email(data.email)
    except EmailInvalid as exc:
        errors.append(Problem(str(exc), field="email"))  # an N_ msgid from lms.auth.email
    values["unit"] = session.get(Unit, data.unit_id) if data.unit_id else None
    if values["unit"] is None:
        _add(errors, "unit", N_("Pilih unit kerja."))
    values["position"] = session.get(Position, data.position_id) if data.position_id else None
    if data.position_id and values["position"] is None:
        _add(errors, "position", N_("Jabatan tidak ditemukan."))
    values["supervisor"] = None
    if data.supervisor_nip.strip():
        supervisor = get_employee(session, data.supervisor_nip)
        if clean_nip(data.supervisor_nip) == values.get("nip") or (
                user is not None and supervisor is not None and supervisor.id == user.id):
            _add(errors, "supervisor_nip", N_("Pegawai tidak dapat menjadi atasannya sendiri."))
        elif supervisor is None:
            _add(errors, "supervisor_nip", N_("Tidak ada pegawai dengan NIP itu."))
        values["supervisor"] = supervisor
    person_id = data.siasn_person_id.strip()
    if person_id and not valid_person_id(person_id):
        _add(errors, "siasn_person_id", N_("ID PNS SIASN hanya huruf, angka dan tanda hubung "
                                           "(maksimal 64)."))
    elif person_id:
        other = session.scalar(select(User.id).where(User.siasn_person_id == person_id))
        if other is not None and (user is None or other != user.id):
            _add(errors, "siasn_person_id", N_("ID PNS SIASN ini sudah dipakai pegawai lain."))
    values["siasn_person_id"] = person_id or None
    if user is not None and user.id == actor.id:
        if not data.active:
            _add(errors, "active", N_("Anda tidak dapat menonaktifkan diri sendiri."))
        if "admin" not in values["roles"]:
            _add(errors, "roles", N_("Anda tidak dapat menurunkan peran sendiri."))
    if errors:
        raise AdminError(errors)
    return values


def check_password(password: str, confirm: str) -> None:
    """Refuse a password that is too short or was not typed the same twice (the rules are
    lms.auth.services.check_new_password's, the error an AdminError for the form)."""
    try:
        check_new_password(password, confirm)
    except PasswordRejected as exc:
        raise _refuse(exc.field, exc.message, **exc.params) from None


def create_employee(session: Session, data: EmployeeData, actor: User,
                    password: str = "", confirm: str = "", *, remote: str | None = None) -> User:
    """Create an employee; without a password they cannot sign in until one is set."""
    values = _check_employee(session, data, None, actor)
    if password or confirm:
        check_password(password, confirm)
    user = User(password_hash=hash_password(password) if password else UNUSABLE_PASSWORD,
                **values)
    session.add(user)
    session.flush()
    record_audit(session, "user.created", actor=actor, target_type="user", target_id=user.nip,
                 details={"roles": ordered(user.roles), "unit": user.unit.code}, remote=remote)
    return user


def update_employee(session: Session, user: User, data: EmployeeData, actor: User, *,
                    remote: str | None = None) -> None:
    """Change an employee; disabling them or changing their roles ends their sessions and API
    tokens; admins cannot disable or demote themselves. Role changes (old → new set),
    disabling and other changes go to the audit trail."""
    values = _check_employee(session, data, user, actor)
    active, roles = values.pop("active"), values.pop("roles")
    before = {key: getattr(user, key) for key in values}
    was_active, old_nip = user.active, user.nip
    set_roles(session, user, roles, actor=actor, remote=remote)
    for key, value in values.items():
        setattr(user, key, value)
    if user.active and not active:
        disable_user(session, user)
    if active:
        user.active = True
    session.flush()
    audit = {"actor": actor, "target_type": "user", "target_id": old_nip, "remote": remote}
    changed = sorted(k for k, v in before.items() if v != getattr(user, k))
    if changed:
        record_audit(session, "user.changed", **audit, details={
            "fields": changed, **({"nip": user.nip} if user.nip != old_nip else {})})
    if was_active != user.active:
        record_audit(session, "user.enabled" if user.active else "user.disabled", **audit)


def set_password(session: Session, user: User, password: str, confirm: str, *,
                 actor: User | None = None, remote: str | None = None, via: str = "web") -> None:
    """Give the employee a new password and end every session and API token they have
    (recorded in the audit trail: ``actor`` None with ``via="cli"`` for the command line)."""
    check_password(password, confirm)
    change_password(session, user, password, confirm, actor=actor, remote=remote, via=via)


# --- units -------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitRow:
    """A unit in the tree list: its depth, head, number of employees placed in it and of
    sub-units directly below it."""

    unit: Unit
    depth: int
    employees: int
    children: int

    @property
    def deletable(self) -> bool:
        """True when the unit is empty (no employees, no sub-units)."""
        return not self.employees and not self.children


def list_unit_tree(session: Session) -> list[UnitRow]:
    """Every unit depth-first under its parent, with head and employee count (two queries)."""
    units = list(session.scalars(select(Unit).options(joinedload(Unit.head))
                                 .order_by(Unit.name, Unit.code)))
    counts = dict(session.execute(
        select(User.unit_id, func.count()).group_by(User.unit_id)).all())
    children: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    rows: list[UnitRow] = []
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        rows.append(UnitRow(unit, depth, counts.get(unit.id, 0),
                            len(children.get(unit.id, []))))
        stack.extend((c, depth + 1) for c in reversed(children.get(unit.id, [])))
    return rows


@dataclass(frozen=True)
class UnitData:
    """What the admin typed for a unit."""

    code: str
    name: str
    parent_id: int | None
    head_nip: str


def _check_unit(session: Session, data: UnitData, unit: Unit | None) -> dict[str, Any]:
    errors: list[Problem] = []
    values: dict[str, Any] = {"name": data.name.strip()}
    if unit is None:
        code = data.code.strip()
        if not code:
            _add(errors, "code", N_("Kode wajib diisi."))
        elif session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            _add(errors, "code", N_("Kode unit %(c)s sudah dipakai."), c=code)
        values["code"] = code
    if not values["name"]:
        _add(errors, "name", N_("Nama wajib diisi."))
    parent = session.get(Unit, data.parent_id) if data.parent_id else None
    if data.parent_id and parent is None:
        _add(errors, "parent", N_("Unit induk tidak ditemukan."))
    elif parent is not None and unit is not None and parent.id in subtree_ids(session, unit.id):
        _add(errors, "parent", N_("%(p)s berada di bawah %(u)s (atau unit itu sendiri): "
                                  "menjadikannya induk akan membuat lingkaran."),
             p=parent.name, u=unit.name)
    values["parent"] = parent
    values["head"] = None
    if data.head_nip.strip():
        values["head"] = get_employee(session, data.head_nip)
        if values["head"] is None:
            _add(errors, "head_nip", N_("Tidak ada pegawai dengan NIP itu."))
    if errors:
        raise AdminError(errors)
    return values


def create_unit(session: Session, data: UnitData) -> Unit:
    """Create a unit with an optional parent and head (an existing employee)."""
    unit = Unit(**_check_unit(session, data, None))
    session.add(unit)
    session.flush()
    return unit


def update_unit(session: Session, unit: Unit, data: UnitData) -> None:
    """Change name, parent and head; a parent inside the unit's own subtree is refused."""
    for key, value in _check_unit(session, data, unit).items():
        setattr(unit, key, value)
    session.flush()


def delete_unit(session: Session, unit: Unit) -> None:
    """Delete a unit that has no employees and no sub-units."""
    employees = session.scalar(select(func.count()).where(User.unit_id == unit.id))
    children = session.scalar(select(func.count()).where(Unit.parent_id == unit.id))
    if employees or children:
        raise _refuse("", N_("Unit %(u)s tidak dapat dihapus: masih ada %(e)s pegawai dan "
                             "%(c)s sub-unit."), u=unit.name, e=employees, c=children)
    session.delete(unit)
    session.flush()
