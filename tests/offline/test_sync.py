"""The offline sync: what a device queued is applied once, on the version it was done on,
through the same services as the online pages; conflicts are explained."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

from flask import g
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.competency.models import JpLedgerEntry
from lms.courses.importer import import_packages
from lms.learning.models import Enrollment, LessonCompletion
from lms.offline.models import OfflineAction
from lms.quizzes.models import Attempt
from lms.timeutil import utcnow
from lms.xapi.models import XapiStatement
from lms.xapi.statements import timestamp as xapi_timestamp
from tests.conftest import PASSING_ANSWERS, write_course


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _quiz_token(client, slug: str = "kursus-uji") -> str:
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _lesson(key: str, item: str, at: datetime, version: int = 1) -> dict:
    return {"key": key, "kind": "lesson", "course": "kursus-uji", "item": item,
            "version": version, "at": _iso(at)}


def _quiz(key: str, token: str, at: datetime, answers=None) -> dict:
    return {"key": key, "kind": "quiz", "course": "kursus-uji", "item": "kuis", "version": 1,
            "token": token, "answers": PASSING_ANSWERS if answers is None else answers,
            "at": _iso(at)}


def _count(db, model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _offline_learner(client, db, make_course, make_user, login, **course):
    """A learner enrolled in the test course who stored it (the quiz page's token in hand)."""
    make_course(**course)
    user = make_user()
    login(user)
    client.post("/kursus/kursus-uji/daftar")
    return user, _quiz_token(client)


def test_a_stored_course_synced_later_completes_once_dated_when_it_happened(
        client, db, make_course, make_user, login, clock):
    user, token = _offline_learner(client, db, make_course, make_user, login)
    offline = utcnow() + timedelta(minutes=5)
    batch = {"actions": [_lesson("lesson-aaaa-0001", "pengantar", offline),
                         _lesson("lesson-aaaa-0002", "lanjutan", offline + timedelta(minutes=7)),
                         _quiz("quiz-aaaa-0003", token, offline + timedelta(minutes=9))],
             "saved": {"kursus-uji": 1}}
    clock.set(datetime(2026, 6, 17, 7, 0, tzinfo=UTC))  # the signal returns hours later
    answer = client.post("/offline/sinkron", json=batch)
    assert answer.status_code == 200
    body = answer.get_json()
    assert [r["outcome"] for r in body["results"]] == ["applied"] * 3
    assert body["current"] == {"kursus-uji": 1}
    assert "“Pengantar” tercatat selesai." == body["results"][0]["message"]
    assert "lulus" in body["results"][2]["message"] and "Kursus selesai" in body["results"][2]["message"]
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.completed_at == offline + timedelta(minutes=9)
    completions = dict(db.session.execute(
        select(LessonCompletion.lesson_key, LessonCompletion.completed_at)).all())
    assert completions == {"pengantar": offline, "lanjutan": offline + timedelta(minutes=7)}
    attempt = db.session.scalar(select(Attempt))
    assert attempt.passed and attempt.submitted_at == offline + timedelta(minutes=9)
    # The same batch again (the answer was lost on the way): nothing new, the same outcomes.
    again = client.post("/offline/sinkron", json=batch).get_json()
    assert [(r["outcome"], r["repeat"]) for r in again["results"]] == [("applied", True)] * 3
    assert _count(db, OfflineAction) == 3
    assert _count(db, Attempt) == 1 and _count(db, LessonCompletion) == 2
    assert _count(db, JpLedgerEntry) == 1
    assert _count(db, XapiStatement, XapiStatement.activity_type == "course") == 1
    assert _count(db, XapiStatement, XapiStatement.activity_type == "lesson") == 2
    dated = {row.activity_id: row.statement["timestamp"]  # when it happened, not the sync
             for row in db.session.scalars(select(XapiStatement))}
    assert dated == {"kursus-uji.pengantar": xapi_timestamp(offline),
                     "kursus-uji.lanjutan": xapi_timestamp(offline + timedelta(minutes=7)),
                     "kursus-uji.kuis": xapi_timestamp(offline + timedelta(minutes=9)),
                     "kursus-uji": xapi_timestamp(offline + timedelta(minutes=9))}
    assert "Anda menyelesaikan kursus ini" in client.get("/kursus/kursus-uji").get_data(as_text=True)


def test_a_new_version_meanwhile_grades_on_the_started_version_and_says_so(
        client, db, make_course, make_user, login, tmp_path):
    _user, token = _offline_learner(client, db, make_course, make_user, login)
    # Version 2 published while the learner is offline: a changed quiz and lesson text.
    folder = write_course(tmp_path / "v2", lesson_body="Isi materi yang diperbarui.")
    import_packages(db.session, [folder])
    db.session.commit()
    at = datetime(2026, 6, 17, 3, 10)
    body = client.post("/offline/sinkron", json={
        "actions": [_lesson("lesson-bbbb-0001", "pengantar", at),
                    _quiz("quiz-bbbb-0002", token, at)],
        "saved": {"kursus-uji": 1}}).get_json()
    assert body["current"] == {"kursus-uji": 2}
    lesson, quiz = body["results"]
    assert lesson["outcome"] == "applied" and "dari versi 1 ke versi 2" in lesson["message"]
    assert quiz["outcome"] == "applied" and "Dinilai dengan versi 1" in quiz["message"]
    attempt = db.session.scalar(select(Attempt))
    assert attempt.version.number == 1 and attempt.passed


def test_attempts_used_up_meanwhile_is_a_conflict_explained(client, db, make_course, make_user,
                                                           login):
    _user, token = _offline_learner(client, db, make_course, make_user, login, max_attempts=1)
    online = _quiz_token(client)  # another tab / device uses the only attempt
    client.post("/kursus/kursus-uji/kuis/kuis", data={"token": online, "q-q-jp": "1",
                                                     "confirm": "1"})  # blanks on purpose
    result = client.post("/offline/sinkron", json={
        "actions": [_quiz("quiz-cccc-0001", token, datetime(2026, 6, 17, 3, 1))]}).get_json()
    [answer] = result["results"]
    assert answer["conflict"] and answer["outcome"] == "attempts_used_up"
    assert "sudah habis" in answer["message"]
    assert _count(db, Attempt) == 1


def test_timed_quizzes_are_not_stored_and_their_answers_are_refused(client, db, make_user,
                                                                   login, tmp_path):
    folder = write_course(tmp_path / "src")
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace("max_attempts:", "time_limit_minutes: 10\nmax_attempts:", 1))
    import_packages(db.session, [folder])
    db.session.commit()
    login(make_user())
    client.post("/kursus/kursus-uji/daftar")
    files = client.get("/kursus/kursus-uji/offline.json").get_json()
    assert files["timed"] == ["/kursus/kursus-uji/materi/kuis"] and files["quizzes"] == {}
    token = _quiz_token(client)  # opened online: the clock runs; answers sent "offline" later
    [answer] = client.post("/offline/sinkron", json={"actions": [
        _quiz("quiz-tttt-0001", token, datetime(2026, 6, 17, 3, 1))]}).get_json()["results"]
    assert answer["outcome"] == "timed_quiz" and "koneksi internet" in answer["message"]
    assert _count(db, Attempt) == 0


