"""The ``lms`` command line (also ``flask --app lms lms …``).

Start-up time matters here (an operator types these commands, cron runs them): this module
imports only click and Flask's CLI helpers. Each command imports what it needs, and the
application itself is built only when a command runs that needs it (``with_appcontext``), so
``lms --help`` never loads SQLAlchemy, the models or the views.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from lms.audit.cli import audit as audit_commands
from lms.auth.cli import token as token_commands
from lms.certificates.cli import bsre_group, certificates_group, keys_group
from lms.notifications.cli import notify as notify_command
from lms.org.cli import import_employees as import_employees_command
from lms.org.cli import units as units_commands
from lms.org.cli import users as users_commands
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
lms_group.add_command(users_commands)
lms_group.add_command(units_commands)
lms_group.add_command(import_employees_command)


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
              _default_workers(), type=int)
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


def _default_workers() -> int:
    from lms.server import default_workers  # gunicorn: only for the command that serves

    return default_workers()


def main() -> None:
    """Console script entry point: ``lms COMMAND``; the app is built only if the command needs it."""
    from lms import create_app

    # The commands need the database, not the views: the command app starts several times faster.
    lms_group.main(prog_name="lms", obj=ScriptInfo(create_app=lambda: create_app(web=False),
                                                   set_debug_flag=False))
