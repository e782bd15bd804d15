"""Demo organisation and accounts for ``lms seed-demo`` (listed in the README)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.auth.services import create_user
from lms.org.services import create_unit, get_unit

DEMO_PASSWORD = "kelasasn2026"

UNITS = [
    ("PEMKOT", "Pemerintah Kota Contoh", None),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "PEMKOT"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "PEMKOT"),
    ("DUKCAPIL-PIAK", "Bidang Pelayanan Pendaftaran Penduduk", "DUKCAPIL"),
    ("KEC-PLAJU", "Kecamatan Plaju", "PEMKOT"),
    ("KEL-PLAJU-ULU", "Kelurahan Plaju Ulu", "KEC-PLAJU"),
]

# (nip, name, role, unit, employee type)
ACCOUNTS = [
    ("198001152005011001", "Admin Kepegawaian", "admin", "BKPSDM", "PNS"),
    ("197806202003122002", "Dra. Sri Wahyuni, M.Pd. (Widyaiswara)", "trainer", "BKPSDM", "PNS"),
    ("198204102008011003", "Budi Santoso, S.Sos.", "manager", "DUKCAPIL", "PNS"),
    ("198509252010012004", "Rina Marlina, S.Kom.", "learner", "DUKCAPIL-PIAK", "PNS"),
    ("199103052015031005", "Andi Pratama, A.Md.", "learner", "DUKCAPIL-PIAK", "PNS"),
    ("199207142019032006", "Siti Rahmawati, S.E.", "learner", "DUKCAPIL", "PNS"),
    ("199512012023211007", "Yohanes Wambrauw", "learner", "KEL-PLAJU-ULU", "PPPK"),
    ("198711302011011008", "Hendra Gunawan, S.IP.", "manager", "KEC-PLAJU", "PNS"),
]


def seed(session: Session) -> int:
    """Create missing demo units and accounts; returns how many accounts were created."""
    for code, name, parent in UNITS:
        if get_unit(session, code) is None:
            create_unit(session, code, name, parent)
    existing = set(session.scalars(select(User.nip)))
    created = 0
    for nip, name, role, unit, employee_type in ACCOUNTS:
        if nip in existing:
            continue
        create_user(session, nip=nip, name=name, role=role, unit_code=unit,
                    password=DEMO_PASSWORD, employee_type=employee_type)
        created += 1
    return created
