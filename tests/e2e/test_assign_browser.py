"""A manager assigns, lists, re-dates and cancels mandatory training in Chromium with
JavaScript switched off: every step is a plain HTML form."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, utcnow
from tests.e2e.waits import click_to_next_page, heading_becomes
from tests.manager.conftest import org  # noqa: F401  (fixture)

# LMS_SCREENSHOTS=docs/screenshots saves the pages for the manager guide.
SHOTS = os.environ.get("LMS_SCREENSHOTS")


def _shot(browser, name: str) -> None:
    if SHOTS:
        browser.set_window_size(1200, 1000)
        browser.save_screenshot(str(Path(SHOTS) / name))


def _date(browser, element_id: str, day) -> None:
    """Type a date into an <input type=date> in the browser's (en-US) order."""
    field = browser.find_element("id", element_id)
    field.send_keys(f"{day:%m%d%Y}")


def test_manager_assigns_lists_redates_and_cancels_without_javascript(
        live_server, browser_without_js, sign_in, db, org, make_course):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser = browser_without_js
    make_course()
    sign_in(browser, org["manager_a"])
    browser.get(f"{live_server}/atasan/penugasan/baru")
    Select(browser.find_element(By.ID, "course")).select_by_visible_text("Kursus Uji (2 JP)")
    today = local_date(utcnow())
    # A past date first: the form comes back with the error and the picks kept.
    _date(browser, "due_on", today - timedelta(days=1))
    picks = Select(browser.find_element(By.ID, "employees"))
    for person in ("learner_a", "learner_a1"):
        picks.select_by_value(org[person].nip)
    click_to_next_page(browser, browser.find_element(By.CSS_SELECTOR, "form.card button.primary"))
    assert heading_becomes(browser, "Tugaskan pelatihan wajib")
    assert "sebelum hari ini" in browser.find_element(By.ID, "due_on-error").text
    kept = Select(browser.find_element(By.ID, "employees")).all_selected_options
    assert {o.get_attribute("value") for o in kept} == {org["learner_a"].nip,
                                                       org["learner_a1"].nip}
    _shot(browser, "manager-assign-error.png")
    browser.find_element(By.ID, "due_on").clear()
    _date(browser, "due_on", today + timedelta(days=7))
    browser.find_element(By.CSS_SELECTOR, "form.card button.primary").click()
    assert heading_becomes(browser, "Kursus Uji")
    assert "ditugaskan kepada 2 pegawai baru" in browser.page_source
    # The list shows the assignment with its progress.
    browser.get(f"{live_server}/atasan/penugasan")
    assert "2 pegawai: Budi, Citra" in browser.find_element(By.CSS_SELECTOR,
                                                           "table.assignments").text
    _shot(browser, "manager-assignments.png")
    browser.find_element(By.LINK_TEXT, "Kursus Uji").click()
    assert heading_becomes(browser, "Kursus Uji")
    # Move the group's due date, then cancel Budi alone.
    later = today + timedelta(days=21)
    group = browser.find_elements(By.CSS_SELECTOR, "form.assign-inline")[0]
    date_field = group.find_element(By.CSS_SELECTOR, "input[type=date]")
    date_field.clear()
    date_field.send_keys(f"{later:%m%d%Y}")
    click_to_next_page(browser, group.find_element(By.CSS_SELECTOR, "button[value=tenggat]"))
    assert heading_becomes(browser, "Kursus Uji")
    assert "Tenggat 2 pegawai diubah menjadi" in browser.page_source
    browser.find_element(By.ID, f"p-{org['learner_a'].nip}").click()
    browser.find_element(By.CSS_SELECTOR, "#pegawai + form input[name=confirm]").click()
    click_to_next_page(browser, browser.find_element(By.CSS_SELECTOR,
                                                     "#pegawai + form button[value=batal]"))
    assert heading_becomes(browser, "Kursus Uji")
    assert "Penugasan 1 pegawai dibatalkan." in browser.page_source
    _shot(browser, "manager-assignment.png")
    db.session.expire_all()
    rows = db.session.execute(select(CourseAssignment.user_id, CourseAssignment.due_on)).all()
    assert rows == [(org["learner_a1"].id, later)]
    history = browser.find_element(By.CSS_SELECTOR, "table.history").text
    assert "dibatalkan" in history and "→" in history and "ditugaskan" in history
    # The employee page shows the assignment beside the profile.
    browser.get(f"{live_server}/atasan/pegawai/{org['learner_a1'].nip}")
    assert "Kursus Uji" in browser.find_element(By.CSS_SELECTOR, ".employee-grid").text
    _shot(browser, "manager-employee.png")
