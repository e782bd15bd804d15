"""Filling the small test course's forms in the browser tests."""

from __future__ import annotations


def answer_quiz_correctly(browser) -> None:
    """Fill the quiz of ``write_course`` with passing answers and press "Kirim jawaban"."""
    from selenium.webdriver.common.by import By

    browser.find_element(By.CSS_SELECTOR, "input[name='q-q-jp']").send_keys("45")
    browser.find_element(By.CSS_SELECTOR, "input[value='q-ciri-1']").click()
    browser.find_element(By.CSS_SELECTOR, "input[value='q-ciri-2']").click()
    browser.find_element(By.CSS_SELECTOR, "input[value='q-hak-1']").click()
    browser.find_element(By.XPATH, "//button[contains(., 'Kirim jawaban')]").click()
