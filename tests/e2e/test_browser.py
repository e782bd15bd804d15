"""End to end in a real headless Chromium: sign in, read a lesson, pass a quiz, see the profile."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(tmp_path):
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--window-size=390,900",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _heading_becomes(browser, text: str) -> bool:
    """Wait for the next page: a click does not wait for the navigation it starts, and the
    old document may vanish while it is being read."""
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.find_element(By.TAG_NAME, "h1").text.startswith(text))
    return True


def test_learner_takes_a_course_in_chromium(live_server, browser, make_user, make_course):
    from selenium.webdriver.common.by import By

    slug = make_course()
    user = make_user(name="Rina Uji")
    browser.get(f"{live_server}/masuk")
    browser.find_element(By.ID, "nip").send_keys(user.nip)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert _heading_becomes(browser, "Kursus Saya")

    browser.get(f"{live_server}/kursus")
    browser.find_element(By.LINK_TEXT, "Kursus Uji").click()
    assert _heading_becomes(browser, "Kursus Uji")
    browser.find_element(By.XPATH, "//button[contains(., 'Ikuti kursus ini')]").click()
    assert _heading_becomes(browser, "Pengantar")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()
    assert _heading_becomes(browser, "Lanjutan")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()

    assert _heading_becomes(browser, "Kuis Dasar")
    browser.find_element(By.CSS_SELECTOR, "input[name='q-q-jp']").send_keys("45")
    browser.find_element(By.CSS_SELECTOR, "input[value='q-ciri-1']").click()
    browser.find_element(By.CSS_SELECTOR, "input[value='q-ciri-2']").click()
    browser.find_element(By.CSS_SELECTOR, "input[value='q-hak-1']").click()
    browser.find_element(By.XPATH, "//button[contains(., 'Kirim jawaban')]").click()
    assert _heading_becomes(browser, "Hasil kuis")
    assert "LULUS" in browser.find_element(By.CSS_SELECTOR, ".score").text

    browser.find_element(By.LINK_TEXT, "Profil Kompetensi").click()
    assert _heading_becomes(browser, "Profil Kompetensi")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "2 / 20 JP" in page and "M.03 Komunikasi" in page
