"""axe-core in a real headless Chromium on every page type, at 1280 px and at 360 px wide:
no violation of WCAG 2.0/2.1/2.2 A and AA (tags wcag2a, wcag2aa, wcag21aa, wcag22aa).

axe-core is vendored (tests/e2e/vendor/axe.min.js, see its README): nothing is fetched at test
time. The site is the demo agency (starter courses, demo accounts and their history), signed in
as the learner, the manager, the trainer, the signer and the admin in turn; the mail settings
are set so the password-reset pages show (nothing is sent but to a local aiosmtpd server)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.auth.reset import make_token
from lms.certificates.models import Certificate
from lms.competency.models import ExternalTraining
from lms.demo import DEMO_PASSWORD
from tests.mail_server import mail_server, smtp  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
WIDTHS = (1280, 360)
LEARNER, MANAGER, TRAINER, ADMIN, SIGNER = (
    "198509252010012004", "198204102008011003", "197806202003122002", "198001152005011001",
    "197503122000031009")
NEW_LEARNER = "199103052015031005"  # Andi: has not taken the quiz yet
COURSE = "manajemen-waktu"
QUIZ = f"/kursus/{COURSE}/kuis/kuis-prinsip-dan-prioritas"
MENTORING = "the demo mentoring programme's page"  # resolved by _mentoring_page


@pytest.fixture
def demo_site(db, starter_courses, runner, live_server, smtp):
    """The demo agency as `lms seed-demo` makes it (accounts, course owners, history), with a
    mail server (so "Lupa kata sandi?" offers the e-mailed reset)."""
    result = runner.invoke(args=["lms", "seed-demo"])
    assert result.exit_code == 0, result.output
    return live_server


def _user(db, nip: str) -> User:
    return db.session.scalar(select(User).where(User.nip == nip))


def _violations(browser) -> list[str]:
    """axe's violations of the page as lines: rule, impact, and the first elements."""
    if not browser.execute_script("return !!window.axe"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary)}))))"
        ".catch(e => done([{id: 'axe-error', impact: '', help: String(e), nodes: []}]));",
        TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {json.dumps(v['nodes'])}" for v in found]


def _width(browser, width: int) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})


def _sign_in(browser, base: str, nip: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{base}/masuk")
    browser.find_element(By.ID, "nip").send_keys(nip)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wait_for(browser, lambda b: "/masuk" not in b.current_url)


def _wait_for(browser, condition) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 15, ignored_exceptions=(WebDriverException,)).until(condition)


def _check(browser, base: str, paths: list[str], problems: dict) -> None:
    """Open each path at both widths and keep axe's violations by (path, width)."""
    for path in paths:
        for width in WIDTHS:
            _width(browser, width)
            browser.get(base + path)
            found = _violations(browser)
            if found:
                problems[f"{path} @ {width}px"] = found


def _check_here(browser, name: str, problems: dict) -> None:
    """The page as it is (the answer to a POST), at both widths, without loading it again."""
    for width in WIDTHS:
        _width(browser, width)
        found = _violations(browser)
        if found:
            problems[f"{name} @ {width}px"] = found


def _report(problems: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in problems.items())


def _submit_wrong(browser, fields: dict[str, str]) -> None:
    """Fill the page's form, send it and wait for the answer with its field errors."""
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "p.field-error"))


def test_visitor_pages(app, db, demo_site, browser):
    code = db.session.scalar(select(Certificate.code).limit(1))
    with app.test_request_context():
        token = make_token(app.config["SECRET_KEY"], _user(db, LEARNER))
    problems: dict = {}
    _check(browser, demo_site, [
        "/masuk", "/bantuan", "/halaman-yang-tidak-ada", "/offline", f"/verifikasi/{code}",
        "/lupa-kata-sandi", "/lupa-kata-sandi/terkirim", f"/atur-kata-sandi/{token}",
        "/atur-kata-sandi/tidak-berlaku"], problems)
    # The forms answered with their errors: nothing typed; a password too short.
    browser.get(demo_site + "/lupa-kata-sandi")
    _submit_wrong(browser, {"identity": " "})
    _check_here(browser, "reset request: nothing typed", problems)
    browser.get(f"{demo_site}/atur-kata-sandi/{token}")
    _submit_wrong(browser, {"password": "pendek", "confirm": "lain"})
    _check_here(browser, "new password: too short", problems)
    assert not problems, _report(problems)


