"""``lms keys``: the certificate signing key; ``lms certificates issue``: render and sign the
certificates not issued yet (after an upgrade, or before a bulk download)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

keys_group = AppGroup("keys", help="The Ed25519 key that signs certificates.")
certificates_group = AppGroup("certificates", help="Course completion certificates.")
bsre_group = AppGroup("bsre", help="BSrE e-sign (certified electronic signatures).")


def _folder():
    from lms.certificates.keys import key_folder

    return key_folder(current_app.config, current_app.instance_path)


@keys_group.command("show")
def keys_show() -> None:
    """Print the current key id and every published key (current and retired)."""
    from lms.certificates.keys import current_signer, jwks
    from lms.certificates.models import SigningKey
    from lms.extensions import db

    signer = current_signer(db.session, _folder())
    db.session.commit()
    retired = {k.kid: k.retired_at for k in db.session.scalars(db.select(SigningKey))}
    click.echo(f"current key {signer.kid} ({_folder() / 'signing-key.pem'})")
    for key in jwks(db.session)["keys"]:
        when = retired.get(key["kid"])
        click.echo(f"  {key['kid']}  " + (f"retired {when:%Y-%m-%d}" if when else "active"))


@keys_group.command("rotate")
def keys_rotate() -> None:
    """Replace the signing key; certificates signed with the old one stay valid."""
    from lms.certificates.keys import rotate
    from lms.extensions import db

    old, new = rotate(db.session, _folder())
    db.session.commit()
    click.echo(f"new signing key {new}" + (f"; {old} retired (still published)" if old else ""))


@certificates_group.command("issue")
@click.option("--limit", type=int, default=0, help="At most this many (0: all).")
def certificates_issue(limit: int) -> None:
    """Render, store and sign every certificate not issued yet (safe to run again)."""
    from lms.certificates.models import Certificate
    from lms.certificates.services import Issuer, issue
    from lms.extensions import db

    issuer = Issuer.from_config(current_app.config, current_app.instance_path)
    query = db.select(Certificate.id).where(Certificate.issued_at.is_(None)).order_by(
        Certificate.id)
    ids = list(db.session.scalars(query.limit(limit) if limit else query))
    for certificate_id in ids:
        issue(db.session, db.session.get(Certificate, certificate_id), issuer)
        db.session.commit()  # one at a time: a long run keeps what it did
    click.echo(f"{len(ids)} certificate(s) issued")


@bsre_group.command("check")
def bsre_check() -> None:
    """Ask BSrE to verify an empty PDF: proves the URL answers and accepts LMS_BSRE_USER and
    LMS_BSRE_PASSWORD (no official's NIK or passphrase is needed or sent)."""
    from lms.certificates.bsre import (BLANK_PDF, BsreClient, BsreError, BsreSettings,
                                       NotConfigured)

    try:
        settings = BsreSettings.from_config(current_app.config)
    except NotConfigured as exc:
        raise click.ClickException(str(exc)) from None
    try:
        result = BsreClient(settings).verify_pdf(BLANK_PDF, "kelas-asn-check.pdf")
    except BsreError as exc:
        raise click.ClickException(
            f"BSrE at {settings.url}: {exc.__class__.__name__}: {exc.detail}") from None
    click.echo(f"BSrE at {settings.url} answers and accepts the credentials "
               f"(verify of an empty PDF: {result.signatures} signature(s)"
               + (f", {result.summary}" if result.summary else "") + ")")
