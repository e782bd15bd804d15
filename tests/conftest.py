"""Shared fixtures: app, client, db, runner, clock and factories. Set LMS_TEST_DATABASE_URL to
run the suite on PostgreSQL; by default it runs on a temporary SQLite file. Under pytest-xdist
(``make test`` runs ``-n auto``) every worker has a database of its own (``tests/databases.py``)."""

from __future__ import annotations

import itertools
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import g
from jinja2 import MemcachedBytecodeCache
from sqlalchemy import event
from werkzeug.routing.rules import Rule

from lms import create_app
from lms.auth import services as auth_services
from lms.auth.services import create_user
from lms.competency.services import seed_framework
from lms.competency.uploads import CertificateStore
from lms.courses.importer import import_packages, load_for_import, publish
from lms.extensions import db as _db
from lms.org.services import create_unit
from tests.clock import CLOCK

pytest_plugins = ["tests.databases"]

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "rahasia-123"

# argon2id at the library's recommended cost (64 MiB, 3 passes, 4 lanes) takes about 0.2 s of CPU
# per hash, and the suite hashes thousands of passwords: it was most of the suite's time. The
# tests check what is hashed and verified, not the cost, so they use argon2id's cheapest setting.
auth_services._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _compile_url_builders_once() -> None:
    """Every test builds its own app (``app`` below), and building one compiled each of its
    ~180 URL rules' two builder functions with Python's compiler: 55 ms of CPU per test, a
    sixth of the suite. The compiled function depends only on what the key below names (the
    rule's text, its parsed parts and defaults), so each is compiled once per process and
    bound to each app's rule as Werkzeug does."""
    compile_builder = Rule._compile_builder
    compiled: dict = {}

    def once(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, rule.subdomain, rule.host, tuple(rule._trace),
               repr(sorted((rule.defaults or {}).items())), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = once


_compile_url_builders_once()

_CHROMIUM = {"browser", "browser_without_js"}


def pytest_collection_modifyitems(items) -> None:
    """The long tests first (those that start Chromium and those marked ``slow``), otherwise in
    the collected order. Under ``--dist worksteal`` each worker starts at the front of its
    share and an idle worker takes tests from the back of another's: a long test left for the
    end kept one worker busy while the other waited for it."""
    items.sort(key=lambda item: not (item.get_closest_marker("slow")
                                     or not _CHROMIUM.isdisjoint(item.fixturenames)))


class _TemplateCodeInMemory(dict):
    """Jinja's bytecode cache API (``get``/``set``) on a dict, kept for the whole process."""

    def set(self, key, value, timeout=None):
        self[key] = value


# Every test builds its own app, so its own Jinja environment, which compiled every template
# the test rendered again (Jinja's parser and Python's compiler: a sixth of tests/auth's CPU).
# The compiled code depends only on the template's source, which Jinja checks by checksum, and
# on the environment's settings, which every app of the suite shares.
_TEMPLATE_CODE = MemcachedBytecodeCache(_TemplateCodeInMemory(), prefix="")


@pytest.fixture(autouse=True)
def clock():
    """The clock every test runs on: back at the pinned start instant (ticking from there)
    before each test; ``clock.set(instant)`` / ``clock.freeze(instant)`` / ``clock.advance()``."""
    CLOCK.reset()
    yield CLOCK
    CLOCK.reset()


@pytest.fixture
def app(_migrated, _sqlite_states, tmp_path):
    """A fresh app on the migrated database with the competency framework seeded and an
    upload folder of the test's own (it sees only its own files); every table is emptied
    after the test."""
    app = create_app({**_migrated, "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE

    @app.before_request
    def _forget_signed_in_user():
        # Requests reuse the test's app context, and so its ``g``, where Flask-Login caches
        # the user and Flask-WTF the form token: each request makes its own, as in production.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    with app.app_context():
        if _sqlite_states:
            _sqlite_states.restore(_sqlite_states.seeded)
        else:
            seed_framework(_db.session)
            _db.session.commit()
        yield app
        _db.session.rollback()
        if _sqlite_states:
            _db.session.remove()
            _db.engine.dispose()
            _sqlite_states.restore(_sqlite_states.empty)
            return
        with _db.engine.begin() as conn:
            # One round trip to the server for all the tables.
            preparer = conn.dialect.identifier_preparer
            conn.exec_driver_sql("; ".join(f"DELETE FROM {preparer.format_table(table)}"
                                           for table in reversed(_db.metadata.sorted_tables)))
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def store(app) -> CertificateStore:
    """The app's store of uploaded evidence (certificate scans, task attachments)."""
    return CertificateStore.from_config(app.config)


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def db(app):
    """The Flask-SQLAlchemy extension (``db.session`` inside the app context)."""
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def page_queries(db):
    """GET a page (it must answer 200); returns the SQL statements it ran and its text."""

    def get(client, path: str) -> tuple[int, str]:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get(path)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, path
        return len(statements), response.get_data(as_text=True)

    return get


_seq = itertools.count(1)


def valid_nip(employee_type: str = "PNS") -> str:
    """A fresh NIP that passes validation (PPPK numbers get a non-month in digits 13-14)."""
    n = next(_seq)
    middle = "202121" if employee_type == "PPPK" else "201501"
    # 998 sequence numbers per birth day, then the next day, so a run never runs out; tests
    # use sequence 999 for a NIP nobody has.
    birth = date(1990, 1, 1) + timedelta(days=n // 998)
    return f"{birth:%Y%m%d}{middle}1{n % 998 + 1:03d}"


@pytest.fixture
def make_unit(db):
    counter = itertools.count(1)

    def make(code: str | None = None, name: str = "Unit Uji", parent: str | None = None):
        unit = create_unit(db.session, code or f"U{next(counter)}", name, parent)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_user(db, make_unit):
    def make(role: str = "learner", unit=None, employee_type: str = "PNS", name: str = "Pegawai Uji"):
        unit = unit or make_unit()
        user = create_user(db.session, nip=valid_nip(employee_type), name=name, roles=role,
                           unit_code=unit.code, password=PASSWORD, employee_type=employee_type)
        db.session.commit()
        return user

    return make


@pytest.fixture
def org_tree(make_unit, make_user):
    """Dinas (root) > Bidang A > Seksi A1, and Bidang B beside Bidang A, with managers at
    each level, learners and an admin."""
    root = make_unit("DINAS", "Dinas Kominfo")
    a = make_unit("BID-A", "Bidang A", parent="DINAS")
    a1 = make_unit("SEK-A1", "Seksi A1", parent="BID-A")
    b = make_unit("BID-B", "Bidang B", parent="DINAS")
    return {
        "root": root, "a": a, "a1": a1, "b": b,
        "manager_root": make_user("manager", root, name="Kepala Dinas"),
        "manager_a": make_user("manager", a, name="Kabid A"),
        "manager_b": make_user("manager", b, name="Kabid B"),
        "learner_a": make_user("learner", a, name="Budi"),
        "learner_a1": make_user("learner", a1, name="Citra"),
        "learner_b": make_user("learner", b, name="Dewi"),
        "admin": make_user("admin", b, name="Admin"),
    }


@pytest.fixture
def login(client):
    def do(user, password: str = PASSWORD, target=None):
        return (target or client).post("/masuk", data={"nip": user.nip, "password": password})

    return do


def write_course(root: Path, slug: str = "kursus-uji", *, jp: int = 2, quiz_extra: str = "",
                 max_attempts: int = 0, lesson_body: str = "Isi materi.",
                 quiz_front: str = "") -> Path:
    """Write a small valid package: one module, two lessons and a quiz of three questions."""
    folder = root / slug
    (folder / "01-dasar").mkdir(parents=True, exist_ok=True)
    files = {
        "course.md": f"""
            ---
            title: Kursus Uji
            summary: Kursus kecil untuk pengujian.
            jp: {jp}
            competencies:
              - {{code: M.03, level: 2}}
              - {{code: M.05, level: 1}}
            ---
            Deskripsi kursus.
            """,
        "01-dasar/module.md": """
            ---
            title: Dasar
            ---
            """,
        "01-dasar/01-pengantar.md": f"""
            ---
            title: Pengantar
            minutes: 5
            ---
            {lesson_body}
            """,
        "01-dasar/02-lanjutan.md": """
            ---
            title: Lanjutan
            ---
            Materi kedua.
            """,
        "01-dasar/03-kuis.quiz.md": f"""
            ---
            title: Kuis Dasar
            passing_score: 70
            max_attempts: {max_attempts}
            {quiz_front}
            ---

            ## Berapa menit satu JP? {{#q-jp}}

            = 45

            > Satu JP setara 45 menit.

            ## Pilih ciri komunikasi yang baik. {{#q-ciri points=2}}

            - [x] Jelas
            - [x] Empatik
            - [ ] Bertele-tele

            ## ASN berhak 20 JP per tahun. {{#q-hak}}

            - [x] Benar
            - [ ] Salah
            {quiz_extra}
            """,
    }
    for name, body in files.items():
        (folder / name).write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return folder


@pytest.fixture
def make_course(db, tmp_path):
    """Write and import a small course; returns its slug."""

    def make(slug: str = "kursus-uji", **kwargs) -> str:
        folder = write_course(tmp_path / "src", slug, **kwargs)
        import_packages(db.session, [folder])
        db.session.commit()
        return slug

    return make


_starter_packages: list = []


@pytest.fixture
def starter_courses(db):
    """Import the three starter courses from courses/. They are parsed once per process: into
    an empty database the packages come out the same every time (version 1, the seeded
    framework), so later tests only store them."""
    if not _starter_packages:
        folders = sorted(p for p in (ROOT / "courses").iterdir() if (p / "course.md").exists())
        _starter_packages.extend(load_for_import(db.session, folder) for folder in folders)
    for package in _starter_packages:
        publish(db.session, package, None)
    db.session.commit()
    return [package.slug for package in _starter_packages]


# Answers that pass the small test course's quiz.
PASSING_ANSWERS = {"q-jp": "45", "q-ciri": ["q-ciri-1", "q-ciri-2"], "q-hak": "q-hak-1"}
