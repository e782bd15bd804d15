"""NIP (Nomor Induk Pegawai) parsing and validation."""

from __future__ import annotations

import re
from datetime import date

from lms.timeutil import today


def N_(message: str) -> str:  # noqa: N802  (the marker pybabel extracts by default)
    """Mark a message for translation without translating it here."""
    return message


class NipInvalid(ValueError):
    """The NIP does not follow the national format. The message is an Indonesian msgid: the
    web translates it (``gettext(str(exc))``), the command line prints it as it is."""


def normalise_nip(raw: str, employee_type: str = "PNS") -> str:
    """Strip spaces and dots, then check the 18 digits: birth date, appointment month (PNS),
    gender digit; PPPK numbers skip the appointment-month rule."""
    nip = re.sub(r"[\s.]", "", raw or "")
    if not re.fullmatch(r"\d{18}", nip):
        raise NipInvalid(N_("NIP harus 18 digit angka"))
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipInvalid(N_("digit 1-8 NIP bukan tanggal lahir yang sah")) from None
    if not 1900 <= birth.year <= today().year:
        raise NipInvalid(N_("digit 1-8 NIP bukan tanggal lahir yang sah"))
    if employee_type == "PNS":
        year, month = int(nip[8:12]), int(nip[12:14])
        if not (1 <= month <= 12 and birth.year < year <= today().year + 1):
            raise NipInvalid(N_("digit 9-14 NIP bukan bulan pengangkatan yang sah"))
    if nip[14] not in "12":
        raise NipInvalid(N_("digit 15 NIP (jenis kelamin) harus 1 atau 2"))
    return nip


def display_nip(nip: str) -> str:
    """A NIP as people read it, ``YYYYMMDD YYYYMM G NNN`` (anything else as it is)."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == 18 else nip
