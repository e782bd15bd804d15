"""``lms notify``: create the notices that fall due, then send the pending e-mails. Safe to run
from cron every few minutes, also twice at once (see lms.notifications.mail)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("notify")
@click.option("--no-send", is_flag=True, help="Only create the notices that are due.")
@with_appcontext
def notify(no_send: bool) -> None:
    """Create due-soon, overdue and queue-reminder notices, then e-mail what is pending."""
    from lms.extensions import db  # here, not at the top: ``lms --help`` stays fast
    from lms.notifications.jobs import run_notify
    from lms.timeutil import today

    try:
        created, report = run_notify(db.session, current_app.config, today(), send=not no_send)
    except ValueError as exc:
        click.echo(f"lms notify: {exc}", err=True)
        sys.exit(1)
    click.echo(f"notices created: {created}")
    if no_send:
        return
    if report is None:
        click.echo("LMS_SMTP_HOST is not set: no e-mail sent (notices stay in the app)")
        return
    click.echo(str(report))
    for line in report.errors[:20]:
        click.echo(f"lms notify: {line}", err=True)
    if report.errors:
        sys.exit(1)
