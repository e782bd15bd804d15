"""An employee's e-mail address: where notification e-mails go (optional)."""

from __future__ import annotations

import re

from lms.auth.nip import N_

MAX_LENGTH = 254  # RFC 5321: the longest address a mail server accepts
# One @, a local part without spaces, quotes or brackets, a domain of dotted labels ending in a
# letter-only top-level label: what an agency's mail system hands out, not all of RFC 5322.
_ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


class EmailInvalid(ValueError):
    """Not a usable e-mail address. The message is an Indonesian msgid: the web translates it
    (``gettext(str(exc))``), the command line prints it as it is."""


def normalise_email(raw: str | None) -> str | None:
    """The address trimmed with its domain in lower case, or None when empty; EmailInvalid
    when it cannot be an address (spaces, no domain, two @, a dot at either end...)."""
    address = (raw or "").strip()
    if not address:
        return None
    if len(address) > MAX_LENGTH or not _ADDRESS.fullmatch(address):
        raise EmailInvalid(N_("Alamat e-mail tidak sah (contoh: nama@instansi.go.id)."))
    local, domain = address.rsplit("@", 1)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise EmailInvalid(N_("Alamat e-mail tidak sah (contoh: nama@instansi.go.id)."))
    return f"{local}@{domain.lower()}"
