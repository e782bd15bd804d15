"""``lms token``: create, list and revoke a user's API tokens (the secret is printed once)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

token = AppGroup("token", help="API tokens.")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def _user(nip: str):
    from lms.admin.services import get_employee
    from lms.extensions import db  # here, not at the top: ``lms --help`` stays fast

    user = get_employee(db.session, nip)
    if user is None:
        _fail(f"no user with NIP {nip}")
    return user


@token.command("create")
@click.argument("nip")
@click.option("--name", default="", help="What the token is for, e.g. the HR system's name.")
@click.option("--expires", "days", type=int, default=None,
              help="Days until it expires (default: LMS_TOKEN_DEFAULT_DAYS).")
def token_create(nip: str, name: str, days: int | None) -> None:
    """Print a new API token for the user with this NIP (shown once, stored as a hash)."""
    from lms.audit.services import record_audit
    from lms.auth.services import AccountError, create_token
    from lms.extensions import db

    user = _user(nip)
    days = current_app.config["TOKEN_DEFAULT_DAYS"] if days is None else days
    try:
        value = create_token(db.session, user, name=name, days=days)
    except AccountError as exc:
        _fail(str(exc))
    record_audit(db.session, "token.created", target_type="user", target_id=user.nip,
                 details={"name": name.strip(), "days": days, "via": "cli"})
    db.session.commit()
    click.echo(value)


@token.command("list")
@click.argument("nip")
def token_list(nip: str) -> None:
    """The user's tokens: id, name, created, last used, expires (never the secret)."""
    from lms.auth.services import list_tokens
    from lms.extensions import db

    rows = list_tokens(db.session, _user(nip))
    click.echo("id\tname\tcreated\tlast_used\texpires")
    for row in rows:
        click.echo("\t".join([str(row.id), row.name or "-", _when(row.created_at),
                              _when(row.last_used_at), _when(row.expires_at, "never")]))


def _when(moment, empty: str = "-") -> str:
    return moment.isoformat(sep=" ", timespec="minutes") + "Z" if moment else empty


@token.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """End the token with this id (from ``lms token list``) at once."""
    from lms.audit.services import record_audit
    from lms.auth.services import get_token, revoke_token
    from lms.extensions import db

    row = get_token(db.session, token_id) if 0 < token_id < 2**31 else None
    if row is None:
        _fail(f"no token with id {token_id}")
    nip, name = row.user.nip, row.name
    revoke_token(db.session, row)
    record_audit(db.session, "token.revoked", target_type="user", target_id=nip,
                 details={"token_id": token_id, "name": name, "via": "cli"})
    db.session.commit()
    click.echo(f"token {token_id} of {nip} revoked")
