"""Waiting helpers for the browser tests."""

from __future__ import annotations


def heading_becomes(browser, text: str) -> bool:
    """Wait for the next page: a click does not wait for the navigation it starts, and the
    old document may vanish while it is being read."""
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(
        lambda b: b.find_element(By.TAG_NAME, "h1").text.startswith(text))
    return True