def test_learner_pages(db, demo_site, browser):
    from selenium.webdriver.common.by import By

    _sign_in(browser, demo_site, LEARNER)
    problems: dict = {}
    _check(browser, demo_site, [
        "/", "/kursus", "/kursus?q=rapat", "/kursus?q=Eisenhower&kompetensi=M.03",
        f"/kursus/{COURSE}/materi/matriks-eisenhower", QUIZ, "/profil",
        "/profil/pelatihan-luar/baru", "/notifikasi", "/peran", "/token-api", "/rencana",
        "/usulan"], problems)
    # The course page's "Baca offline" box, shown by its script, then with the course stored.
    for width in WIDTHS:
        _width(browser, width)
        browser.get(f"{demo_site}/kursus/{COURSE}")
        _wait_for(browser, lambda b: b.find_element(By.ID, "offline-save").is_displayed())
        _check_here(browser, f"/kursus/{COURSE} (offline box) @ {width}", problems)
    browser.find_element(By.ID, "offline-store").click()
    _wait_for(browser, lambda b: b.find_element(By.ID, "offline-remove").is_displayed())
    _check_here(browser, f"/kursus/{COURSE} (stored offline)", problems)
    # An outside training's certificate form, filled in and sent without its file: the
    # errors, the other fields kept.
    browser.get(demo_site + "/profil/pelatihan-luar/baru")
    _submit_wrong(browser, {"title": "Diklat Kearsipan"})
    _check_here(browser, "outside training: errors", problems)

    # The quiz sent with no answer: the confirmation; then sent as it is: the result page.
    _sign_in(browser, demo_site, NEW_LEARNER)
    # Andi's seminar awaiting validation: its edit form with the certificate already sent.
    seminar = db.session.scalar(select(ExternalTraining.id).join(
        User, User.id == ExternalTraining.user_id).where(User.nip == NEW_LEARNER))
    _check(browser, demo_site, [f"/profil/pelatihan-luar/{seminar}/ubah", "/mentoring",
                                _mentoring_page(db)], problems)
    browser.get(demo_site + QUIZ)
    browser.find_element(By.XPATH, "//button[normalize-space()='Kirim jawaban']").click()
    _wait_for(browser, lambda b: b.find_elements(By.NAME, "confirm"))
    _check_here(browser, "quiz: unanswered questions to confirm", problems)
    browser.find_element(By.NAME, "confirm").click()
    _wait_for(browser, lambda b: "/hasil-kuis/" in b.current_url)
    _check(browser, browser.current_url, [""], problems)
    # In English the lesson keeps the course's language.
    browser.get(demo_site + "/bahasa/en")
    _check(browser, demo_site, [f"/kursus/{COURSE}/materi/matriks-eisenhower"], problems)
    assert not problems, _report(problems)


def _mentoring_page(db) -> str:
    """The demo mentoring programme's page (Siti mentors Andi)."""
    from lms.mentoring.models import MentoringProgramme

    return f"/mentoring/{db.session.scalar(select(MentoringProgramme.id))}"


