"""The trainer's editor in a real headless Chromium: draft, new module with a lesson and a
quiz, live and button preview, publish; a learner halfway through keeps their progress."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.authoring.services import add_owner
from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.learning.services import complete_lesson, enrol, get_progress
from tests.conftest import PASSWORD
from tests.e2e.waits import heading_becomes

pytestmark = pytest.mark.browser


def test_trainer_writes_previews_and_publishes_in_chromium(live_server, browser, db, make_user,
                                                           make_course):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    slug = make_course()
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    trainer = make_user(role="trainer", name="Widyaiswara Uji")
    add_owner(db.session, course, trainer)
    learner = make_user(name="Peserta Setengah Jalan")
    version = current_version(db.session, course)
    enrol(db.session, learner, version)
    complete_lesson(db.session, learner, version, version.modules[0].items[0])
    db.session.commit()

    browser.get(f"{live_server}/masuk")
    browser.find_element(By.ID, "nip").send_keys(trainer.nip)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert heading_becomes(browser, "Kursus Saya")
    browser.find_element(By.LINK_TEXT, "Pengajar").click()
    assert heading_becomes(browser, "Kursus yang Anda ajar")
    browser.find_element(By.LINK_TEXT, "Kursus Uji").click()
    assert heading_becomes(browser, "Kursus Uji")
    browser.find_element(By.XPATH, "//button[contains(., 'Sunting')]").click()
    assert heading_becomes(browser, "Draf kursus-uji")

    browser.find_element(By.ID, "title").send_keys("Penerapan")
    browser.find_element(By.ID, "slug").send_keys("penerapan")
    browser.find_element(By.XPATH, "//button[contains(., 'Tambah modul')]").click()
    assert heading_becomes(browser, "02-penerapan/module.md")

    for kind, title, item_slug in (("lesson", "Studi Kasus", "studi-kasus"),
                                   ("quiz", "Kuis Penerapan", "kuis-penerapan")):
        browser.find_element(By.PARTIAL_LINK_TEXT, "Draf kursus-uji").click()
        assert heading_becomes(browser, "Draf kursus-uji")
        browser.find_element(By.XPATH, "(//summary)[2]").click()
        Select(browser.find_element(By.ID, "kind-02-penerapan")).select_by_value(kind)
        browser.find_element(By.ID, "title-02-penerapan").send_keys(title)
        browser.find_element(By.ID, "slug-02-penerapan").send_keys(item_slug)
        browser.find_element(By.XPATH, "(//button[normalize-space()='Tambah'])[2]").click()
        assert heading_becomes(browser, "02-penerapan/0")

    browser.find_element(By.PARTIAL_LINK_TEXT, "Draf kursus-uji").click()
    assert heading_becomes(browser, "Draf kursus-uji")
    browser.find_element(By.LINK_TEXT, "Studi Kasus").click()
    assert heading_becomes(browser, "02-penerapan/01-studi-kasus.md")
    wait = WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,))
    body = browser.find_element(By.ID, "body")
    body.clear()
    body.send_keys("Pelayanan **prima** dimulai dari salam.")
    # The live preview (progressive JavaScript) follows the typing...
    wait.until(lambda b: "prima" in b.find_element(
        By.CSS_SELECTOR, "#preview strong").text)
    # ...and the Preview button renders the same on the server without it.
    browser.execute_script("document.body.dataset.old = '1'")
    browser.find_element(By.XPATH, "//button[normalize-space()='Pratinjau']").click()
    wait.until(lambda b: not b.find_element(By.TAG_NAME, "body").get_attribute("data-old"))
    wait.until(lambda b: b.find_element(
        By.CSS_SELECTOR, "#preview .prose").get_attribute("innerHTML")
        == "<p>Pelayanan <strong>prima</strong> dimulai dari salam.</p>")
    browser.find_element(By.XPATH, "//button[normalize-space()='Simpan']").click()
    wait.until(lambda b: "Tersimpan" in b.find_element(
        By.TAG_NAME, "main").text)

    browser.find_element(By.PARTIAL_LINK_TEXT, "Draf kursus-uji").click()
    assert heading_becomes(browser, "Draf kursus-uji")
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
    progress = get_progress(db.session, learner, version)
    assert "pengantar" in progress.done and not progress.completed_at
