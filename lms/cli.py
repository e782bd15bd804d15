"""The ``lms`` command line (also ``flask --app lms lms …``).

Start-up time matters here (an operator types these commands, cron runs them): this module
imports only click and Flask's CLI helpers. Each command imports what it needs, and the
application itself is built only when a command runs that needs it (``with_appcontext``), so
``lms --help`` never loads SQLAlchemy, the models or the views.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from lms.audit.cli import audit as audit_commands
from lms.auth.cli import token as token_commands
from lms.certificates.cli import bsre_group, certificates_group, keys_group
from lms.notifications.cli import notify as notify_command
from lms.siasn.cli import siasn as siasn_commands
from lms.xapi.cli import xapi_forward as xapi_forward_command

lms_group = AppGroup("lms", help="Kelas ASN administration commands.")
lms_group.add_command(audit_commands)
lms_group.add_command(token_commands)
lms_group.add_command(notify_command)
lms_group.add_command(keys_group)
lms_group.add_command(certificates_group)
lms_group.add_command(bsre_group)
lms_group.add_command(siasn_commands)
lms_group.add_command(xapi_forward_command)


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


@lms_group.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema and seed the default competency framework."""
    from flask_migrate import upgrade

    from lms.competency.services import seed_framework
    from lms.extensions import db, enable_migrations

    enable_migrations(current_app)  # the command app of ``lms`` leaves Alembic out
    upgrade(directory=current_app.extensions["migrate"].directory)
    added = seed_framework(db.session)
    db.session.commit()
    click.echo(f"database ready ({added} competencies added)")


@lms_group.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def check(paths: tuple[str, ...]) -> None:
    """Validate course packages; prints file:line: message per error, and per warning about
    syntax shown as plain text (warnings alone do not fail), in the default locale."""
    from flask_babel import force_locale, gettext

    from lms.competency.models import Competency
    from lms.content import check_package
    from lms.content.lint import package_warnings
    from lms.extensions import db

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if db.inspect(db.engine).has_table(Competency.__tablename__):
            known = set(db.session.scalars(db.select(Competency.code))) or None
        else:  # no database yet: the package's own rules are still checked
            known = None
            click.echo(gettext("Belum ada basis data (jalankan `lms init-db`): kode kompetensi "
                               "tidak dicocokkan dengan kerangka kompetensi."), err=True)
        problems = [f"{_join(path, e.file)}:{e.line}: {e.translated(gettext)}"
                    for path in paths for e in check_package(path, known_competencies=known)]
        warnings = [f"{_join(path, w.file)}:{w.line}: "
                    + gettext("peringatan: %(message)s", message=w.translated(gettext))
                    for path in paths for w in package_warnings(path)]
        summary = (gettext("%(packages)s paket valid, %(warnings)s peringatan",
                           packages=len(paths), warnings=len(warnings)) if warnings
                   else gettext("%(packages)s paket valid", packages=len(paths)))
    for line in warnings:
        click.echo(line, err=True)
    if problems:
        _fail(problems)
    click.echo(summary)


def _join(package: str, file: str) -> str:
    return file if package.endswith(".zip") and not file else str(Path(package) / file)


@lms_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def import_(paths: tuple[str, ...]) -> None:
    """Validate all packages, then import or publish a new version of each (all or nothing)."""
    from flask_babel import force_locale, gettext

    from lms.content import PackageInvalid
    from lms.courses.importer import import_packages
    from lms.extensions import db

    try:
        results = import_packages(db.session, list(paths))
    except PackageInvalid as exc:
        db.session.rollback()
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            _fail([e.located(gettext) for e in exc.errors])
    db.session.commit()
    for result in results:
        click.echo(f"{result.slug}: {result.status} (version {result.version})")


@lms_group.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path())
def export(slug: str, dest: str) -> None:
    """Write the current version of a course as a package folder."""
    from lms.content import write_package
    from lms.courses.importer import version_to_package
    from lms.courses.services import get_current_version
    from lms.extensions import db

    version = get_current_version(db.session, slug)
    if version is None:
        _fail([f"no course {slug}"])
    target = Path(dest)
    if target.exists() and target.name != slug:  # the folder name is the slug on re-import
        target = target / slug
    try:
        write_package(version_to_package(db.session, version), target)
    except (FileExistsError, OSError) as exc:
        _fail([f"{target}: {exc}"])
    click.echo(f"{slug} version {version.number} written to {target}")


@lms_group.command("seed-demo")
def seed_demo() -> None:
    """Create the demo organisation and accounts (idempotent)."""
    from lms.competency.uploads import CertificateStore
    from lms.demo import seed
    from lms.demo_activity import seed_activity, seed_owners
    from lms.demo_mentoring import seed_mentoring
    from lms.demo_planning import seed_planning
    from lms.demo_tasks import seed_tasks
    from lms.extensions import db

    created = seed(db.session)
    seed_owners(db.session)
    store = CertificateStore.from_config(current_app.config)
    history = seed_activity(db.session, store)
    seed_planning(db.session)
    seed_mentoring(db.session)
    seed_tasks(db.session, store)
    db.session.commit()
    click.echo(f"demo data ready ({created} accounts created"
               f"{', learning history added' if history else ''})")


