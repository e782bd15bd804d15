"""The web editor: drafts, editing with preview and conflicts, structure, publishing."""

from __future__ import annotations

import io

from sqlalchemy import select

from lms.authoring.models import CourseDraft
from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.learning.models import LessonCompletion

LESSON = "01-dasar/01-pengantar.md"


def _open(client, slug):
    return client.post(f"/pengajar/kursus/{slug}/draf")


def _file_form(client, slug, path):
    """The editor's current form values, as the browser would submit them."""
    import re

    page = client.get(f"/pengajar/draf/{slug}/berkas/{path}").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    return page, revision


def _save(client, slug, path, revision, action="save", **fields):
    data = {"revision": revision, "action": action, **fields}
    return client.post(f"/pengajar/draf/{slug}/berkas/{path}", data=data)


def test_editing_a_lesson_and_publishing_keeps_learner_progress(
        client, login, db, owned_course, make_user):
    slug, owner = owned_course()
    learner = make_user(name="Peserta")
    login(learner)
    client.post(f"/kursus/{slug}/daftar")
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    client.post("/keluar")

    login(owner)
    assert _open(client, slug).status_code == 302
    page, revision = _file_form(client, slug, LESSON)
    assert "Isi materi." in page and 'value="Pengantar"' in page
    response = _save(client, slug, LESSON, revision, f_title="Pengantar Baru", f_minutes="7",
                     f_id="pengantar", body="Materi **baru**.")
    assert response.status_code == 302
    draft = db.session.scalar(select(CourseDraft))
    assert draft.files[LESSON].startswith("---\ntitle: Pengantar Baru\nminutes: 7\nid: pengantar")
    response = client.post(f"/pengajar/draf/{slug}/terbitkan")
    assert response.status_code == 302
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert version.number == 2 and version.published_by_id == owner.id
    item = version.modules[0].items[0]
    assert item.title == "Pengantar Baru"
    assert item.body_html == "<p>Materi <strong>baru</strong>.</p>"
    assert db.session.scalar(select(CourseDraft)) is None
    assert db.session.scalar(select(LessonCompletion.lesson_key).where(
        LessonCompletion.user_id == learner.id)) == "pengantar"

    client.post("/keluar")
    login(learner)
    page = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert "Pengantar Baru" in page and "selesai" in page


def test_preview_shows_the_sanitised_html_learners_see_without_saving(
        client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    _page, revision = _file_form(client, slug, LESSON)
    response = _save(client, slug, LESSON, revision, action="preview", f_title="Pengantar",
                     body="Halo *dunia* <script>alert(1)</script> [x](javascript:alert(1))")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<em>dunia</em>" in page and "<script>alert" not in page
    assert "javascript:alert" not in page.split('id="preview"')[1]
    assert "Isi materi." in db.session.scalar(select(CourseDraft)).files[LESSON]
    fragment = client.post(f"/pengajar/draf/{slug}/berkas/{LESSON}", headers={"X-Preview": "1"},
                           data={"revision": revision, "action": "preview",
                                 "f_title": "Pengantar", "body": "# Judul"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and '<h1 id="judul">Judul</h1>' in text.split('id="preview"')[1]


def test_errors_are_shown_next_to_the_field_with_file_and_line(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    path = "01-dasar/03-kuis.quiz.md"
    page, revision = _file_form(client, slug, path)
    response = _save(client, slug, path, revision, action="preview", f_title="Kuis",
                     f_passing_score="170", body="## Soal tanpa jawaban")
    page = response.get_data(as_text=True)
    assert "01-dasar/03-kuis.quiz.md:3: " in page
    field, _rest = page.split('name="f_max_attempts"', 1)
    assert "passing" in field.split('name="f_passing_score"', 1)[1]
    assert "01-dasar/03-kuis.quiz.md:5: soal tidak memiliki jawaban" in page.split('name="body"')[1]


def test_two_trainers_saving_the_same_file_get_a_conflict(client, login, app, db, owned_course,
                                                         make_user):
    slug, owner = owned_course()
    colleague = make_user(role="trainer", name="Rekan Kedua")
    from lms.authoring.services import add_owner

    add_owner(db.session, db.session.scalar(select(Course)), colleague)
    db.session.commit()
    other = app.test_client()
    login(owner)
    login(colleague, target=other)
    _open(client, slug)
    _page, revision = _file_form(client, slug, LESSON)
    _page, other_revision = _file_form(other, slug, LESSON)
    assert _save(other, slug, LESSON, other_revision, f_title="Versi Rekan",
                 body="Teks rekan.").status_code == 302
    response = _save(client, slug, LESSON, revision, f_title="Versi Saya", body="Teks saya.")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Konflik" in page and "Rekan Kedua" in page and "Teks saya." in page
    assert "Teks rekan." in db.session.scalar(select(CourseDraft)).files[LESSON]


def test_adding_a_module_lesson_and_quiz_then_reordering(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    client.post(f"/pengajar/draf/{slug}/modul", data={"slug": "lanjut", "title": "Lanjutan"})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "02-lanjut", "kind": "lesson", "slug": "studi-kasus", "title": "Studi Kasus"})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "02-lanjut", "kind": "quiz", "slug": "kuis-akhir", "title": "Kuis Akhir"})
    draft = db.session.scalar(select(CourseDraft))
    assert {"02-lanjut/module.md", "02-lanjut/01-studi-kasus.md",
            "02-lanjut/02-kuis-akhir.quiz.md"} <= set(draft.files)
    client.post(f"/pengajar/draf/{slug}/pindah", data={"target": "02-lanjut", "step": "-1"})
    client.post(f"/pengajar/draf/{slug}/pindah",
                data={"target": "01-lanjut/02-kuis-akhir.quiz.md", "step": "-1"})
    db.session.expire_all()
    draft = db.session.scalar(select(CourseDraft))
    assert "01-lanjut/01-kuis-akhir.quiz.md" in draft.files
    assert "02-dasar/01-pengantar.md" in draft.files
    assert client.post(f"/pengajar/draf/{slug}/terbitkan").status_code == 302
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert [m.slug for m in version.modules] == ["lanjut", "dasar"]
    assert [i.key for i in version.modules[0].items] == ["kuis-akhir", "studi-kasus"]
    assert [i.key for i in version.modules[1].items] == ["pengantar", "lanjutan", "kuis"]


def test_a_new_course_is_written_in_the_browser_and_its_author_owns_it(client, login, db,
                                                                       make_user):
    trainer = make_user(role="trainer")
    login(trainer)
    response = client.post("/pengajar/kursus-baru", data={"slug": "etika-asn",
                                                          "title": "Etika ASN"})
    assert response.headers["Location"].endswith("/pengajar/draf/etika-asn")
    assert client.post("/pengajar/kursus-baru", data={"slug": "Etika ASN", "title": "x"}
                       ).status_code == 302
    assert client.post("/pengajar/draf/etika-asn/terbitkan").status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "etika-asn"))
    assert course.current_number == 1
    assert client.get("/pengajar/kursus/etika-asn").status_code == 200
    client.post("/keluar")
    login(make_user(role="trainer"))
    assert client.get("/pengajar/kursus/etika-asn").status_code == 403