def test_what_to_store_is_for_enrolled_learners_and_saving_moves_no_resume_point(
        client, db, make_course, make_user, login):
    make_course()
    assert client.get("/kursus/kursus-uji/offline.json").status_code == 401
    user = make_user()
    login(user)
    assert client.get("/kursus/kursus-uji/offline.json").status_code == 403
    assert client.get("/kursus/tidak-ada/offline.json").status_code == 404
    client.post("/kursus/kursus-uji/daftar")
    files = client.get("/kursus/kursus-uji/offline.json").get_json()
    assert files["version"] == 1 and files["pages"] == [
        "/kursus/kursus-uji", "/kursus/kursus-uji/materi/pengantar",
        "/kursus/kursus-uji/materi/lanjutan"]
    assert files["quizzes"] == {"/kursus/kursus-uji/materi/kuis": "/kursus/kursus-uji/kuis/kuis"}
    assert "/static/style.css" in " ".join(files["shell"]) and files["estimate_bytes"] > 10000
    client.get("/kursus/kursus-uji/materi/lanjutan", headers={"X-Kelas-Offline": "simpan"})
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.last_item_key is None


def test_a_bad_batch_changes_nothing_and_says_why(client, db, make_course, make_user, login):
    make_course()
    assert client.post("/offline/sinkron", json={"actions": []}).status_code == 401
    login(make_user())
    client.post("/kursus/kursus-uji/daftar")
    good = _lesson("lesson-dddd-0001", "pengantar", datetime(2026, 6, 17, 3, 1))
    for bad, word in (([good, {**good, "key": "x"}], "key"),
                      ([good, {**good, "at": "kemarin"}], "at"),
                      ([good, {**good, "key": "lesson-dddd-0002", "at": "2026-06-17T03:00"}],
                       "offset"),
                      ([good, good], "twice"), ("semua", "list")):
        answer = client.post("/offline/sinkron", json={"actions": bad})
        assert answer.status_code == 400 and word in answer.get_json()["error"]["message"]
    assert _count(db, OfflineAction) == 0 and _count(db, LessonCompletion) == 0
    unknown = client.post("/offline/sinkron", json={"actions": [
        {**good, "item": "tidak-ada"}, {**good, "key": "lesson-dddd-0003", "course": "lain"}]})
    assert [r["outcome"] for r in unknown.get_json()["results"]] == [
        "item_unknown", "course_unknown"]


