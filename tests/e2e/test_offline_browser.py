"""Offline courses in a real headless Chromium: a learner stores a course, the network is cut
through the DevTools protocol (for the page and for the service worker, whose own requests a
page's emulation does not cover), she reads two lessons, marks them done and answers the
untimed quiz; when the network returns the server holds the progress and the graded attempt
exactly once. Then the same with a new course version published while she is offline."""

from __future__ import annotations

import json
import os
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.competency.models import JpLedgerEntry
from lms.courses.importer import import_packages
from lms.learning.models import Enrollment, LessonCompletion
from lms.offline.models import OfflineAction
from lms.quizzes.models import Attempt
from tests.conftest import write_course
from tests.e2e.forms import answer_quiz_correctly
from tests.e2e.waits import heading_becomes

pytestmark = pytest.mark.browser

# LMS_SCREENSHOTS=docs/screenshots saves the pages for the learner guide.
SHOTS = os.environ.get("LMS_SCREENSHOTS")


def _shot(browser, name: str) -> None:
    if SHOTS:
        browser.save_screenshot(str(Path(SHOTS) / name))


class Network:
    """Cuts and restores the network of the page and of every service worker, as DevTools'
    "Offline" does: the page through chromedriver, the workers through the browser's own
    DevTools endpoint (a page's emulation leaves its service worker's requests untouched)."""

    def __init__(self, browser) -> None:
        import websocket

        self.browser = browser
        address = browser.capabilities["goog:chromeOptions"]["debuggerAddress"]
        endpoint = json.load(urllib.request.urlopen(f"http://{address}/json/version"))
        self.socket = websocket.create_connection(endpoint["webSocketDebuggerUrl"],
                                                  suppress_origin=True, timeout=10)
        self.calls = 0
        self.sessions: dict[str, str] = {}

    def _call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.calls += 1
        message = {"id": self.calls, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == self.calls:
                assert "error" not in answer, answer
                return answer.get("result", {})

    def set_offline(self, offline: bool) -> None:
        """Cut (True) or restore (False) the network everywhere."""
        conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1,
                      "uploadThroughput": -1}
        for target in self._call("Target.getTargets")["targetInfos"]:
            if target["type"] == "service_worker" and target["targetId"] not in self.sessions:
                self.sessions[target["targetId"]] = self._call(
                    "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
                )["sessionId"]
                self._call("Network.enable", session=self.sessions[target["targetId"]])
        assert self.sessions, "no service worker is running"
        for session in self.sessions.values():
            self._call("Network.emulateNetworkConditions", conditions, session)
        self.browser.execute_cdp_cmd("Network.enable", {})
        self.browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)

    def close(self) -> None:
        self.socket.close()


def _wait(predicate, what: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def _text(browser, element_id: str) -> str:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        element = browser.find_element(By.ID, element_id)
        return element.text if element.is_displayed() else ""
    except WebDriverException:
        return ""


def _count(db, model, *where) -> int:
    db.session.rollback()  # a fresh snapshot: the live server commits in its own threads
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _store_course(browser, live_server, slug: str) -> None:
    """Enrol, then press "Simpan untuk dibaca offline" and wait for the size stored."""
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server}/kursus/{slug}")
    browser.find_element(By.XPATH, "//button[contains(., 'Ikuti kursus ini')]").click()
    assert heading_becomes(browser, "Pengantar")
    browser.get(f"{live_server}/kursus/{slug}")
    _wait(lambda: "Perkiraan ukuran" in _text(browser, "offline-state"), "the size estimate")
    _shot(browser, "offline-before.png")
    browser.find_element(By.ID, "offline-store").click()
    _wait(lambda: "Tersimpan untuk dibaca offline: versi 1" in _text(browser, "offline-state"),
          "the course to be stored")
    _shot(browser, "offline-saved.png")


def _offline_session(browser, live_server, network, slug: str) -> None:
    """Offline: read two lessons, mark them done, answer the quiz (all from the stored copy)."""
    from selenium.webdriver.common.by import By

    network.set_offline(True)
    browser.get(f"{live_server}/kursus/{slug}/materi/pengantar")
    assert heading_becomes(browser, "Pengantar")
    _wait(lambda: _text(browser, "offline-banner").startswith("Anda sedang offline"), "the banner")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()
    _wait(lambda: _text(browser, "offline-queued"), "the lesson to be queued")
    _wait(lambda: "Menunggu dikirim saat ada sinyal: 1" in _text(browser, "offline-status"),
          "the waiting count")
    _shot(browser, "offline-lesson.png")
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    assert heading_becomes(browser, "Lanjutan")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()
    _wait(lambda: _text(browser, "offline-queued"), "the second lesson to be queued")
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    assert heading_becomes(browser, "Kuis Dasar")
    answer_quiz_correctly(browser)
    _wait(lambda: _text(browser, "offline-queued"), "the answers to be queued")
    _wait(lambda: "Menunggu dikirim saat ada sinyal: 3" in _text(browser, "offline-status"),
          "three actions waiting")
    _shot(browser, "offline-quiz.png")


