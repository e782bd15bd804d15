"""``lms users``, ``lms units`` and ``lms import-employees``: the people and the organisation
(accounts, roles, passwords, e-mail addresses, units, and employees in bulk from a CSV file)."""

from __future__ import annotations

import os
import secrets
import sys

import click
from flask.cli import AppGroup


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


users = AppGroup("users", help="Manage users.")


ROLE_HELP = ("A role: learner, signer, trainer, manager or admin; repeat the option or separate "
             "roles by commas for several (--role manager,trainer).")


@users.command("create")
@click.option("--nip", required=True)
@click.option("--name", required=True)
@click.option("--role", "roles", required=True, multiple=True, help=ROLE_HELP)
@click.option("--unit", "unit_code", required=True)
@click.option("--type", "employee_type", default="PNS", type=click.Choice(["PNS", "PPPK"]))
@click.option("--email", default=None, help="E-mail address for notifications.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(nip, name, roles, unit_code, employee_type, email, password_stdin) -> None:
    """Create a user; the password comes from stdin or is generated and printed."""
    from lms.audit.services import record_audit
    from lms.auth.nip import NipInvalid
    from lms.auth.roles import ordered, split_roles
    from lms.auth.services import AccountError, create_user
    from lms.extensions import db

    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    try:
        user = create_user(db.session, nip=nip, name=name,
                           roles=[r for text in roles for r in split_roles(text)],
                           unit_code=unit_code, password=password, employee_type=employee_type,
                           email=email)
    except (AccountError, NipInvalid) as exc:
        _fail([str(exc)])
    record_audit(db.session, "user.created", target_type="user", target_id=user.nip,
                 details={"roles": ordered(user.roles), "unit": unit_code, "via": "cli"})
    db.session.commit()
    click.echo(f"user {user.nip} created")
    if not password_stdin:
        click.echo(f"password: {password}")


@users.command("set-roles")
@click.argument("nip")
@click.argument("roles", nargs=-1, required=True)
def users_set_roles(nip: str, roles: tuple[str, ...]) -> None:
    """Give the user exactly these ROLES (e.g. ``manager trainer``); a change ends their
    sessions and API tokens and is put in the audit trail."""
    from lms.admin.services import get_employee
    from lms.auth.roles import RoleError, check_roles, ordered, split_roles
    from lms.auth.services import set_roles
    from lms.extensions import db

    user = get_employee(db.session, nip)
    if user is None:
        _fail([f"no user with NIP {nip}"])
    try:
        wanted = check_roles(r for text in roles for r in split_roles(text))
    except RoleError as exc:
        _fail([str(exc)])
    before = ordered(user.roles)
    if not set_roles(db.session, user, wanted, via="cli"):
        click.echo(f"roles of {user.nip} unchanged: {', '.join(before)}")
        return
    db.session.commit()
    click.echo(f"roles of {user.nip}: {', '.join(before)} -> {', '.join(ordered(wanted))}; "
               "their sessions and API tokens ended")


@users.command("set-password")
@click.argument("nip")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(nip: str, password_stdin: bool) -> None:
    """Set a user's password and end their sessions; generated and printed without stdin."""
    from lms.admin.services import AdminError, get_employee, set_password
    from lms.extensions import db

    user = get_employee(db.session, nip)
    if user is None:
        _fail([f"no user with NIP {nip}"])
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else secrets.token_urlsafe(12))
    try:
        set_password(db.session, user, password, password, via="cli")
    except AdminError as exc:
        _fail([str(exc)])
    db.session.commit()
    click.echo(f"password of {user.nip} set; their sessions and API tokens ended")
    if not password_stdin:
        click.echo(f"password: {password}")


@users.command("set-email")
@click.argument("nip")
@click.argument("email")
def users_set_email(nip: str, email: str) -> None:
    """Set a user's e-mail address for notifications ("" removes it)."""
    from lms.admin.services import get_employee
    from lms.audit.services import record_audit
    from lms.auth.email import EmailInvalid, normalise_email
    from lms.extensions import db

    user = get_employee(db.session, nip)
    if user is None:
        _fail([f"no user with NIP {nip}"])
    try:
        address = normalise_email(email)
    except EmailInvalid:
        _fail([f"{email!r} is not a valid e-mail address"])
    if address != user.email:
        user.email = address
        record_audit(db.session, "user.changed", target_type="user", target_id=user.nip,
                     details={"fields": ["email"], "via": "cli"})
    db.session.commit()
    click.echo(f"e-mail of {user.nip}: {address}" if address
               else f"e-mail of {user.nip} removed")


units = AppGroup("units", help="Manage units (unit kerja).")


@units.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code")
def units_create(code, name, parent_code) -> None:
    """Create a unit kerja, optionally under a parent."""
    from lms.extensions import db
    from lms.org.services import UnitError, create_unit

    try:
        create_unit(db.session, code, name, parent_code)
    except UnitError as exc:
        _fail([str(exc)])
    db.session.commit()
    click.echo(f"unit {code} created")


@click.command("import-employees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report without changing anything.")
def import_employees(file: str, dry_run: bool) -> None:
    """Create or update employees and units from a CSV file (all or nothing)."""
    from flask_babel import force_locale, gettext

    from lms.audit.services import record_audit
    from lms.extensions import db
    from lms.org.employees import EmployeeImportError, import_employees_file

    try:
        with open(file, "rb") as fh:
            summary = import_employees_file(db.session, fh.read())
    except EmployeeImportError as exc:
        db.session.rollback()
        with force_locale("en"):  # in English, as the command's other lines
            _fail(exc.lines(gettext))
    if dry_run:
        db.session.rollback()
        click.echo(f"dry run: {summary} (nothing changed)")
    else:
        record_audit(db.session, "employees.imported", target_type="file",
                     target_id=os.path.basename(file), details={"summary": str(summary),
                                                                "via": "cli"})
        db.session.commit()
        click.echo(summary)
