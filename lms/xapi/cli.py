"""``lms xapi-forward``: send the pending xAPI statements to the LRS; list or retry the ones it
refused. Safe to run from cron every few minutes, also twice at once (statement ids make a
repeated send harmless)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("xapi-forward")
@click.option("--list-parked", is_flag=True,
              help="Only list the statements the LRS refused, with its answers.")
@click.option("--retry-parked", is_flag=True,
              help="Put every refused statement back in the queue before sending.")
@click.option("--retry", "retry_ids", multiple=True, metavar="ID",
              help="Put this refused statement back in the queue before sending (repeatable).")
@with_appcontext
def xapi_forward(list_parked: bool, retry_parked: bool, retry_ids: tuple[str, ...]) -> None:
    """Send pending xAPI statements to the LRS configured in LMS_XAPI_ENDPOINT."""
    from lms.extensions import db  # here, not at the top: ``lms --help`` stays fast
    from lms.xapi.forwarding import ForwardReport, Lrs, forward_batch
    from lms.xapi.services import list_parked as parked_statements
    from lms.xapi.services import requeue_parked

    if list_parked:
        rows = parked_statements(db.session)
        for row in rows:
            click.echo(_line(row))
        click.echo(f"{len(rows)} statement(s) parked")
        return
    endpoint = current_app.config["XAPI_ENDPOINT"]
    if not endpoint:
        click.echo("LMS_XAPI_ENDPOINT is not set", err=True)
        sys.exit(1)
    if retry_parked or retry_ids:
        requeued = requeue_parked(db.session, None if retry_parked else list(retry_ids))
        click.echo(f"{requeued} parked statement(s) back in the queue")
    lrs, report = Lrs(endpoint, current_app.config["XAPI_AUTH"]), ForwardReport()
    while forward_batch(db.session, lrs, report):
        db.session.commit()
    db.session.commit()
    for row in report.parked:
        click.echo(_line(row))
    click.echo(f"{report.sent} statement(s) forwarded")
    if report.parked:
        click.echo(f"{len(report.parked)} statement(s) refused by the LRS and parked "
                   "(lms xapi-forward --list-parked; --retry-parked to send them again)")
    if report.stopped:
        click.echo(f"stopped, the rest stays pending: {report.stopped}", err=True)
        sys.exit(1)


def _line(row) -> str:
    """One parked statement: id, when, who, what, and the LRS's answer."""
    return (f"parked {row.id} {row.timestamp:%Y-%m-%d %H:%M} NIP {row.user.nip} {row.verb} "
            f"{row.activity_id}: {row.parked_reason}")
