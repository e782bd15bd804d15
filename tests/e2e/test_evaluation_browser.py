"""The evaluation pages in a real Chromium, at 1280 and 360 px: axe finds no WCAG A/AA
violation, nothing scrolls sideways on a phone, and the questionnaire works without a script.
The demo's completions are made at seeding; the clock moves 61 days so that their transfer
questionnaires are open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from lms.learning.models import Enrollment
from tests.e2e.test_accessibility import (COURSE, LEARNER, MANAGER, TRAINER, _check, _check_here,
                                          _report, _sign_in, _user, _wait_for, _width)
from tests.e2e.test_accessibility import demo_site  # noqa: F401  (fixture)
from tests.mail_server import mail_server, smtp  # noqa: F401  (fixtures demo_site uses)

pytestmark = pytest.mark.browser


def _sideways(browser) -> int:
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_evaluation_pages(db, demo_site, browser, clock):  # noqa: F811
    from selenium.webdriver.common.by import By

    clock.set(clock() + timedelta(days=61))
    rina = _user(db, LEARNER)
    enrollment = db.session.scalar(select(Enrollment).join(Course).where(
        Enrollment.user_id == rina.id, Enrollment.completed_at.is_not(None)).limit(1))
    mine = f"/evaluasi-pasca/{enrollment.id}"
    theirs = f"/atasan/evaluasi-pasca/{enrollment.id}"
    trainer_pages = [f"/pengajar/kursus/{COURSE}/{page}"
                     for page in ("evaluasi", "evaluasi-pasca", "umpan-balik")]
    problems: dict = {}
    _sign_in(browser, demo_site, LEARNER)
    _check(browser, demo_site, ["/", mine], problems)
    assert "Seberapa jauh Anda sudah menerapkan" in browser.page_source
    _width(browser, 360)
    browser.get(demo_site + mine)
    assert _sideways(browser) <= 0
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    _wait_for(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "p.field-error"))
    _check_here(browser, "questionnaire: nothing chosen", problems)
    _sign_in(browser, demo_site, MANAGER)
    _check(browser, demo_site, ["/atasan/tindakan", theirs], problems)
    assert "Sebagai atasan, seberapa jauh" in browser.page_source  # Rina's supervisor's form
    assert _sideways(browser) <= 0
    _sign_in(browser, demo_site, TRAINER)
    _check(browser, demo_site, trainer_pages, problems)
    _width(browser, 360)
    for path in trainer_pages:
        browser.get(demo_site + path)
        assert _sideways(browser) <= 0, f"{path} scrolls sideways"
    assert "Laporan evaluasi kursus" in browser.page_source or "Umpan balik" in browser.page_source
    assert not problems, _report(problems)
