"""Build a synthetic agency for bench/bench_agency.py and its smoke test.

A unit tree (1 root, eselon-II units, eselon III and IV below), about 30 positions with
required competency levels (through the real position service), courses written as packages
and imported with the real importer, then employees with valid NIPs, golongan, positions and
supervisors, and their progress over this year and the last two: enrolments, lesson
completions, quiz attempts, completed courses with competency evidence, JP ledger entries and
xAPI statements shaped as ``lms.learning.services.complete_course_if_done`` writes them,
mandatory course assignments (some overdue), validated and rejected evidence, and a few
validated outside trainings. Rows are bulk-inserted with SQLAlchemy Core ``insert()``
executemany and explicit ids (PostgreSQL sequences are moved past them afterwards)."""

from __future__ import annotations

import random
import textwrap
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from bench.agency_history import MANAGERIAL, Rows, add_outside_training, add_progress
from lms.auth.models import User, UserRole
from lms.auth.nip import normalise_nip
from lms.auth.services import hash_password
from lms.competency.services import seed_framework
from lms.courses.importer import import_packages
from lms.courses.models import Course, CourseVersion
from lms.courses.services import ordered_items
from lms.planning.models import CourseAssignment
from lms.org.models import Unit
from lms.org.services import save_position
from lms.timeutil import local_date, utcnow