def _exactly_once(db, user) -> None:
    assert _count(db, LessonCompletion, LessonCompletion.user_id == user.id) == 2
    assert _count(db, Attempt, Attempt.user_id == user.id, Attempt.passed.is_(True)) == 1
    assert _count(db, Attempt, Attempt.user_id == user.id) == 1
    assert _count(db, Enrollment, Enrollment.user_id == user.id,
                  Enrollment.completed_at.is_not(None)) == 1
    assert _count(db, JpLedgerEntry, JpLedgerEntry.user_id == user.id) == 1
    assert _count(db, OfflineAction, OfflineAction.user_id == user.id) == 3


def _reconnect_and_sync(browser, db, network, user) -> None:
    assert _count(db, LessonCompletion) == 0 and _count(db, Attempt) == 0  # nothing sent yet
    network.set_offline(False)  # the page's "online" event sends the queue
    _wait(lambda: _count(db, OfflineAction) == 3 and "Semua sudah terkirim"
          in _text(browser, "offline-status"), "the queue to be sent", 30)
    _exactly_once(db, user)
    # Off and on again: a second sync (it succeeds) records nothing more.
    first = _last_sync(browser)
    network.set_offline(True)
    network.set_offline(False)
    second = _wait(lambda: (lambda s: s if s["checked_at"] != first["checked_at"] else None)(
        _last_sync(browser)), "a second sync")
    assert second["note"] is None, second  # not refused, not signed out
    _exactly_once(db, user)


def _last_sync(browser) -> dict:
    """The service worker's note on its last sync: when, and what went wrong (None: nothing)."""
    return browser.execute_async_script("""
        const done = arguments[0];
        const req = indexedDB.open("kelas-asn", 1);
        req.onsuccess = () => {
          const get = req.result.transaction("courses").objectStore("courses").get("");
          get.onsuccess = () => done({note: (get.result || {}).note || null,
                                      checked_at: (get.result || {}).at || null});
        };""")


@pytest.fixture
def network(browser):
    control = Network(browser)
    yield control
    control.close()


def test_a_course_read_offline_is_recorded_exactly_once(live_server, browser, sign_in, network,
                                                        db, make_user, make_course):
    slug = make_course()
    user = make_user(name="Rina Uji")
    sign_in(browser, user)
    _store_course(browser, live_server, slug)
    _offline_session(browser, live_server, network, slug)
    _reconnect_and_sync(browser, db, network, user)
    _wait(lambda: "dinilai: 100.0 (lulus)" in _text(browser, "offline-status"), "the grade")
    _shot(browser, "offline-sent.png")
    attempt = db.session.scalar(select(Attempt))
    assert attempt.score == 100.0 and attempt.version.number == 1
    # Signing out removes the stored course and the queue from the device (a shared phone).
    from selenium.webdriver.common.by import By

    browser.find_element(By.XPATH, "//button[contains(., 'Keluar')]").click()
    assert heading_becomes(browser, "Masuk")
    _wait(lambda: browser.execute_async_script(
        "const done = arguments[0]; caches.keys().then((k) => done(k.length === 0));"),
        "the stored copies to be removed")


def test_without_javascript_the_pages_work_and_offline_reading_says_it_needs_it(
        live_server, browser_without_js, sign_in, db, make_user, make_course):
    from selenium.webdriver.common.by import By

    browser = browser_without_js
    slug = make_course()
    user = make_user()
    sign_in(browser, user)
    browser.get(f"{live_server}/kursus/{slug}")
    browser.find_element(By.XPATH, "//button[contains(., 'Ikuti kursus ini')]").click()
    assert heading_becomes(browser, "Pengantar")
    browser.find_element(By.XPATH, "//button[contains(., 'Tandai selesai')]").click()
    assert heading_becomes(browser, "Lanjutan")
    assert _count(db, LessonCompletion) == 1
    browser.get(f"{live_server}/kursus/{slug}")
    assert "Membaca offline memerlukan JavaScript" in browser.find_element(By.TAG_NAME, "main").text
    assert not browser.find_element(By.ID, "offline-store").is_displayed()


def test_a_course_updated_while_offline_grades_on_the_old_version_and_replaces_the_copy(
        live_server, browser, sign_in, network, db, make_user, make_course, tmp_path):
    slug = make_course()
    user = make_user(name="Sari Uji")
    sign_in(browser, user)
    _store_course(browser, live_server, slug)
    _offline_session(browser, live_server, network, slug)
    # The trainer publishes version 2 while the learner has no signal.
    folder = write_course(tmp_path / "v2", slug, lesson_body="Isi materi yang diperbarui.")
    import_packages(db.session, [folder])
    db.session.commit()
    _reconnect_and_sync(browser, db, network, user)
    attempt = db.session.scalar(select(Attempt))
    assert attempt.version.number == 1 and attempt.passed  # graded on the version it began on
    _wait(lambda: "kursus kini versi 2" in _text(browser, "offline-status"), "the explanation")
    # The stored copy is replaced by version 2: offline again, the lesson shows its new text.
    def course_caches():
        keys = browser.execute_async_script("const done = arguments[0]; caches.keys().then(done);")
        return [k for k in keys if k.startswith("kasn-course:")]

    _wait(lambda: course_caches() == [f"kasn-course:{slug}:v2"], "version 2 to replace 1", 30)
    network.set_offline(True)
    browser.get(f"{live_server}/kursus/{slug}/materi/pengantar")
    assert heading_becomes(browser, "Pengantar")
    assert "Isi materi yang diperbarui." in browser.page_source
