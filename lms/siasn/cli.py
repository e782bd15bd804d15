"""``lms siasn``: export the records not yet in SIASN, push them, see and settle their state."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

siasn = AppGroup("siasn", help="Training records for BKN's SIASN.")


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _unit(code: str | None):
    from sqlalchemy import select

    from lms.extensions import db
    from lms.org.models import Unit

    if not code:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        _fail([f"no unit {code}"])
    return unit


@siasn.command("export")
@click.option("--year", type=int, required=True, help="JP year of the records.")
@click.option("--unit", "unit_code", default=None, help="Only this unit and the units below.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder for the two files.")
def siasn_export(year: int, unit_code: str | None, out_dir: Path) -> None:
    """Write the records not yet in SIASN as JSON and CSV, for upload by hand."""
    from lms.audit.services import record_audit
    from lms.extensions import db
    from lms.siasn.records import candidates, export_csv, export_json

    unit = _unit(unit_code)
    rows = candidates(db.session, current_app.config, year=year, unit=unit)
    stem = f"siasn-kursus-{year}" + (f"-{unit.code}" if unit else "")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{stem}.json").write_text(export_json(rows, year=year, unit=unit),
                                              encoding="utf-8")
        (out_dir / f"{stem}.csv").write_text(export_csv(rows), encoding="utf-8")
    except OSError as exc:
        _fail([f"{out_dir}: {exc.strerror}"])
    record_audit(db.session, "export.personal_data", target_type="siasn", target_id=stem,
                 details={"records": len(rows), "via": "cli"})
    db.session.commit()
    waiting = sum(1 for r in rows if not r.ready)
    click.echo(f"{len(rows)} record(s) written to {out_dir / stem}.json and .csv"
               + (f" ({waiting} with problems: see the problems column)" if waiting else ""))


@siasn.command("push")
@click.option("--year", type=int, default=None, help="Only records of this JP year.")
@click.option("--unit", "unit_code", default=None, help="Only this unit and the units below.")
def siasn_push(year: int | None, unit_code: str | None) -> None:
    """Send the records not yet in SIASN (each once, resumable) and their certificates."""
    from lms.extensions import db
    from lms.siasn.client import NotConfigured, SiasnClient, SiasnSettings
    from lms.siasn.lock import PushBusy, push_lock
    from lms.siasn.push import push

    try:
        client = SiasnClient(SiasnSettings.from_config(current_app.config))
    except NotConfigured as exc:
        _fail([f"lms siasn push: {exc}"])
    unit = _unit(unit_code)
    try:
        with push_lock(current_app._get_current_object()):
            report = push(db.session, client, current_app.config, year=year, unit=unit)
    except PushBusy as exc:
        _fail([f"lms siasn push: {exc}"])
    for line in report.lines():
        click.echo(line)
    if report.problems:
        sys.exit(1)


@siasn.command("status")
@click.option("--year", type=int, default=None, help="Only records of this JP year.")
def siasn_status(year: int | None) -> None:
    """How many records are in each state, and those that need the operator."""
    from lms.extensions import db
    from lms.siasn.records import status_counts, troubled

    for status, count in status_counts(db.session, year).items():
        click.echo(f"{status}: {count}")
    for line in troubled(db.session, year):
        click.echo(line)


@siasn.command("resolve")
@click.argument("certificate_number")
@click.option("--in-siasn", is_flag=True, help="It is in SIASN: never send it.")
@click.option("--rw-kursus-id", default=None, help="SIASN's id of the record (with --in-siasn).")
@click.option("--resend", is_flag=True, help="It is not in SIASN: the next push sends it.")
def siasn_resolve(certificate_number: str, in_siasn: bool, rw_kursus_id: str | None,
                  resend: bool) -> None:
    """Settle a record by hand after checking SIASN (e.g. one left "sending")."""
    from lms.extensions import db
    from lms.siasn.push import ResolveError, resolve

    if in_siasn == resend or (rw_kursus_id and not in_siasn):
        _fail(["give either --in-siasn [--rw-kursus-id ID] or --resend"])
    try:
        record = resolve(db.session, certificate_number, in_siasn=in_siasn,
                         rw_kursus_id=rw_kursus_id)
    except ResolveError as exc:
        db.session.rollback()
        _fail([f"lms siasn resolve: {exc}"])
    db.session.commit()
    click.echo(f"{certificate_number}: {record.status}")