PASSWORD = "bench-agency-1"
COURSES = [  # title, jp, competencies evidenced
    ("Integritas dan Etika ASN", 4, {"M.01": 2}),
    ("Kerja Sama Lintas Unit", 3, {"M.02": 2}),
    ("Komunikasi Publik yang Efektif", 4, {"M.03": 2}),
    ("Orientasi pada Hasil dan Manajemen Kinerja", 6, {"M.04": 2}),
    ("Pelayanan Publik Prima", 4, {"M.05": 2}),
    ("Coaching dan Mentoring", 8, {"M.06": 3}),
    ("Mengelola Perubahan Organisasi", 6, {"M.07": 3}),
    ("Pengambilan Keputusan Berbasis Data", 6, {"M.08": 3, "T.01": 2}),
    ("Wawasan Kebangsaan", 4, {"SK.01": 2}),
    ("Layanan Publik Digital", 4, {"T.01": 2}),
    ("Keamanan Informasi bagi ASN", 2, {"T.01": 1}),
    ("Manajemen Waktu", 2, {"M.04": 1}),
    ("Penulisan Naskah Dinas", 3, {"M.03": 1}),
    ("Kepemimpinan Pengawas", 10, {"M.06": 2, "M.08": 2}),
    ("Kepemimpinan Administrator", 12, {"M.07": 3, "M.08": 3}),
    ("Pengelolaan Keuangan Negara", 6, {"M.04": 2}),
    ("Budaya Antikorupsi", 4, {"M.01": 3}),
    ("Analisis Kebijakan Publik", 8, {"M.08": 2}),
    ("Literasi Data Pemerintahan", 6, {"T.01": 3}),
    ("Moderasi Beragama", 3, {"SK.01": 3}),
]
POSITIONS = (  # type, names, required levels (base), golongan
    ("JPT", ["Kepala Badan", "Kepala Pusat"], 4, ["IV/c", "IV/d", "IV/e"]),
    ("administrator", ["Kepala Bidang", "Kepala Bagian", "Kepala Subdirektorat"], 3,
     ["IV/a", "IV/b"]),
    ("pengawas", ["Kepala Seksi", "Kepala Subbagian", "Kepala Subbidang"], 2,
     ["III/c", "III/d"]),
    ("fungsional", [f"{n} {lv}" for n in ("Analis Kebijakan", "Pranata Komputer",
                                           "Analis SDM Aparatur", "Perencana", "Auditor")
                    for lv in ("Ahli Pertama", "Ahli Muda")]
     + ["Arsiparis Terampil", "Pranata Humas Ahli Pertama", "Statistisi Ahli Pertama",
        "Widyaiswara Ahli Muda"], 2, ["III/a", "III/b", "III/c", "III/d", "IV/a"]),
    ("pelaksana", ["Pengadministrasi Umum", "Pengelola Keuangan", "Pengolah Data",
                   "Pengadministrasi Kepegawaian", "Pengelola Barang Milik Negara",
                   "Operator Layanan", "Penata Laporan Keuangan", "Pengemudi"], 1,
     ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b"]),
)
FIRST = ("Agus Budi Citra Dewi Eko Fitri Gilang Hana Indra Joko Kartika Lestari Made Nur "
         "Putu Rina Sari Teguh Utami Wahyu Yusuf Zahra Bayu Dian Rahmat Siti Ahmad Ayu").split()
LAST = ("Santoso Wijaya Pratama Lestari Saputra Hidayat Nugroho Kurniawan Rahmawati Setiawan "
        "Siregar Nasution Simanjuntak Wibowo Susanti Hakim Putri Ramadhan Permana Halim").split()
TOPICS = ("Perencanaan", "Pelayanan", "Data dan Informasi", "Evaluasi", "Pengembangan", "Umum",
          "Program", "Keuangan", "Kerja Sama", "Pengaduan")


@dataclass(frozen=True)
class AgencySpec:
    """How big an agency to build."""

    employees: int = 1000
    units: int = 300
    courses: int = 20
    seed: int = 2026


@dataclass
class AgencyBuilt:
    """What was built: who to sign in as, rows per table and the totals a dashboard of this
    year must show for the whole agency."""

    root_code: str
    eselon2_code: str
    admin_nip: str
    manager_nip: str  # the head of ``eselon2_code``
    password: str
    rows: dict[str, int] = field(default_factory=dict)
    active: int = 0
    met: int = 0  # active employees whose JP this year reached their target
    overdue: int = 0  # active employees with a mandatory course past due and not completed
    manager_scope: int = 0  # active employees in ``eselon2_code``'s subtree
    seconds: float = 0.0


def _course_package(root: Path, slug: str, title: str, jp: int, levels: dict[str, int]) -> Path:
    """Write a small package: two modules, four lessons, a required final quiz."""
    folder = root / slug
    competencies = "\n".join(f"  - {{code: {c}, level: {lv}}}" for c, lv in levels.items())
    files = {
        "course.md": f"---\ntitle: {title}\nsummary: Pelatihan {title.lower()} bagi ASN.\n"
                     f"jp: {jp}\ncompetencies:\n{competencies}\nprovider: BPSDM\n---\n"
                     f"Kursus daring {title}.\n",
        "01-konsep/module.md": "---\ntitle: Konsep Dasar\n---\n",
        "01-konsep/01-pengantar.md": "---\ntitle: Pengantar\nminutes: 10\n---\nIsi pengantar.\n",
        "01-konsep/02-prinsip.md": "---\ntitle: Prinsip\nminutes: 15\n---\nIsi prinsip.\n",
        "02-praktik/module.md": "---\ntitle: Praktik\n---\n",
        "02-praktik/01-studi-kasus.md": "---\ntitle: Studi Kasus\nminutes: 20\n---\nKasus.\n",
        "02-praktik/02-rangkuman.md": "---\ntitle: Rangkuman\nminutes: 5\n---\nRangkuman.\n",
        "02-praktik/03-kuis-akhir.quiz.md": textwrap.dedent("""\
            ---
            title: Kuis Akhir
            passing_score: 70
            max_attempts: 3
            ---

            ## Satu JP setara dengan berapa menit? {#q-jp}

            = 45

            ## Setiap PNS berhak atas 20 JP pengembangan kompetensi per tahun. {#q-hak}

            - [x] Benar
            - [ ] Salah
            """),
    }
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body, encoding="utf-8")
    return folder


def _import_courses(session: Session, spec: AgencySpec, folder: Path) -> list[dict]:
    """Import the generated packages; return what progress rows need of each course."""
    paths = []
    for i in range(spec.courses):
        title, jp, levels = COURSES[i % len(COURSES)]
        if i >= len(COURSES):
            title = f"{title} {i // len(COURSES) + 1}"
        paths.append(_course_package(folder, f"agensi-{i + 1:02d}", title, jp, levels))
    import_packages(session, paths)
    versions = session.scalars(
        select(CourseVersion).join(Course, (Course.id == CourseVersion.course_id)
                                   & (Course.current_number == CourseVersion.number))
        .where(Course.slug.like("agensi-%")).order_by(Course.slug))
    courses = []
    for v in versions:
        items = ordered_items(v)
        courses.append({
            "id": v.course_id, "slug": v.course.slug, "version_id": v.id, "number": v.number,
            "title": v.title, "jp": v.jp, "kind": v.kind, "provider": v.provider,
            "levels": [(c.competency_code, c.level) for c in v.competencies],
            "lessons": [i.key for i in items if i.kind == "lesson"],
            "titles": {i.key: i.title for i in items},
            "quiz": next(i.key for i in items if i.kind == "quiz"),
        })
    return courses


