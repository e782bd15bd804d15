"""Outside-training test data: certificate bytes of each type and valid input."""

from __future__ import annotations

import itertools
from dataclasses import replace

from lms.competency.external import ExternalTrainingInput
from lms.competency.uploads import CertificateStore
from lms.timeutil import local_date, utcnow

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
TODAY = local_date(utcnow())

_numbers = itertools.count(1)


def training_input(**changes) -> ExternalTrainingInput:
    """A valid outside training (today, 8 JP) with a fresh certificate number."""
    data = ExternalTrainingInput(
        kind="pelatihan klasikal", title="Pelatihan Pelayanan Prima",
        provider="BPSDM Provinsi Jawa Barat", started_on=TODAY, ended_on=TODAY, jp=8,
        certificate_number=f"BPSDM/{next(_numbers):04d}/2025",
    )
    return replace(data, **changes)


def stored_files(store: CertificateStore) -> list[str]:
    """Names of the files in the store's folder (none when it does not exist yet)."""
    return sorted(p.name for p in store.folder.iterdir()) if store.folder.exists() else []
