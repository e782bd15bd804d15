"""``lms audit``: prune the trail past its retention, print it as CSV."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

audit = AppGroup("audit", help="The audit trail.")


@audit.command("prune")
@click.option("--days", type=int, default=None,
              help="Keep this many days (default: LMS_AUDIT_RETENTION_DAYS).")
def audit_prune(days: int | None) -> None:
    """Delete audit events older than the retention period (0 keeps everything)."""
    from lms.audit.services import prune_audit_events
    from lms.extensions import db  # here, not at the top: ``lms --help`` stays fast

    keep = current_app.config["AUDIT_RETENTION_DAYS"] if days is None else days
    removed = prune_audit_events(db.session, keep)
    db.session.commit()
    click.echo(f"{removed} audit event(s) older than {keep} days removed" if keep > 0
               else "retention is 0: every audit event kept")


@audit.command("export")
@click.option("--action", default="", help="Only this action.")
@click.option("--actor", default="", help="Only events of this actor NIP.")
def audit_export(action: str, actor: str) -> None:
    """Write the audit trail as CSV on standard output."""
    from lms.audit.services import CSV_HEADER, AuditFilter, audit_csv_rows
    from lms.extensions import db
    from lms.reports.exports import iter_csv

    from flask_babel import force_locale

    rows = audit_csv_rows(db.session, AuditFilter(action=action, actor=actor))
    with force_locale("id"):  # headers in Bahasa Indonesia, as the web's default
        for chunk in iter_csv(CSV_HEADER, rows):
            sys.stdout.write(chunk)