users = AppGroup("users", help="Manage users.")
lms_group.add_command(users)


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
lms_group.add_command(units)


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


@lms_group.command("import-employees")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report without changing anything.")
def import_employees(file: str, dry_run: bool) -> None:
    """Create or update employees and units from a CSV file (all or nothing)."""
    from lms.audit.services import record_audit
    from lms.extensions import db
    from lms.org.employees import EmployeeImportError, import_employees_file

    from flask_babel import force_locale, gettext

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


framework = AppGroup("framework", help="The competency framework as CSV.")
lms_group.add_command(framework)


@framework.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
def framework_export(file: str | None) -> None:
    """Write the competency framework as CSV to FILE (standard output without one)."""
    from lms.competency.framework import export_framework_csv
    from lms.extensions import db

    if not file or file == "-":
        export_framework_csv(db.session, sys.stdout)
        return
    try:
        with open(file, "w", encoding="utf-8", newline="") as fh:
            count = export_framework_csv(db.session, fh)
    except OSError as exc:
        _fail([f"{file}: {exc.strerror}"])
    click.echo(f"{count} competencies written to {file}", err=True)


@framework.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report without changing anything.")
def framework_import(file: str, dry_run: bool) -> None:
    """Add or update competencies from a CSV file (all or nothing)."""
    from lms.audit.services import record_audit
    from lms.competency.framework import FrameworkError, import_framework_csv
    from lms.extensions import db

    try:
        with open(file, encoding="utf-8-sig", newline="") as fh:
            summary = import_framework_csv(db.session, fh)
    except UnicodeDecodeError:
        db.session.rollback()
        _fail([f"{file}: not UTF-8 text"])
    except FrameworkError as exc:
        db.session.rollback()
        _fail([str(p) for p in exc.problems])
    if dry_run:
        db.session.rollback()
        click.echo(f"dry run: {summary} (nothing changed)")
    else:
        record_audit(db.session, "framework.changed", target_type="framework",
                     details={"change": "imported", "added": summary.added,
                              "updated": summary.updated, "via": "cli"})
        db.session.commit()
        click.echo(str(summary))


@lms_group.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
def backup(path: Path) -> None:
    """Write one archive (database copy, uploads, instance keys and settings, manifest) to
    PATH, or a dated file in the folder PATH, while the site keeps serving."""
    from lms.ops.archive import BackupError
    from lms.ops.backup import create_backup

    try:
        summary = create_backup(current_app._get_current_object(), path)
    except BackupError as exc:
        _fail([f"lms backup: {exc}"])
    for line in summary.lines():
        click.echo(line)


@lms_group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(path: Path, force: bool) -> None:
    """Check an archive of `lms backup` and restore it, then check integrity and migrate."""
    from flask_migrate import upgrade

    from lms.extensions import db, enable_migrations
    from lms.ops.archive import BackupError
    from lms.ops.restore import restore_backup

    try:
        lines = restore_backup(current_app._get_current_object(), path, force=force)
    except BackupError as exc:
        _fail([f"lms restore: {exc}"])
    for line in lines:
        click.echo(line)
    enable_migrations(current_app)  # the command app of ``lms`` leaves Alembic out
    upgrade(directory=current_app.extensions["migrate"].directory)
    revision = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
    click.echo(f"migrations applied: the schema is at revision {revision}")


# The master process checks the database on the command app; each worker builds the web app.
@lms_group.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--workers", default=lambda: int(os.environ.get("LMS_WORKERS", 0)) or
              min(2 * (os.cpu_count() or 1) + 1, 9), type=int)
@click.option("--read-only", is_flag=True,
              help="Start even when the database cannot be written (writes answer 503).")
def serve(host: str, port: int, workers: int, read_only: bool) -> None:
    """Production server (gunicorn, several worker processes)."""
    from lms.ops.health import database_write_problem
    from lms.server import run

    problem = database_write_problem(current_app._get_current_object())
    if problem and not read_only:
        _fail([f"lms serve: not starting: {problem}; fix it, or start with --read-only"])
    if problem:
        click.echo(f"lms serve: {problem}: serving read-only, writes answer 503", err=True)
    run(host, port, workers)


def main() -> None:
    """Console script entry point: ``lms COMMAND``; the app is built only if the command needs it."""
    from lms import create_app

    # The commands need the database, not the views: the command app starts several times faster.
    lms_group.main(prog_name="lms", obj=ScriptInfo(create_app=lambda: create_app(web=False),
                                                   set_debug_flag=False))
