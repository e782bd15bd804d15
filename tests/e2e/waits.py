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


def click_to_next_page(browser, element) -> None:
    """Click ``element`` and wait until the page it leads to has replaced this one: for a form
    that comes back to a page with the same heading, where ``heading_becomes`` would read the
    old page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(old))
