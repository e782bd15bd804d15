"""Many certificates' PDFs in one zip file (admins, per course and period)."""

from __future__ import annotations

import re
import tempfile
import zipfile
from typing import IO

from sqlalchemy.orm import Session

from lms.certificates.models import Certificate
from lms.certificates.services import Issuer, issue, pdf_bytes

_SAFE = re.compile(r"[^A-Za-z0-9-]+")
_IN_MEMORY = 16 * 1024 * 1024  # larger archives spill to a temporary file


def archive_name(certificate: Certificate) -> str:
    """``KASN-2026-0000042_199001012015012001_Rina-Marlina.pdf``: sorted by number, with
    the NIP and the name an operator looks for."""
    name = _SAFE.sub("-", certificate.holder_name).strip("-")[:60]
    return f"{certificate.number}_{certificate.holder_nip}_{name}.pdf"


def write_zip(session: Session, certificates: list[Certificate], issuer: Issuer) -> IO[bytes]:
    """A zip of the certificates' PDFs (issuing those not issued yet), rewound for reading;
    revoked ones are left out."""
    archive: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for certificate in certificates:
            if certificate.revoked_at is not None:
                continue
            certificate = issue(session, certificate, issuer)
            info = zipfile.ZipInfo(archive_name(certificate),
                                   date_time=certificate.issued_at.timetuple()[:6])
            bundle.writestr(info, pdf_bytes(certificate, issuer.store))
    archive.seek(0)
    return archive