def _positions(session: Session, rng: random.Random) -> dict[str, list[int]]:
    """About 30 positions through the real service; position ids by type."""
    by_type: dict[str, list[int]] = {}
    for type_, names, base, _gol in POSITIONS:
        for n, name in enumerate(names, 1):
            wanted = (MANAGERIAL if type_ in ("JPT", "administrator")
                      else rng.sample(MANAGERIAL, 3)) + ["SK.01"]
            if type_ in ("fungsional", "pelaksana"):
                wanted.append("T.01")
            required = {c: min(5, max(1, base + rng.choice((0, 0, 1)))) for c in wanted}
            code = f"{type_[:3].upper()}-{n:02d}"
            by_type.setdefault(type_, []).append(
                save_position(session, code, name, type_, required).id)
    return by_type


def _unit_tree(rows: Rows, count: int, rng: random.Random) -> list[dict]:
    """1 root, up to 10 eselon-II units, 4 eselon-III units under each, the rest eselon IV."""
    units = [dict(id=rows.add(Unit, code="AGN", name="Badan Pengembangan SDM", parent_id=None,
                              head_id=None), level=1, code="AGN")]
    e2 = max(1, min(10, round((count - 1) / 29.9))) if count > 1 else 0
    e3 = min(count - 1 - e2, 4 * e2)
    e4 = count - 1 - e2 - e3
    kinds2 = ["Sekretariat"] + [f"Pusat {n}" for n in ("Pelayanan", "Data", "Kebijakan",
                                "Pengawasan", "Perencanaan", "Keuangan", "Kepegawaian",
                                "Teknologi", "Hukum")]
    for level, number, names in ((2, e2, kinds2), (3, e3, ["Bidang", "Bagian"]),
                                 (4, e4, ["Seksi", "Subbagian", "Subbidang"])):
        parents = [u for u in units if u["level"] == level - 1]
        for i in range(number):
            parent = parents[i % len(parents)]
            code = f"{parent['code']}.{i // len(parents) + 1:02d}"
            name = (names[i % len(names)] if level == 2 else
                    f"{rng.choice(names)} {rng.choice(TOPICS)} {i // len(parents) + 1}")
            units.append(dict(id=rows.add(Unit, code=code, name=name, parent_id=parent["id"],
                                          head_id=None), level=level, code=code,
                              parent=parent["id"]))
    return units


def _nip(rng: random.Random, employee_type: str, taken: set[str]) -> str:
    """A NIP that passes ``normalise_nip``: birth date, appointment month (PNS), gender."""
    while True:
        born = date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
        if employee_type == "PPPK":
            middle = f"{rng.randint(2021, 2025)}21"  # 13-14 are not a month for PPPK
        else:
            middle = f"{rng.randint(born.year + 19, min(born.year + 35, 2025))}" \
                     f"{rng.randint(1, 12):02d}"
        nip = f"{born:%Y%m%d}{middle}{rng.choice('12')}{rng.randint(1, 999):03d}"
        if nip not in taken:
            taken.add(nip)
            return normalise_nip(nip, employee_type)


def _mandatory(courses: list[dict], today: date) -> list[tuple[int, date, int | None]]:
    """(course index, due date, eselon-II units it covers: None for all, else how many)."""
    wanted = [(0, today - timedelta(days=60), None), (4, today + timedelta(days=45), None),
              (10, today - timedelta(days=10), 3)]
    seen, out = set(), []
    for index, due, reach in wanted:
        index = min(index, len(courses) - 1)
        if index not in seen:
            seen.add(index)
            out.append((index, due, reach))
    return out


