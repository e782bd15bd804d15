"""Browser fixtures: a live server on the test app, a headless Debian Chromium (with and
without JavaScript) and signing in through the login form."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD
from tests.e2e.waits import heading_becomes

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _chromium(profile, javascript: bool = True):
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--window-size=390,900",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.implicitly_wait(5)
    return driver


@pytest.fixture
def browser(tmp_path):
    driver = _chromium(tmp_path / "profile")
    yield driver
    driver.quit()


@pytest.fixture
def browser_without_js(tmp_path):
    """Chromium with JavaScript switched off, as some offices' browsers are."""
    driver = _chromium(tmp_path / "profile-nojs", javascript=False)
    yield driver
    driver.quit()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in through the login form of ``browser`` and wait for *Kursus Saya*."""

    def do(browser, user) -> None:
        from selenium.webdriver.common.by import By

        browser.get(f"{live_server}/masuk")
        browser.find_element(By.ID, "nip").send_keys(user.nip)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        assert heading_becomes(browser, "Kursus Saya")

    return do
