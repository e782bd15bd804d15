"""End to end in a real headless Chromium: sign in, read a lesson, pass a quiz, see the profile."""

from __future__ import annotations

import pytest

from tests.e2e.forms import answer_quiz_correctly
from tests.e2e.waits import heading_becomes as _heading_becomes

pytestmark = pytest.mark.browser


def test_learner_takes_a_course_in_chromium(live_server, browser, sign_in, make_user,
                                            make_course):
    from selenium.webdriver.common.by import By

    make_course()
    sign_in(browser, make_user(name="Rina Uji"))

    browser.get(f"{live_server}/kursus")
    browser.find_element(By.LINK_TEXT, "Kursus Uji").click()
    assert _heading_becomes(browser, "Kursus Uji")
    browser.find_element(By.XPATH, "//button[contains(., 'Ikuti kursus ini')]").click()
    assert _heading_becomes(browser, "Pengantar")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()
    assert _heading_becomes(browser, "Lanjutan")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()

    assert _heading_becomes(browser, "Kuis Dasar")
    answer_quiz_correctly(browser)
    assert _heading_becomes(browser, "Hasil kuis")
    assert "LULUS" in browser.find_element(By.CSS_SELECTOR, ".score").text

    browser.find_element(By.LINK_TEXT, "Profil Kompetensi").click()
    assert _heading_becomes(browser, "Profil Kompetensi")
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "2 / 20 JP" in page and "M.03 Komunikasi" in page