def test_images_upload_into_assets_and_show_in_the_preview(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    client.post(f"/pengajar/draf/{slug}/gambar", content_type="multipart/form-data",
                data={"image": (io.BytesIO(png), "Diagram Alur.PNG")})
    assert client.get(f"/pengajar/draf/{slug}/aset/assets/diagram-alur.png").data == png
    client.post(f"/pengajar/draf/{slug}/gambar", content_type="multipart/form-data",
                data={"image": (io.BytesIO(b"<svg/>"), "x.svg")})
    assert [a.path for a in db.session.scalar(select(CourseDraft)).assets] == [
        "assets/diagram-alur.png"]
    _page, revision = _file_form(client, slug, LESSON)
    page = _save(client, slug, LESSON, revision, action="preview", f_title="Pengantar",
                 body="![Alur](../assets/diagram-alur.png)").get_data(as_text=True)
    assert f'src="/pengajar/draf/{slug}/aset/assets/diagram-alur.png"' in page
    _save(client, slug, LESSON, revision, f_title="Pengantar",
          body="![Alur](../assets/diagram-alur.png)")
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    item = current_version(db.session, db.session.scalar(select(Course))).modules[0].items[0]
    assert f'src="/kursus/{slug}/v2/assets/diagram-alur.png"' in item.body_html
    assert client.get(f"/kursus/{slug}/v2/assets/diagram-alur.png").data == png


def test_history_diff_and_restore(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    _page, revision = _file_form(client, slug, LESSON)
    _save(client, slug, LESSON, revision, f_title="Pengantar", body="Isi <b>baru</b>.")
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    page = client.get(f"/pengajar/kursus/{slug}").get_data(as_text=True)
    assert owner.name in page and "impor baris perintah" in page
    diff = client.get(f"/pengajar/kursus/{slug}/beda?dari=1&ke=2").get_data(as_text=True)
    assert '<span class="del">-Isi materi.</span>' in diff
    assert '<span class="add">+Isi &lt;b&gt;baru&lt;/b&gt;.</span>' in diff
    assert "Lanjutan" not in diff
    assert client.get(f"/pengajar/kursus/{slug}/beda?dari=1&ke=9").status_code == 404

    client.post(f"/pengajar/kursus/{slug}/versi/1/pulihkan")
    assert "Isi materi." in db.session.scalar(select(CourseDraft)).files[LESSON]
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert version.number == 3 and version.modules[0].items[0].body_md == "Isi materi."


def test_an_invalid_draft_cannot_be_published(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    _page, revision = _file_form(client, slug, "course.md")
    _save(client, slug, "course.md", revision, f_title="", f_summary="x", f_jp="0")
    page = client.get(f"/pengajar/draf/{slug}").get_data(as_text=True)
    assert "course.md:" in page
    client.post(f"/pengajar/draf/{slug}/terbitkan")
    assert db.session.scalar(select(Course)).current_number == 1


def test_gift_questions_become_a_quiz_and_unsupported_ones_are_listed(client, login, db,
                                                                      owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    assert client.get(f"/pengajar/draf/{slug}/gift").status_code == 200
    gift = "Ibu kota? {=Jakarta ~Bandung}\n\nCocokkan. {=a -> 1 =b -> 2}\n"
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "kuis-gift", "title": "Kuis GIFT", "text": gift})
    page = response.get_data(as_text=True)
    assert "Baris 3: Soal menjodohkan (-&gt;) tidak didukung" in page
    draft = db.session.scalar(select(CourseDraft))
    assert "- [x] Jakarta" in draft.files["01-dasar/04-kuis-gift.quiz.md"]
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "kuis-esai", "title": "Esai", "text": "Esai {}"})
    assert response.status_code == 422
    assert client.post(f"/pengajar/draf/{slug}/terbitkan").status_code == 302
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert [i.key for i in version.modules[0].items][-1] == "kuis-gift"
