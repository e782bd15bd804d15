"""Roles: checking a set of them, reading one from text (CSV, command line), naming them and
what each gives. An account holds a non-empty set of roles; an admin may do what every role
may (``User.has_role``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from lms.auth.models import ROLES

ROLE_LABELS = {"learner": _l("Pegawai (peserta)"), "signer": _l("Penandatangan"),
               "trainer": _l("Pengajar"),
               "manager": _l("Atasan"), "admin": _l("Admin")}
# What each role adds, shown beside the checkboxes of the admin form and in the navigation.
ROLE_GIVES = {
    "learner": _l("Belajar: kursus, katalog, profil kompetensi (setiap akun dapat belajar)."),
    "signer": _l("Menandatangani sertifikat dengan tanda tangan elektronik tersertifikasi "
                 "(TTE BSrE) dari antrean penandatanganan."),
    "trainer": _l("Menyusun dan menerbitkan kursus yang ia miliki, statistik soal dan umpan "
                  "balik."),
    "manager": _l("Memantau pegawai unitnya dan unit di bawahnya, menugaskan kursus, "
                  "memvalidasi bukti kompetensi."),
    "admin": _l("Mengelola pegawai, unit, jabatan, kerangka kompetensi dan token; dapat "
                "melakukan semua yang dapat dilakukan peran lain, untuk seluruh instansi."),
}
_SEPARATORS = re.compile(r"[;,\s]+")


class RoleError(ValueError):
    """A set of roles that no account may hold: empty, or with a role that does not exist."""


def split_roles(text: str) -> list[str]:
    """The roles named in ``text`` (``trainer;manager``, ``trainer, manager``), lower-cased."""
    return [part.lower() for part in _SEPARATORS.split(text or "") if part]


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    """The roles as a set, when each exists and there is at least one; RoleError if not."""
    wanted = frozenset(roles)
    unknown = sorted(wanted.difference(ROLES))
    if unknown:
        raise RoleError(f"unknown role(s) {', '.join(unknown)}: roles are {', '.join(ROLES)}")
    if not wanted:
        raise RoleError(f"at least one role is needed ({', '.join(ROLES)})")
    return wanted


def ordered(roles: Iterable[str]) -> list[str]:
    """The roles from the least to the most powerful (the order of ``ROLES``): how they are
    shown, stored in the audit trail and answered by the API."""
    held = set(roles)
    return [role for role in ROLES if role in held]
