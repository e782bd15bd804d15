"""Admin pages for employees (pegawai): list, create, edit, set a password."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from lms.admin import bp
from lms.admin.forms import EmployeeForm, PasswordForm, attach_errors
from lms.admin.saving import save_form
from lms.admin.services import (AdminError, EmployeeData, create_employee, get_employee,
                                list_employees, set_password, update_employee)
from lms.auth.forms import TokenForm
from lms.auth.models import User
from lms.auth.policy import require_role
from lms.auth.roles import ROLE_GIVES, ROLE_LABELS, ordered
from lms.auth.services import list_tokens
from lms.auth.token_views import issue_token, withdraw_token
from lms.extensions import db
from lms.org.employees import UNUSABLE_PASSWORD
from lms.org.models import Position, Unit


def _employee_form(**kwargs) -> EmployeeForm:
    form = EmployeeForm(**kwargs)
    form.fill_choices(db.session.scalars(select(Unit).order_by(Unit.code)),
                      db.session.scalars(select(Position).order_by(Position.code)))
    return form


def _data(form: EmployeeForm) -> EmployeeData:
    return EmployeeData(
        nip=form.nip.data or "", name=form.name.data or "",
        roles=frozenset(form.roles.data or ()),
        employee_type=form.employee_type.data, golongan=form.golongan.data or "",
        unit_id=form.unit.data, position_id=form.position.data,
        supervisor_nip=form.supervisor_nip.data or "", active=bool(form.active.data),
        email=form.email.data or "",
        siasn_person_id=form.siasn_person_id.data or "")


def _stored(person: User) -> dict:
    """The employee's current values, to fill the form."""
    return {"nip": person.nip, "name": person.name, "roles": ordered(person.roles),
            "employee_type": person.employee_type, "golongan": person.golongan or "",
            "unit": person.unit_id, "position": person.position_id,
            "supervisor_nip": person.supervisor.nip if person.supervisor else "",
            "active": person.active, "email": person.email or "",
            "siasn_person_id": person.siasn_person_id or ""}


def _form_page(form: EmployeeForm, person: User | None, password_form=None, status=200, *,
               token_form=None, secret=None):
    tokens = {}
    if person is not None:
        tokens = {"tokens": list_tokens(db.session, person), "secret": secret,
                  "form": token_form or TokenForm(formdata=None),
                  "create_url": url_for("admin.employee_token_create", nip=person.nip),
                  "revoke_url": lambda token_id: url_for("admin.employee_token_revoke",
                                                         nip=person.nip, token_id=token_id)}
    page = render_template("admin/employee_form.html", form=form, person=person,
                           password_form=password_form or PasswordForm(),
                           unusable=UNUSABLE_PASSWORD, tokens=tokens, role_gives=ROLE_GIVES)
    return page, status


def _employee_or_404(nip: str) -> User:
    return get_employee(db.session, nip) or abort(404)


@bp.get("/pegawai")
@require_role("admin")
def employees():
    """Employees, searched by NIP or name and filtered by role, a page at a time."""
    search = request.args.get("q", "").strip()[:100]
    role = request.args.get("peran", "")
    role = role if role in ROLE_LABELS else ""
    page = list_employees(db.session, search, request.args.get("hal", 1, type=int), role)
    return render_template("admin/employees.html", page=page, search=search, role=role,
                           role_labels=ROLE_LABELS, ordered=ordered, unusable=UNUSABLE_PASSWORD)


@bp.get("/pegawai/baru")
@require_role("admin")
def employee_new():
    """The form for a new employee."""
    return _form_page(_employee_form(), None)


@bp.post("/pegawai/baru")
@require_role("admin")
def employee_create():
    """Create an employee, with a first password or none."""
    form = _employee_form()
    if form.validate_on_submit():
        saved, person = save_form(form, lambda: create_employee(
            db.session, _data(form), current_user, form.password.data or "",
            form.confirm.data or "", remote=request.remote_addr))
        if saved:
            flash(_("Pegawai %(name)s ditambahkan.", name=person.name))
            return redirect(url_for("admin.employee_edit", nip=person.nip))
    return _form_page(form, None, status=422)


@bp.get("/pegawai/<nip>")
@require_role("admin")
def employee_edit(nip: str):
    """An employee's data and the form to set their password."""
    person = _employee_or_404(nip)
    form = _employee_form(data=_stored(person))
    return _form_page(form, person)


@bp.post("/pegawai/<nip>")
@require_role("admin")
def employee_update(nip: str):
    """Save an employee; disabling them ends their sessions."""
    person = _employee_or_404(nip)
    form = _employee_form()
    if form.validate_on_submit():
        saved, _result = save_form(
            form, lambda: update_employee(db.session, person, _data(form), current_user,
                                          remote=request.remote_addr))
        if saved and person.id == current_user.id:
            login_user(person)  # a change of their own roles ends their other sessions only
        if saved:
            flash(_("Data pegawai disimpan."))
            return redirect(url_for("admin.employee_edit", nip=person.nip))
    return _form_page(form, person, status=422)


@bp.post("/pegawai/<nip>/kata-sandi")
@require_role("admin")
def employee_password(nip: str):
    """Set a new password; every session of the employee ends."""
    person = _employee_or_404(nip)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            set_password(db.session, person, form.password.data, form.confirm.data,
                         actor=current_user, remote=request.remote_addr)
        except AdminError as exc:
            db.session.rollback()
            attach_errors(form, exc.problems)
        else:
            db.session.commit()
            if person.id == current_user.id:
                login_user(person)  # the admin's own sessions elsewhere end, not this one
            flash(_("Kata sandi baru disimpan; semua sesi dan token API pegawai ini telah "
                    "berakhir."))
            return redirect(url_for("admin.employee_edit", nip=person.nip))
    return _form_page(_employee_form(data=_stored(person)), person, form, 422)


@bp.post("/pegawai/<nip>/token")
@require_role("admin")
def employee_token_create(nip: str):
    """Create an API token for the employee (e.g. an HR system's account); shown once."""
    person = _employee_or_404(nip)
    token_form = TokenForm()
    if not token_form.validate_on_submit():
        return _form_page(_employee_form(data=_stored(person)), person, status=422,
                          token_form=token_form)
    secret = issue_token(token_form, person)
    db.session.commit()
    return _form_page(_employee_form(data=_stored(person)), person, status=201, secret=secret)


@bp.post("/pegawai/<nip>/token/<int:token_id>/cabut")
@require_role("admin")
def employee_token_revoke(nip: str, token_id: int):
    """Revoke one of the employee's API tokens."""
    person = _employee_or_404(nip)
    withdraw_token(person, token_id)
    db.session.commit()
    flash(_("Token dicabut; aplikasi yang memakainya tidak dapat masuk lagi."))
    return redirect(url_for("admin.employee_edit", nip=person.nip))
