"""The English catalogue: complete, no fuzzy entries, placeholders intact, in step with the
source; key pages read in English with no Indonesian interface text left; NIP errors reach
the web translated and the command line readable."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from lms import create_app
from lms.auth.models import User
from lms.competency.models import Competency, CompetencyLevel, ExternalTraining
from lms.courses.models import CourseVersion
from lms.demo import DEMO_PASSWORD
from lms.extensions import db as _db
from lms.org.models import Position, Unit

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]")

ADMIN, MANAGER, LEARNER = "198001152005011001", "198204102008011003", "198509252010012004"


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def _forms(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalog = _catalog()
    untranslated = [m.id for m in catalog if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_plural_entries_have_both_english_forms():
    plurals = [m for m in _catalog() if m.id and m.pluralizable]
    assert plurals, "the catalogue should have plural entries (ngettext)"
    for message in plurals:
        assert len(_strings(message)) == 2 and all(_strings(message)), message.id


def test_placeholders_match_the_msgid():
    bad = []
    for message in _catalog():
        if not message.id:
            continue
        expected = _placeholders(_forms(message)[-1])
        if _forms(message) and _placeholders(_forms(message)[0]) != expected:
            bad.append((message.id, "the two Indonesian forms differ"))
        for string in _strings(message):
            if _placeholders(string) != expected:
                bad.append((message.id, string))
    assert not bad, bad
    assert not list(_catalog().check()), "babel's checkers found problems"


def test_catalogue_holds_every_msgid_of_the_source():
    """Fails when a string was wrapped but `make translations-update` was not run."""
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None,
                "lazy_gettext": None}
    method_map = [("lms/**.py", "python"), ("templates/**.html", "jinja2")]

    def keep(path: str) -> bool:  # like the Makefile's --ignore-dirs: keep templates/_macros
        name = Path(path).name
        return not name.startswith(".") and name != "__pycache__"

    found = set()
    for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords, directory_filter=keep):
        found.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    known = {_forms(m)[0] for m in _catalog() if m.id}
    missing = sorted(found - known)
    assert not missing, f"run `make translations-update` and translate: {missing}"


# --- pages in English -------------------------------------------------------------------

@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory) -> Path:
    """The English catalogue compiled from the .po as it is now (the .mo is not in git)."""
    folder = tmp_path_factory.mktemp("translations")
    target = folder / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as fh:
        write_mo(fh, _catalog())
    return folder


@pytest.fixture
def english(app, compiled_translations):
    """A client of the same app reading the freshly compiled catalogue."""
    fresh = create_app({**app.config,
                        "BABEL_TRANSLATION_DIRECTORIES": str(compiled_translations)})
    yield fresh.test_client()
    with fresh.app_context():
        _db.engine.dispose()  # its own engine: close its connections now, not at GC time


@pytest.fixture
def demo(runner, starter_courses):
    """The demo organisation, accounts and learning history."""
    result = runner.invoke(args=["lms", "seed-demo"])
    assert result.exit_code == 0, result.output


def _sign_in(client, nip: str, password: str = DEMO_PASSWORD) -> None:
    client.get("/bahasa/en?next=/")
    assert client.post("/masuk", data={"nip": nip, "password": password}).status_code == 302


class _Text(HTMLParser):
    """Visible text plus the attributes read aloud (aria-label, title, alt, placeholder),
    leaving out scripts and what is marked as another language (``lang="id"``)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0
        self._skipped: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style") or (tag != "html" and dict(attrs).get("lang") == "id"):
            self._skip += 1
            self._skipped.append(tag)
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self._skipped and self._skipped[-1] == tag:
            self._skipped.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


# Indonesian words an English page has no reason to show outside the organisation's data.
INDONESIAN = re.compile(
    r"\b(yang|dan|tidak|belum|sudah|untuk|dengan|dari|pada|atau|ini|itu|semua|pegawai|kursus|"
    r"pelatihan|kompetensi|jabatan|atasan|kesenjangan|tahun|simpan|unduh|lihat|catat|"
    r"tugaskan|halaman|sertifikat|tanggal|selesai|wajib|kembali|pilih)\b", re.I)


def _data_strings(db) -> list[str]:
    """Names the organisation typed (units, people, positions, competencies, courses) and
    what employees wrote (proposed needs, plan activities)."""
    from lms.planning.models import Aspiration, PlanItem

    values: set[str] = set()
    for column in (Unit.name, User.name, Position.name, Competency.name,
                   Competency.description, CompetencyLevel.description, CourseVersion.title,
                   ExternalTraining.title, ExternalTraining.provider, Aspiration.topic,
                   Aspiration.reason, PlanItem.title):
        values.update(v for v in db.session.scalars(select(column)) if v)
    return sorted(values, key=len, reverse=True)


def _leftover_indonesian(html: str, db) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for value in _data_strings(db):
        text = text.replace(value, " ")
    found = [m.group(0) for m in INDONESIAN.finditer(text)]
    for message in _catalog():
        if not message.id or any(_forms(message)[0] == s for s in _strings(message)):
            continue
        for msgid in _forms(message):
            # The longest literal stretch of the msgid, placeholders cut out.
            chunk = max(PLACEHOLDER.split(msgid), key=len).strip(" .:;,")
            if len(chunk) >= 5 and re.search(rf"(?<!\w){re.escape(chunk)}(?!\w)", text):
                found.append(msgid)
    return found


