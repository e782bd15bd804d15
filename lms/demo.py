"""Demo organisation and accounts for ``lms seed-demo`` (listed in the README)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.auth.services import create_user
from lms.competency.services import seed_framework
from lms.org.services import create_unit, get_position, get_unit, save_position

DEMO_PASSWORD = "kelasasn2026"

UNITS = [
    ("PEMKOT", "Pemerintah Kota Contoh", None),
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "PEMKOT"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "PEMKOT"),
    ("DUKCAPIL-PIAK", "Bidang Pelayanan Pendaftaran Penduduk", "DUKCAPIL"),
    ("KEC-PLAJU", "Kecamatan Plaju", "PEMKOT"),
    ("KEL-PLAJU-ULU", "Kelurahan Plaju Ulu", "KEC-PLAJU"),
]

# (nip, name, roles, unit, employee type); Hendra heads a kecamatan and also teaches.
ACCOUNTS = [
    ("198001152005011001", "Admin Kepegawaian", {"admin"}, "BKPSDM", "PNS"),
    ("197806202003122002", "Dra. Sri Wahyuni, M.Pd. (Widyaiswara)", {"trainer"}, "BKPSDM",
     "PNS"),
    ("198204102008011003", "Budi Santoso, S.Sos.", {"manager"}, "DUKCAPIL", "PNS"),
    ("198509252010012004", "Rina Marlina, S.Kom.", {"learner"}, "DUKCAPIL-PIAK", "PNS"),
    ("199103052015031005", "Andi Pratama, A.Md.", {"learner"}, "DUKCAPIL-PIAK", "PNS"),
    ("199207142019032006", "Siti Rahmawati, S.E.", {"learner"}, "DUKCAPIL", "PNS"),
    ("199512012023211007", "Yohanes Wambrauw", {"learner"}, "KEL-PLAJU-ULU", "PPPK"),
    ("198711302011011008", "Hendra Gunawan, S.IP.", {"manager", "trainer"}, "KEC-PLAJU",
     "PNS"),
    # The official who signs certificates with a certified electronic signature (BSrE).
    ("197503122000031009", "Dr. Ahmad Fauzi, M.Si.", {"signer"}, "BKPSDM", "PNS"),
]
# nip → e-mail address, on the reserved .example domain (RFC 2606): no mail reaches a person.
EMAILS = {
    "198001152005011001": "admin.kepegawaian@pemkot-contoh.example",
    "197806202003122002": "sri.wahyuni@pemkot-contoh.example",
    "198204102008011003": "budi.santoso@pemkot-contoh.example",
    "198509252010012004": "rina.marlina@pemkot-contoh.example",
    "199103052015031005": "andi.pratama@pemkot-contoh.example",
    "199207142019032006": "siti.rahmawati@pemkot-contoh.example",
    "199512012023211007": "yohanes.wambrauw@pemkot-contoh.example",
    "198711302011011008": "hendra.gunawan@pemkot-contoh.example",
    "197503122000031009": "ahmad.fauzi@pemkot-contoh.example",
}

_M = ("M.01", "M.02", "M.03", "M.04", "M.05", "M.06", "M.07", "M.08", "SK.01")
# (code, name, type, required levels)
POSITIONS = [
    ("KADIS", "Kepala Dinas", "JPT", {c: 4 for c in _M}),
    ("KABID", "Kepala Bidang", "administrator", {c: 3 for c in _M}),
    ("CAMAT", "Camat", "administrator", {**{c: 3 for c in _M}, "M.05": 4}),
    ("PRAKOM-AP", "Pranata Komputer Ahli Pertama", "fungsional",
     {"M.01": 2, "M.02": 2, "M.03": 2, "M.05": 2, "SK.01": 2, "T.01": 3}),
    ("ADM-DUK", "Pengadministrasi Kependudukan", "pelaksana",
     {"M.01": 1, "M.02": 1, "M.03": 2, "M.05": 2, "SK.01": 1, "T.01": 2}),
    ("WIDYAISWARA", "Widyaiswara Ahli Madya", "fungsional",
     {"M.01": 3, "M.03": 3, "M.06": 3, "SK.01": 3}),
]

# nip → (position code, golongan, supervisor nip); unit code → head nip
PLACEMENTS = {
    "198204102008011003": ("KADIS", "IV/b", None),
    "198509252010012004": ("PRAKOM-AP", "III/b", "198204102008011003"),
    "199103052015031005": ("ADM-DUK", "II/c", "198204102008011003"),
    "199207142019032006": ("KABID", "III/c", "198204102008011003"),
    "199512012023211007": ("ADM-DUK", "VII", "198711302011011008"),
    "198711302011011008": ("CAMAT", "III/d", None),
    "197806202003122002": ("WIDYAISWARA", "IV/a", None),
}
HEADS = {"DUKCAPIL": "198204102008011003", "KEC-PLAJU": "198711302011011008"}


def seed_positions(session: Session) -> None:
    """Create the demo positions and place demo employees that have no position yet."""
    seed_framework(session)
    for code, name, type_, required in POSITIONS:
        if get_position(session, code) is None:
            save_position(session, code, name, type_, required)
    users = {u.nip: u for u in session.scalars(select(User).where(
        User.nip.in_(list(PLACEMENTS) + list(HEADS.values()))))}
    for nip, (position, golongan, supervisor) in PLACEMENTS.items():
        user = users.get(nip)
        if user is None or user.position_id is not None:
            continue  # an admin may have placed them since
        user.position = get_position(session, position)
        user.golongan = golongan
        user.supervisor = users.get(supervisor) if supervisor else None
    for code, nip in HEADS.items():
        unit = get_unit(session, code)
        if unit is not None and unit.head_id is None and nip in users:
            unit.head = users[nip]
    session.flush()


def seed(session: Session) -> int:
    """Create missing demo units and accounts; returns how many accounts were created."""
    for code, name, parent in UNITS:
        if get_unit(session, code) is None:
            create_unit(session, code, name, parent)
    existing = {u.nip: u for u in session.scalars(select(User).where(
        User.nip.in_([a[0] for a in ACCOUNTS])))}
    created = 0
    for nip, name, roles, unit, employee_type in ACCOUNTS:
        if nip in existing:
            if existing[nip].email is None:  # seeded before accounts had an address
                existing[nip].email = EMAILS[nip]
            continue
        create_user(session, nip=nip, name=name, roles=roles, unit_code=unit,
                    password=DEMO_PASSWORD, employee_type=employee_type, email=EMAILS[nip])
        created += 1
    seed_positions(session)
    return created
