"""The draft's structure in the editor: moving keeps links working, deleting, discarding,
slugs that are already taken, and what the live preview sends back."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.authoring.models import CourseDraft
from lms.courses.importer import current_version
from lms.courses.models import Course

LESSON = "01-dasar/01-pengantar.md"


def _open(client, slug):
    client.post(f"/pengajar/kursus/{slug}/draf")


def _revision(client, slug, path):
    page = client.get(f"/pengajar/draf/{slug}/berkas/{path}").get_data(as_text=True)
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


def _save(client, slug, path, revision, action="save", **fields):
    return client.post(f"/pengajar/draf/{slug}/berkas/{path}",
                       data={"revision": revision, "action": action, **fields})


def _draft(db):
    db.session.expire_all()
    return db.session.scalar(select(CourseDraft))


def test_moving_items_and_modules_keeps_relative_links_working(client, login, db,
                                                               owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    body = "Lihat [lanjutan](02-lanjutan.md) dan [kuis](03-kuis.quiz.md)."
    _save(client, slug, LESSON, _revision(client, slug, LESSON), f_title="Pengantar", body=body)
    client.post(f"/pengajar/draf/{slug}/modul", data={"slug": "akhir", "title": "Akhir"})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "02-akhir", "kind": "lesson", "slug": "penutup", "title": "Penutup"})
    penutup = "02-akhir/01-penutup.md"
    _save(client, slug, penutup, _revision(client, slug, penutup), f_title="Penutup",
          f_id="penutup", body="Kembali ke [pengantar](../01-dasar/01-pengantar.md).")

    client.post(f"/pengajar/draf/{slug}/pindah",
                data={"target": "01-dasar/02-lanjutan.md", "step": "-1"})
    client.post(f"/pengajar/draf/{slug}/pindah", data={"target": "02-akhir", "step": "-1"})
    files = _draft(db).files
    assert "Lihat [lanjutan](01-lanjutan.md) dan [kuis](03-kuis.quiz.md)." in files[
        "02-dasar/02-pengantar.md"]
    assert "[pengantar](../02-dasar/02-pengantar.md)" in files["01-akhir/01-penutup.md"]
    assert client.get(f"/pengajar/draf/{slug}").get_data(as_text=True).count(
        "Draf valid dan siap diterbitkan") == 1
    assert client.post(f"/pengajar/draf/{slug}/terbitkan").status_code == 302
    version = current_version(db.session, db.session.scalar(select(Course)))
    pengantar = next(i for m in version.modules for i in m.items if i.key == "pengantar")
    assert f'href="/kursus/{slug}/materi/lanjutan"' in pengantar.body_html


def test_an_editor_open_on_a_relinked_file_gets_a_conflict(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    _save(client, slug, LESSON, _revision(client, slug, LESSON), f_title="Pengantar",
          body="[lanjutan](02-lanjutan.md)")
    stale = _revision(client, slug, LESSON)
    # Pengantar itself stays where it is, but its link to the moved lesson changes.
    client.post(f"/pengajar/draf/{slug}/pindah",
                data={"target": "01-dasar/02-lanjutan.md", "step": "1"})
    response = _save(client, slug, LESSON, stale, f_title="Pengantar", body="Teks lama.")
    assert response.status_code == 409
    assert "[lanjutan](03-lanjutan.md)" in _draft(db).files[LESSON]


def test_saving_a_file_that_a_colleague_moved_keeps_the_text(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    path = "01-dasar/02-lanjutan.md"
    revision = _revision(client, slug, path)
    client.post(f"/pengajar/draf/{slug}/pindah", data={"target": path, "step": "-1"})
    response = _save(client, slug, path, revision, f_title="Lanjutan", body="Teks saya.")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "sudah dipindah atau dihapus" in page and "Teks saya." in page


def test_deleting_an_item_and_a_module(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    client.post(f"/pengajar/draf/{slug}/modul", data={"slug": "ekstra", "title": "Ekstra"})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "02-ekstra", "kind": "lesson", "slug": "tambahan", "title": "Tambahan"})
    page = client.get(f"/pengajar/draf/{slug}").get_data(as_text=True)
    assert "Ya, hapus modul ini beserta 1 materi/kuisnya" in page
    client.post(f"/pengajar/draf/{slug}/hapus", data={"target": "01-dasar/02-lanjutan.md"})
    client.post(f"/pengajar/draf/{slug}/hapus", data={"target": "02-ekstra"})
    assert set(_draft(db).files) == {"course.md", "01-dasar/module.md", LESSON,
                                     "01-dasar/03-kuis.quiz.md"}
    assert client.post(f"/pengajar/draf/{slug}/hapus",
                       data={"target": "course.md"}).status_code == 302
    assert "course.md" in _draft(db).files
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert [i.key for i in version.modules[0].items] == ["pengantar", "kuis"]


def test_discarding_a_draft_leaves_the_published_version(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    _save(client, slug, LESSON, _revision(client, slug, LESSON), f_title="Salah", body="x")
    response = client.post(f"/pengajar/draf/{slug}/buang")
    assert response.headers["Location"].endswith(f"/pengajar/kursus/{slug}")
    assert _draft(db) is None
    assert db.session.scalar(select(Course)).current_number == 1
    assert "Sunting (buat draf dari versi 1)" in client.get(
        f"/pengajar/kursus/{slug}").get_data(as_text=True)


def test_new_items_get_an_explicit_id_and_taken_slugs_are_refused(client, login, db,
                                                                  owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "01-dasar", "kind": "quiz", "slug": "kuis-akhir", "title": "Kuis Akhir"})
    assert "\nid: kuis-akhir\n" in _draft(db).files["01-dasar/04-kuis-akhir.quiz.md"]
    for slug_taken in ("pengantar", "kuis-akhir"):
        response = client.post(f"/pengajar/draf/{slug}/butir", data={
            "folder": "01-dasar", "kind": "lesson", "slug": slug_taken, "title": "Lagi"},
            follow_redirects=True)
        assert "Slug itu sudah dipakai" in response.get_data(as_text=True)
    response = client.post(f"/pengajar/draf/{slug}/modul", data={"slug": "dasar", "title": "x"},
                           follow_redirects=True)
    assert "Slug itu sudah dipakai" in response.get_data(as_text=True)
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "kuis", "title": "GIFT", "text": "Benar? {T}"})
    assert response.status_code == 422
    assert "Slug itu sudah dipakai" in response.get_data(as_text=True)
    assert len(_draft(db).files) == 6
    assert client.get(f"/pengajar/draf/{slug}").get_data(as_text=True).count(
        "Draf valid dan siap diterbitkan") == 1


def test_the_live_preview_returns_each_fields_errors_in_its_own_box(client, login,
                                                                    owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    path = "01-dasar/03-kuis.quiz.md"
    response = client.post(f"/pengajar/draf/{slug}/berkas/{path}", headers={"X-Preview": "1"},
                           data={"revision": _revision(client, slug, path), "action": "preview",
                                 "f_title": "Kuis", "f_passing_score": "170",
                                 "body": "## Soal tanpa jawaban"})
    text = response.get_data(as_text=True)
    boxes = dict(re.findall(r'<div class="field-errors" id="errors-([a-z_]+)"[^>]*>(.*?)</div>',
                            text, re.S))
    assert "passing_score" in boxes["passing_score"] and ":3:" in boxes["passing_score"]
    assert "soal tidak memiliki jawaban" in boxes["body"]
    assert boxes["title"] == "" and boxes["file"] == ""
    # Fixed: the boxes come back empty, so the script clears the old messages.
    response = client.post(f"/pengajar/draf/{slug}/berkas/{path}", headers={"X-Preview": "1"},
                           data={"revision": "1", "action": "preview", "f_title": "Kuis",
                                 "f_passing_score": "70", "body": "## Soal\n\n= 1"})
    assert "field-error\"" not in response.get_data(as_text=True)


def test_the_editor_links_inputs_to_their_errors(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    path = "01-dasar/03-kuis.quiz.md"
    page = _save(client, slug, path, _revision(client, slug, path), action="preview",
                 f_title="Kuis", f_passing_score="170", body="## S\n\n= 1").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="f_passing_score"[^>]*>', page).group(0)
    assert 'aria-describedby="errors-passing_score"' in field and 'aria-invalid="true"' in field