def test_manager_dashboard_in_english(english, demo, db):
    _sign_in(english, MANAGER)
    html = english.get("/atasan/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Manager dashboard</h1>" in html
    assert "3 employees have overdue mandatory training." in html
    assert re.search(r"\d+ of \d+ employees have reached the JP target", html)
    assert not _leftover_indonesian(html, db)


def test_training_needs_page_in_english(english, demo, db):
    _sign_in(english, MANAGER)
    html = english.get("/atasan/kebutuhan").get_data(as_text=True)
    assert "<h1>Competency Development Needs Analysis</h1>" in html
    assert re.search(r"\d+ competenc(y has a gap|ies have gaps)", html)
    assert not _leftover_indonesian(html, db)


def test_admin_index_in_english(english, demo, db):
    _sign_in(english, ADMIN)
    html = english.get("/admin/").get_data(as_text=True)
    assert "<h1>Administration</h1>" in html and "Competency framework" in html
    assert not _leftover_indonesian(html, db)


def test_outside_training_form_in_english(english, demo, db):
    _sign_in(english, LEARNER)
    html = english.get("/profil/pelatihan-luar/baru").get_data(as_text=True)
    assert "Record Training Outside Kelas ASN" in html and "Certificate number" in html
    assert not _leftover_indonesian(html, db)
    # Errors come back in English too.
    response = english.post("/profil/pelatihan-luar/baru", data={"jp": "abc", "kind": "x"})
    html = response.get_data(as_text=True)
    assert "Enter a whole number." in html and "Choose a training type from the list." in html
    assert not _leftover_indonesian(html, db)


def test_admin_records_outside_training_in_english(english, demo, db):
    _sign_in(english, ADMIN)
    html = english.get(f"/atasan/pegawai/{LEARNER}/pelatihan-luar/baru").get_data(as_text=True)
    assert "Record Training Outside Kelas ASN" in html
    assert not _leftover_indonesian(html, db)


def test_indonesian_stays_the_default(client, demo):
    client.post("/masuk", data={"nip": MANAGER, "password": DEMO_PASSWORD})
    html = client.get("/atasan/").get_data(as_text=True)
    assert "<h1>Dasbor Atasan</h1>" in html
    assert "3 pegawai punya pelatihan wajib yang lewat tenggat." in html


# --- NIP errors --------------------------------------------------------------------------

def test_nip_error_is_english_on_the_admin_form(english, demo, db):
    _sign_in(english, ADMIN)
    unit = db.session.scalar(select(Unit.id).where(Unit.code == "BKPSDM"))
    html = english.post("/admin/pegawai/baru", data={
        "nip": "12345", "name": "Ani", "employee_type": "PNS", "roles": "learner",
        "unit": str(unit), "active": "y"}).get_data(as_text=True)
    assert "the NIP must be 18 digits" in html
    assert "NIP harus 18 digit" not in html


def test_nip_error_is_readable_on_the_command_line(runner, db, tmp_path):
    csv = tmp_path / "pegawai.csv"
    csv.write_text("nip,name,employee_type,unit_code,unit_name\n"
                   "12345,Ani,PNS,DINAS,Dinas Contoh\n"
                   "198513122010011001,Budi,PNS,DINAS,Dinas Contoh\n", encoding="utf-8")
    result = runner.invoke(args=["lms", "import-employees", str(csv)])
    assert result.exit_code == 1
    # In English, as the command's other lines (it used to mix English and Indonesian).
    assert "line 2: the NIP must be 18 digits" in result.output
    assert "line 3: digits 1-8 of the NIP are not a valid date of birth" in result.output


def test_application_task_pages_in_english(english, demo, db):
    """Rina's task page and Budi's assessment page read in English, bar what people wrote
    (the report) and the course's own text (the task)."""
    from lms.application_tasks.models import TaskSubmission

    def interface(html: str) -> str:
        html = re.sub(r'<div class="report-text">.*?</div>', "", html, flags=re.S)
        return re.sub(r'<div class="prose card"[^>]*>.*?</div>', "", html, flags=re.S)

    report = db.session.scalar(select(TaskSubmission.id))
    _sign_in(english, LEARNER)
    html = english.get("/kursus/layanan-publik-digital/tugas").get_data(as_text=True)
    assert "Application task" in html and "Awaiting the supervisor's assessment" in html
    assert not _leftover_indonesian(interface(html), db)
    english.post("/keluar")
    _sign_in(english, MANAGER)
    html = english.get(f"/atasan/tugas-penerapan/{report}").get_data(as_text=True)
    assert "Save the assessment" in html and "Meets the task" in html
    assert not _leftover_indonesian(interface(html), db)
    html = english.get("/atasan/tindakan").get_data(as_text=True)
    assert "Assess the report" in html and "report awaiting assessment" in html