def test_manager_pages(db, demo_site, browser):
    _sign_in(browser, demo_site, MANAGER)
    problems: dict = {}
    _check(browser, demo_site, [
        "/atasan/mentoring", "/atasan/mentoring/baru", _mentoring_page(db),
        "/atasan/", "/atasan/tindakan", "/atasan/kebutuhan", "/atasan/penugasan",
        "/atasan/penugasan/baru", f"/atasan/penugasan/kursus/layanan-publik-digital",
        f"/atasan/pegawai/{LEARNER}", "/atasan/usulan", "/atasan/rencana",
        "/atasan/rencana/rekap", f"/atasan/pegawai/{LEARNER}/rencana",
        f"/atasan/pegawai/{LEARNER}/pelatihan-luar/baru", "/notifikasi"], problems)
    assert not problems, _report(problems)


def test_signer_pages(demo_site, browser):
    _sign_in(browser, demo_site, SIGNER)
    problems: dict = {}
    _check(browser, demo_site, ["/tandatangan", "/"], problems)
    assert not problems, _report(problems)


def test_trainer_pages(demo_site, browser):
    from selenium.webdriver.common.by import By

    _sign_in(browser, demo_site, TRAINER)
    problems: dict = {}
    _check(browser, demo_site, [
        "/pengajar/", f"/pengajar/kursus/{COURSE}", f"/pengajar/kursus/{COURSE}/statistik",
        f"/pengajar/kursus/{COURSE}/umpan-balik"], problems)
    browser.get(f"{demo_site}/pengajar/kursus/{COURSE}")
    browser.find_element(By.CSS_SELECTOR, f"form[action$='/kursus/{COURSE}/draf'] button").click()
    _wait_for(browser, lambda b: "/pengajar/draf/" in b.current_url)
    draft = browser.current_url
    edit = browser.find_element(By.CSS_SELECTOR, "a[href*='/berkas/']").get_attribute("href")
    _check(browser, draft, [""], problems)
    _check(browser, edit, [""], problems)
    assert not problems, _report(problems)


def test_admin_pages(demo_site, browser):
    _sign_in(browser, demo_site, ADMIN)
    problems: dict = {}
    _check(browser, demo_site, [
        "/admin/", "/admin/unit", "/admin/unit/baru", "/admin/pegawai", "/admin/pegawai/baru",
        f"/admin/pegawai/{LEARNER}", "/admin/jabatan", "/admin/kompetensi",
        "/admin/percobaan-masuk", "/admin/sertifikat", "/admin/audit/", "/admin/siasn/",
        "/admin/kompetensi/baru", "/admin/jabatan/baru"],
        problems)
    assert not problems, _report(problems)


@pytest.mark.parametrize("nip, paths", [
    (LEARNER, [f"/kursus/{COURSE}/materi/matriks-eisenhower", "/profil", "/rencana", "/usulan"]),
    (MANAGER, ["/atasan/usulan", "/atasan/rencana", "/atasan/rencana/rekap",
               f"/atasan/pegawai/{LEARNER}", f"/atasan/pegawai/{NEW_LEARNER}/rencana",
               "/atasan/penugasan/baru", "/atasan/mentoring", "/atasan/mentoring/baru",
               MENTORING]),
    (NEW_LEARNER, ["/mentoring", MENTORING]),
    (SIGNER, ["/tandatangan"]),
], ids=["learner", "manager", "mentee", "signer"])
def test_wide_tables_scroll_by_keyboard_on_a_phone(db, demo_site, browser, nip, paths):
    """At 360 px every table wider than the screen sits in a focusable, labelled region, and
    no page scrolls sideways (a wide table or a long option widens nothing around it)."""
    _sign_in(browser, demo_site, nip)
    _width(browser, 360)
    for path in paths:
        path = _mentoring_page(db) if path == MENTORING else path
        browser.get(demo_site + path)
        wide = browser.execute_script(
            "return [...document.querySelectorAll('table')].filter(t => t.scrollWidth >"
            " document.documentElement.clientWidth).map(t => { const r = t.closest('.table-scroll');"
            " return r ? [r.getAttribute('tabindex'), r.getAttribute('role'),"
            " r.getAttribute('aria-label') || '', r.scrollWidth > r.clientWidth] : null; });")
        for region in wide:
            assert region is not None, f"{path}: a wide table outside a scroll region"
            tabindex, role, label, scrolls = region
            assert (tabindex, role) == ("0", "region") and label and scrolls, (path, region)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path}: the page itself scrolls sideways by {overflow}px"


