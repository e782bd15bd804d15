"""A read-only database or a full disk: writes answer 503 with a clear page (JSON under /api/),
one log line each, and reads keep working."""

from __future__ import annotations

import errno
import io
import logging
import re
import sqlite3

import psycopg
import pytest

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from lms.auth.services import create_token
from lms.competency.models import ExternalTraining
from lms.faults import storage_fault
from lms.learning.models import LessonCompletion
from lms.quizzes.models import Attempt
from tests.competency.certificates import PDF, training_input
from tests.conftest import PASSING_ANSWERS

READ_ONLY_ID = "Situs sementara hanya dapat dibaca"
READ_ONLY_EN = "The site is temporarily read-only"


def _refusals(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "lms" and r.levelno >= logging.WARNING]


def _quiz_token(client, slug: str) -> str:
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_pages_read_and_writes_answer_503(read_only_app, db, client, login, make_user,
                                          make_course, signed_in, caplog):
    slug = make_course()
    user = make_user()
    login(user)
    assert client.post(f"/kursus/{slug}/daftar").status_code == 302
    reader = signed_in(read_only_app)

    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    result = client.post(f"/kursus/{slug}/kuis/kuis", data={"token": _quiz_token(client, slug), "confirm": "1"})
    assert result.status_code == 302
    for path in ("/", "/kursus", f"/kursus/{slug}", f"/kursus/{slug}/materi/pengantar",
                 f"/kursus/{slug}/materi/lanjutan", f"/kursus/{slug}/kuis/kuis",
                 result.headers["Location"], "/profil", "/profil/pelatihan-luar/baru"):
        assert reader.get(path).status_code == 200, path

    caplog.clear()
    response = reader.post(f"/kursus/{slug}/materi/lanjutan/selesai")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    page = response.get_data(as_text=True)
    assert READ_ONLY_ID in page and "Traceback" not in page
    assert _count(db, LessonCompletion) == 1  # only the one made before
    refusals = _refusals(caplog)
    assert len(refusals) == 1 and refusals[0].exc_info is None
    message = refusals[0].getMessage()
    assert "\n" not in message and "read_only" in message
    assert f"POST /kursus/{slug}/materi/lanjutan/selesai" in message

    # The refused write left nothing behind: the next read on the same app still works.
    assert reader.get(f"/kursus/{slug}").status_code == 200


def test_the_page_is_in_english_when_chosen(read_only_app, client, login, make_user,
                                            make_course, signed_in):
    slug = make_course()
    login(make_user())
    client.post(f"/kursus/{slug}/daftar")
    client.get("/bahasa/en")
    response = signed_in(read_only_app).post(f"/kursus/{slug}/materi/pengantar/selesai")
    assert response.status_code == 503
    assert READ_ONLY_EN in response.get_data(as_text=True)


def test_api_reads_work_and_a_quiz_attempt_answers_503_json(read_only_app, db, make_user,
                                                            make_course, caplog):
    make_course()
    user = make_user()
    token = create_token(db.session, user)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    api = read_only_app.test_client()
    for path in ("/me", "/courses", "/courses/kursus-uji", "/lessons/kursus-uji.pengantar",
                 "/quizzes/kursus-uji.kuis", "/me/progress", f"/employees/{user.nip}/profile"):
        assert api.get(f"/api/v1{path}", headers=headers).status_code == 200, path
    caplog.clear()
    response = api.post("/api/v1/quizzes/kursus-uji.kuis/attempts", headers=headers,
                        json={"answers": PASSING_ANSWERS})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "read_only" and "temporarily read-only" in error["message"]
    assert _count(db, Attempt) == 0
    assert len(_refusals(caplog)) == 1
    assert api.get("/api/v1/me/progress", headers=headers).status_code == 200


def test_a_full_disk_refuses_an_upload_with_503(app, client, db, login, make_user, monkeypatch,
                                                caplog, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    login(make_user())

    def disk_full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("lms.competency.uploads.os.fsync", disk_full)
    data = training_input()
    caplog.clear()
    response = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data", data={
        "kind": data.kind, "title": data.title, "provider": data.provider,
        "started_on": data.started_on.isoformat(), "ended_on": data.ended_on.isoformat(),
        "jp": str(data.jp), "certificate_number": data.certificate_number,
        "competency_code": "", "level": "",
        "file": (io.BytesIO(PDF), "sertifikat.pdf", "application/pdf"),
    })
    assert response.status_code == 503
    assert READ_ONLY_ID in response.get_data(as_text=True)
    assert _count(db, ExternalTraining) == 0
    evidence = tmp_path / "uploads" / "evidence"
    assert not any(evidence.iterdir())  # the half-written file was removed
    refusals = _refusals(caplog)
    assert len(refusals) == 1 and "disk_full" in refusals[0].getMessage()
    assert client.get("/profil").status_code == 200


def test_only_storage_faults_are_read_only():
    # A programming error must still fail loudly, not pass for a read-only site.
    assert storage_fault(OperationalError("SELECT 1", {}, Exception("no such column: x"))) is None
    assert storage_fault(OSError(errno.ENOENT, "No such file")) is None
    assert storage_fault(OSError(errno.EROFS, "Read-only file system")) == "read_only"
    assert storage_fault(psycopg.errors.ReadOnlySqlTransaction("read-only")) == "read_only"
    assert storage_fault(psycopg.errors.DiskFull("could not extend file")) == "disk_full"
    assert storage_fault(psycopg.errors.UndefinedColumn("no column x")) is None


def test_a_full_sqlite_database_is_a_disk_full_fault():
    # SQLite's own "database or disk is full", produced for real by a page limit.
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x BLOB)")
    conn.execute("PRAGMA max_page_count = 3")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("INSERT INTO t VALUES (?)", (b"x" * 100_000,))
    conn.close()
    assert "database or disk is full" in str(caught.value)
    assert storage_fault(OperationalError("INSERT", {}, caught.value)) == "disk_full"


def test_staff_pages_read_on_a_read_only_database(read_only_app, client, login, make_user,
                                                  make_course, signed_in):
    make_course()
    for role, paths in (("manager", ("/atasan/",)), ("trainer", ("/pengajar/",)),
                        ("admin", ("/admin/", "/admin/pegawai", "/admin/unit"))):
        client.delete_cookie("session")
        login(make_user(role))
        reader = signed_in(read_only_app)
        for path in paths:
            assert reader.get(path).status_code == 200, (role, path)