def build_agency(session: Session, spec: AgencySpec, folder: Path,
                 targets: dict[str, int] | None = None) -> AgencyBuilt:
    """Build the agency in ``session`` (flushes, does not commit); ``folder`` receives the
    generated course packages. Needs more employees than units (every unit gets a head)."""
    if spec.employees <= spec.units:
        raise ValueError("an agency needs more employees than units")
    targets = targets or {"PNS": 20, "PPPK": 20}
    started = time.perf_counter()
    rng = random.Random(spec.seed)
    now = utcnow()
    today = local_date(now)
    seed_framework(session)
    courses = _import_courses(session, spec, folder)
    positions = _positions(session, rng)
    session.flush()
    rows = Rows(session)
    units = _unit_tree(rows, spec.units, rng)
    eselon2 = {}  # unit id -> its eselon-II ancestor (None for the root)
    for unit in units:
        eselon2[unit["id"]] = (unit["id"] if unit["level"] == 2 else
                               eselon2.get(unit.get("parent")))
    first_e2 = [u["id"] for u in units if u["level"] == 2]
    mandatory = _mandatory(courses, today)
    built = AgencyBuilt(root_code="AGN", eselon2_code=units[1]["code"], admin_nip="",
                        manager_nip="", password=PASSWORD)
    heads, people = _employees(rows, spec, units, positions, rng, now, built)
    rows.flush(force=True)
    session.execute(update(Unit.__table__).where(Unit.__table__.c.id == bindparam("uid"))
                    .values(head_id=bindparam("hid")),
                    [{"uid": unit_id, "hid": user_id} for unit_id, user_id in heads.items()])
    admin_id = people[len(heads)]["id"]
    for person in people:
        reach = eselon2.get(person["unit_id"])
        assigned = {index: due for index, due, limit in mandatory
                    if limit is None or reach in first_e2[:limit]}
        for index, due in assigned.items():
            rows.add(CourseAssignment, user_id=person["id"], course_id=courses[index]["id"],
                     due_on=due, assigned_by_id=admin_id,
                     assigned_at=datetime.combine(due - timedelta(days=120), datetime.min.time()))
        jp, overdue = add_progress(rows, person, courses, assigned, rng, now, today)
        jp += add_outside_training(rows, person, rng, now, today)
        if person["active"]:
            built.active += 1
            built.met += jp >= targets.get(person["employee_type"], targets["PNS"])
            built.overdue += overdue
            built.manager_scope += reach == first_e2[0]
        rows.flush()
    rows.flush(force=True)
    _move_sequences(session, rows)
    built.rows = dict(rows.counts, units=len(units), courses=len(courses),
                      positions=sum(len(v) for v in positions.values()))
    built.seconds = time.perf_counter() - started
    return built


def _employees(rows: Rows, spec: AgencySpec, units: list[dict], positions: dict[str, list[int]],
               rng: random.Random, now: datetime, built: AgencyBuilt):
    """A head (manager) for every unit, top-down, then an admin in the root unit, then staff
    spread over the tree (more in the lower units); returns heads by unit and the people."""
    password_hash = hash_password(PASSWORD)  # one Argon2 hash: hashing 50,000 would take hours
    golongan = {type_: gol for type_, _names, _base, gol in POSITIONS}
    head_type = {1: "JPT", 2: "JPT", 3: "administrator", 4: "pengawas"}
    weights = [{1: 20, 2: 15, 3: 25, 4: 30}[u["level"]] for u in units]
    placement = units + [units[0]] + rng.choices(units, weights, k=spec.employees - len(units) - 1)
    heads: dict[int, int] = {}
    people, taken = [], set()
    for index, unit in enumerate(placement):
        head = index < len(units)
        admin = index == len(units)
        type_ = (head_type[unit["level"]] if head else "administrator" if admin
                 else rng.choices(("fungsional", "pelaksana"), (45, 55))[0])
        employee_type = "PPPK" if not head and not admin and rng.random() < 0.1 else "PNS"
        position = positions[type_][0 if head and unit["level"] == 1 else
                                    (1 if head and unit["level"] == 2 else
                                     rng.randrange(len(positions[type_])))]
        supervisor = heads.get(unit.get("parent")) if head else heads[unit["id"]]
        person = dict(
            nip=_nip(rng, employee_type, taken), name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            employee_type=employee_type, unit_id=unit["id"], position_id=position,
            golongan=(rng.choice(("V", "VII", "IX", "X")) if employee_type == "PPPK"
                      else rng.choice(golongan[type_])),
            supervisor_id=supervisor, password_hash=password_hash,
            active=head or admin or rng.random() > 0.015, session_version=1,
            created_at=now - timedelta(days=rng.randint(800, 1500)),
        )
        person["id"] = rows.add(User, **person)
        rows.add(UserRole, user_id=person["id"],
                 role="manager" if head else "admin" if admin else "learner")
        people.append(person)
        if head:
            heads[unit["id"]] = person["id"]
        if admin:
            built.admin_nip = person["nip"]
        if head and unit["code"] == built.eselon2_code:
            built.manager_nip = person["nip"]
    return heads, people


def _move_sequences(session: Session, rows: Rows) -> None:
    """On PostgreSQL, move each id sequence past the explicit ids (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in rows.next_id:
        table = model.__tablename__
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT coalesce(max(id), 1) FROM {table}))"))