def test_the_profile_shows_a_card_per_competency_on_a_phone(demo_site, browser):
    from selenium.webdriver.common.by import By

    _sign_in(browser, demo_site, LEARNER)
    _width(browser, 360)
    browser.get(demo_site + "/profil")
    table = browser.find_element(By.CSS_SELECTOR, "table.profile")
    # The column names move into each card; the header row stays only for screen readers.
    assert browser.execute_script(
        "return arguments[0].querySelector('thead').getBoundingClientRect().height", table) <= 1
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) >= 9
    first = rows[0]
    # Each competency is a card: its cells stack, each with its column's name before it.
    assert browser.execute_script("return getComputedStyle(arguments[0]).display", first) == "block"
    labels = browser.execute_script(
        "return [...arguments[0].querySelectorAll('td')].map(td =>"
        " getComputedStyle(td, '::before').content)", first)
    for label in ("Level dibutuhkan", "Level terbukti", "Level tervalidasi", "Kesenjangan"):
        assert f'"{label}: "' in labels, labels
    assert first.size["width"] <= 360
    _width(browser, 1280)
    browser.get(demo_site + "/profil")
    assert browser.execute_script(
        "return document.querySelector('table.profile thead').getBoundingClientRect().height") > 10


def test_lesson_text_keeps_the_course_language_in_english(demo_site, browser):
    from selenium.webdriver.common.by import By

    _sign_in(browser, demo_site, LEARNER)
    browser.get(demo_site + "/bahasa/en")
    browser.get(f"{demo_site}/kursus/{COURSE}/materi/matriks-eisenhower")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    article = browser.find_element(By.CSS_SELECTOR, "article.lesson")
    assert article.get_attribute("lang") == "id"
    assert re.search(r"Kuadran", article.text)


def test_application_task_pages(db, demo_site, browser):
    """Rina's report as Budi assesses it (and the form answered with its error), then, once
    assessed "not yet", her task page with the feedback and the form, its errors, and the
    course page and dashboard: axe at both widths, and nothing scrolls sideways at 360 px."""
    from selenium.webdriver.common.by import By

    from lms.application_tasks.models import TaskSubmission

    report = db.session.scalar(select(TaskSubmission.id))
    assess = f"/atasan/tugas-penerapan/{report}"
    task = "/kursus/layanan-publik-digital/tugas"
    problems: dict = {}
    _sign_in(browser, demo_site, MANAGER)
    _check(browser, demo_site, [assess, "/atasan/tindakan"], problems)
    _width(browser, 360)
    browser.get(demo_site + assess)
    assert browser.execute_script("return document.documentElement.scrollWidth - "
                                  "document.documentElement.clientWidth") <= 0
    browser.find_element(By.CSS_SELECTOR, "input[value=not_yet]").click()
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "p.field-error"))
    _check_here(browser, "assessment: not yet without feedback", problems)
    browser.find_element(By.NAME, "feedback").send_keys("Sertakan angka antrean sebelum dan "
                                                        "sesudah perbaikan.")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, lambda b: "/atasan/tindakan" in b.current_url)
    _sign_in(browser, demo_site, LEARNER)
    _check(browser, demo_site, [task, "/", "/kursus/layanan-publik-digital"], problems)
    browser.get(demo_site + task)
    _submit_wrong(browser, {"report": " "})
    _check_here(browser, "task report: empty", problems)
    _width(browser, 360)
    for path in (task, "/"):
        browser.get(demo_site + path)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path}: the page itself scrolls sideways by {overflow}px"
    assert not problems, _report(problems)
