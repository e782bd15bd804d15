"""The application task in the browser editor: added from the draft page, edited with its own
fields and previewed, published into the version, exported in the package, removed again."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.authoring.models import CourseDraft
from lms.courses.models import CourseTask
from lms.courses.services import get_current_version
from tests.authoring.conftest import unzip


def _draft(db) -> CourseDraft:
    db.session.expire_all()
    return db.session.scalar(select(CourseDraft))


def _revision(client, slug, path):
    page = client.get(f"/pengajar/draf/{slug}/berkas/{path}").get_data(as_text=True)
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


def test_a_task_is_added_edited_published_and_removed(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    assert "Tambah tugas penerapan" in client.get(f"/pengajar/draf/{slug}").get_data(as_text=True)

    added = client.post(f"/pengajar/draf/{slug}/tugas")
    assert added.headers["Location"].endswith(f"/pengajar/draf/{slug}/berkas/tugas.md")
    assert "tugas.md" in _draft(db).files
    page = client.get(f"/pengajar/draf/{slug}/berkas/tugas.md").get_data(as_text=True)
    assert 'name="f_due_days"' in page and 'name="f_title"' in page and "Pratinjau" in page

    bad = client.post(f"/pengajar/draf/{slug}/berkas/tugas.md", data={
        "revision": _revision(client, slug, "tugas.md"), "action": "save",
        "f_title": "Tugas Kita", "f_due_days": "0", "body": "Laporkan."})
    assert bad.status_code == 302  # saved as a draft, with the error shown on the draft page
    assert "tugas.md:3: &#39;due_days&#39; harus 1–365, bukan 0" in client.get(
        f"/pengajar/draf/{slug}").get_data(as_text=True)
    client.post(f"/pengajar/draf/{slug}/berkas/tugas.md", data={
        "revision": _revision(client, slug, "tugas.md"), "action": "save",
        "f_title": "Tugas Kita", "f_due_days": "14", "body": "Laporkan **hasilnya**."})
    assert _draft(db).files["tugas.md"] == (
        "---\ntitle: Tugas Kita\ndue_days: 14\n---\nLaporkan **hasilnya**.\n")
    preview = client.post(f"/pengajar/draf/{slug}/berkas/tugas.md", data={
        "revision": _revision(client, slug, "tugas.md"), "action": "preview",
        "f_title": "Tugas Kita", "body": "Laporkan **hasilnya**."}).get_data(as_text=True)
    assert "<strong>hasilnya</strong>" in preview

    assert client.post(f"/pengajar/draf/{slug}/terbitkan").status_code == 302
    version = get_current_version(db.session, slug)
    task = db.session.scalar(select(CourseTask).where(CourseTask.version_id == version.id))
    assert (version.number, task.title, task.due_days) == (2, "Tugas Kita", 14)
    assert "<strong>hasilnya</strong>" in task.body_html
    files = unzip(client.get(f"/pengajar/kursus/{slug}/paket.zip").data)
    assert files[f"{slug}/tugas.md"] == (
        b"---\ntitle: Tugas Kita\ndue_days: 14\n---\nLaporkan **hasilnya**.\n")

    client.post(f"/pengajar/kursus/{slug}/draf")
    client.post(f"/pengajar/draf/{slug}/hapus", data={"target": "tugas.md"})
    assert "tugas.md" not in _draft(db).files
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    version = get_current_version(db.session, slug)
    assert db.session.scalar(select(CourseTask).where(CourseTask.version_id == version.id)) is None


def test_only_trainers_add_a_task(app, client, login, db, owned_course, make_user):
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    learner, other_trainer = app.test_client(), app.test_client()
    login(make_user(), target=learner)
    login(make_user(role="trainer"), target=other_trainer)

    assert learner.post(f"/pengajar/draf/{slug}/tugas").status_code == 403
    assert other_trainer.post(f"/pengajar/draf/{slug}/tugas").status_code == 403
    assert "tugas.md" not in _draft(db).files