def test_the_sync_needs_the_csrf_token_of_the_session(csrf_app, db, make_course, make_user, login):
    client = csrf_app.test_client()
    make_course()
    user = make_user()
    page = client.get("/masuk").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    from tests.conftest import PASSWORD

    client.post("/masuk", data={"nip": user.nip, "password": PASSWORD, "csrf_token": csrf})
    g.pop("csrf_token", None)  # the pre-sign-in token cached in the shared ``g``
    page = client.get("/kursus/kursus-uji").get_data(as_text=True)  # a new session
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/kursus/kursus-uji/daftar", data={"csrf_token": csrf})
    batch = {"actions": [_lesson("lesson-eeee-0001", "pengantar", datetime(2026, 6, 17, 3, 1))]}
    assert client.post("/offline/sinkron", json=batch).status_code == 400
    assert _count(db, LessonCompletion) == 0
    answer = client.post("/offline/sinkron", json=batch, headers={"X-CSRFToken": csrf})
    assert answer.status_code == 200 and _count(db, LessonCompletion) == 1


def test_the_api_route_applies_the_same_actions_once(client, db, make_course, make_user, login):
    user, token = _offline_learner(client, db, make_course, make_user, login)
    api = {"Authorization": f"Bearer {create_token(db.session, user)}"}
    db.session.commit()
    batch = {"actions": [_quiz("quiz-ffff-0001", token, datetime(2026, 6, 17, 3, 1))]}
    first = client.post("/api/v1/me/offline-actions", json=batch, headers=api).get_json()
    second = client.post("/offline/sinkron", json=batch).get_json()
    assert first["results"][0]["outcome"] == "applied" and second["results"][0]["repeat"]
    assert first["results"][0]["attempt_id"] == second["results"][0]["attempt_id"]
    assert _count(db, Attempt) == 1


def test_concurrent_sends_of_one_queue_apply_it_once(app, client, db, make_course, make_user,
                                                    login):
    """Two tabs and the service worker flush the same queue at the same moment."""
    user, token = _offline_learner(client, db, make_course, make_user, login)
    at = datetime(2026, 6, 17, 3, 1)
    batch = {"actions": [_lesson("lesson-gggg-0001", "pengantar", at),
                         _lesson("lesson-gggg-0002", "lanjutan", at),
                         _quiz("quiz-gggg-0003", token, at)]}
    clients = []
    for _ in range(4):
        other = app.test_client()
        with other.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        clients.append(other)
    barrier, answers = threading.Barrier(len(clients)), []

    def send(c):
        barrier.wait()
        answers.append(c.post("/offline/sinkron", json=batch))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200] * 4
    outcomes = [[r["outcome"] for r in a.get_json()["results"]] for a in answers]
    assert outcomes == [["applied"] * 3] * 4
    applied_here = sum(not r["repeat"] for a in answers for r in a.get_json()["results"])
    assert applied_here == 3
    assert _count(db, OfflineAction) == 3 and _count(db, Attempt) == 1
    assert _count(db, LessonCompletion) == 2 and _count(db, JpLedgerEntry) == 1
    assert _count(db, Enrollment, Enrollment.completed_at.is_not(None)) == 1


def test_signing_out_clears_what_the_device_stored(client, make_user, login):
    login(make_user())
    answer = client.post("/keluar")
    assert answer.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_worker_and_the_manifest_are_served_from_the_root(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Cache-Control"] == "no-cache"
    assert worker.mimetype == "text/javascript" and b"kasn-course:" in worker.data
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.get_json()["start_url"] == "/" and manifest.get_json()["display"] == "standalone"
    page = client.get("/offline")
    assert page.status_code == 200 and "Anda sedang offline" in page.get_data(as_text=True)
