"""The trainer's editor in a real headless Chromium: draft, new module with a lesson and a
quiz, live and button preview, errors next to their field, publish; a learner halfway through
keeps their progress; the Preview button without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.authoring.services import add_owner
from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.learning.services import complete_lesson, enrol, get_progress
from tests.e2e.waits import heading_becomes

pytestmark = pytest.mark.browser


@pytest.fixture
def trainer_course(db, make_user, make_course):
    """A course owned by a trainer, and a learner who has done its first lesson."""
    slug = make_course()
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    trainer = make_user(role="trainer", name="Widyaiswara Uji")
    add_owner(db.session, course, trainer)
    learner = make_user(name="Peserta Setengah Jalan")
    version = current_version(db.session, course)
    enrol(db.session, learner, version)
    complete_lesson(db.session, learner, version, version.modules[0].items[0])
    db.session.commit()
    return course, trainer, learner


def _wait(browser):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,))


def _click_preview_button(browser) -> None:
    """Press Pratinjau and wait for the server's new page (not the live preview)."""
    from selenium.webdriver.common.by import By

    browser.execute_script("document.body.dataset.old = '1'")
    browser.find_element(By.XPATH, "//button[normalize-space()='Pratinjau']").click()
    _wait(browser).until(lambda b: not b.find_element(By.TAG_NAME, "body").get_attribute(
        "data-old"))


def test_trainer_writes_previews_and_publishes_in_chromium(live_server, browser, sign_in, db,
                                                           trainer_course):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    course, trainer, learner = trainer_course
    sign_in(browser, trainer)
    browser.find_element(By.LINK_TEXT, "Pengajar").click()
    assert heading_becomes(browser, "Kursus yang Anda ajar")
    browser.find_element(By.LINK_TEXT, "Kursus Uji").click()
    assert heading_becomes(browser, "Kursus Uji")
    browser.find_element(By.XPATH, "//button[contains(., 'Sunting')]").click()
    assert heading_becomes(browser, "Draf: Kursus Uji")

    browser.find_element(By.ID, "title").send_keys("Penerapan")  # the slug comes from it
    assert browser.find_element(By.ID, "slug").get_attribute("placeholder") == "penerapan"
    browser.find_element(By.XPATH, "//button[contains(., 'Tambah modul')]").click()
    assert heading_becomes(browser, "Modul: Penerapan")

    for kind, title, item_slug in (("lesson", "Studi Kasus", "studi-kasus"),
                                   ("quiz", "Kuis Penerapan", "kuis-penerapan")):
        browser.find_element(By.PARTIAL_LINK_TEXT, "Draf: Kursus Uji").click()
        assert heading_becomes(browser, "Draf: Kursus Uji")
        browser.find_element(By.XPATH, "(//summary[contains(., 'Tambah materi')])[2]").click()
        Select(browser.find_element(By.ID, "kind-02-penerapan")).select_by_value(kind)
        browser.find_element(By.ID, "title-02-penerapan").send_keys(title)
        browser.find_element(By.ID, "slug-02-penerapan").send_keys(item_slug)
        browser.find_element(By.XPATH, "(//button[normalize-space()='Tambah'])[2]").click()
        assert heading_becomes(browser, f"{'Kuis' if kind == 'quiz' else 'Materi'}: {title}")

    # The quiz editor: a bad passing score is shown next to its field as you type, and
    # the message goes away once fixed.
    score = browser.find_element(By.ID, "f_passing_score")
    score.clear()
    score.send_keys("170")
    _wait(browser).until(lambda b: ".quiz.md:4: 'passing_score' harus 0–100" in b.find_element(
        By.ID, "errors-passing_score").text)
    assert browser.find_element(By.ID, "f_passing_score").get_attribute("aria-invalid") == "true"
    score = browser.find_element(By.ID, "f_passing_score")
    score.clear()
    score.send_keys("80")
    _wait(browser).until(lambda b: b.find_element(By.ID, "errors-passing_score").text == "")
    browser.find_element(By.XPATH, "//button[normalize-space()='Simpan']").click()
    _wait(browser).until(lambda b: "Tersimpan" in b.find_element(By.TAG_NAME, "main").text)

    browser.find_element(By.PARTIAL_LINK_TEXT, "Draf: Kursus Uji").click()
    assert heading_becomes(browser, "Draf: Kursus Uji")
    browser.find_element(By.LINK_TEXT, "Studi Kasus").click()
    assert heading_becomes(browser, "Materi: Studi Kasus")
    body = browser.find_element(By.ID, "body")
    body.clear()
    body.send_keys("Pelayanan **prima** dimulai dari salam.")
    # The live preview (progressive JavaScript) follows the typing...
    _wait(browser).until(lambda b: "prima" in b.find_element(
        By.CSS_SELECTOR, "#preview strong").text)
    # ...and the Preview button renders the same on the server without it.
    _click_preview_button(browser)
    _wait(browser).until(lambda b: b.find_element(
        By.CSS_SELECTOR, "#preview .prose").get_attribute("innerHTML")
        == "<p>Pelayanan <strong>prima</strong> dimulai dari salam.</p>")
    browser.find_element(By.XPATH, "//button[normalize-space()='Simpan']").click()
    _wait(browser).until(lambda b: "Tersimpan" in b.find_element(By.TAG_NAME, "main").text)

    browser.find_element(By.PARTIAL_LINK_TEXT, "Draf: Kursus Uji").click()
    assert heading_becomes(browser, "Draf: Kursus Uji")
    assert "Draf valid" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.XPATH, "//button[contains(., 'Terbitkan versi baru')]").click()
    assert heading_becomes(browser, "Kursus Uji")
    assert "Versi 2 diterbitkan" in browser.find_element(By.TAG_NAME, "main").text

    db.session.expire_all()
    version = current_version(db.session, course)
    assert version.number == 2
    assert [i.key for i in version.modules[1].items] == ["studi-kasus", "kuis-penerapan"]
    assert version.modules[1].items[0].body_html == (
        "<p>Pelayanan <strong>prima</strong> dimulai dari salam.</p>")
    assert version.modules[1].items[1].quiz["passing_score"] == 80
    progress = get_progress(db.session, learner, version)
    assert "pengantar" in progress.done and not progress.completed_at


def test_the_preview_button_works_without_javascript(live_server, browser_without_js, sign_in,
                                                     db, trainer_course):
    from selenium.webdriver.common.by import By

    browser = browser_without_js
    course, trainer, _learner = trainer_course
    sign_in(browser, trainer)
    browser.get(f"{live_server}/pengajar/kursus/kursus-uji")
    browser.find_element(By.XPATH, "//button[contains(., 'Sunting')]").click()
    assert heading_becomes(browser, "Draf: Kursus Uji")
    browser.get(f"{live_server}/pengajar/draf/kursus-uji/berkas/01-dasar/01-pengantar.md")
    body = browser.find_element(By.ID, "body")
    body.clear()
    body.send_keys("Tanpa *JavaScript* pun bisa.")
    assert "Tanpa" not in browser.find_element(By.ID, "preview").text  # nothing live
    _click_preview_button(browser)
    assert browser.find_element(By.CSS_SELECTOR, "#preview .prose").get_attribute(
        "innerHTML") == "<p>Tanpa <em>JavaScript</em> pun bisa.</p>"
    assert browser.find_element(By.ID, "body").get_attribute("value") == (
        "Tanpa *JavaScript* pun bisa.")
    db.session.expire_all()
    from lms.authoring.models import CourseDraft

    assert "Isi materi." in db.session.scalar(select(CourseDraft)).files["01-dasar/01-pengantar.md"]
