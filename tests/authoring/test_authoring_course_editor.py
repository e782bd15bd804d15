"""The editor speaks courses, not files: titles in headings, slugs proposed from titles,
competencies picked from the framework, course-format messages in the interface language."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.authoring.models import CourseDraft
from tests.conftest import ROOT

LESSON = "01-dasar/01-pengantar.md"
QUIZ = "01-dasar/03-kuis.quiz.md"
REAL_WORLD = (ROOT / "tests" / "fixtures" / "markdown" / "real-world-lesson.md").read_text()


def _open(client, slug):
    client.post(f"/pengajar/kursus/{slug}/draf")


def _page(client, slug, path):
    return client.get(f"/pengajar/draf/{slug}/berkas/{path}").get_data(as_text=True)


def _revision(page):
    return re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)


def _draft(db):
    db.session.expire_all()
    return db.session.scalar(select(CourseDraft))


def test_headings_name_the_course_module_and_lesson(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)

    page = _page(client, slug, LESSON)
    assert "<h1>Materi: Pengantar</h1>" in page
    assert "<title>Materi: Pengantar · Kursus Uji" in page
    assert re.search(r'<nav class="crumbs"[^>]*>.*Draf: Kursus Uji.*>Dasar</a>', page, re.S)
    assert f"<code>{LESSON}</code>" in page  # the path only as a detail
    assert "<h1>Kuis: Kuis Dasar</h1>" in _page(client, slug, QUIZ)
    assert "<h1>Modul: Dasar</h1>" in _page(client, slug, "01-dasar/module.md")
    assert "<h1>Data kursus: Kursus Uji</h1>" in _page(client, slug, "course.md")
    draft = client.get(f"/pengajar/draf/{slug}").get_data(as_text=True)
    assert "<h1>Draf: Kursus Uji</h1>" in draft


def test_slugs_are_proposed_from_titles_without_javascript(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)

    client.post(f"/pengajar/draf/{slug}/modul", data={"title": "Etika & Integritas ASN"})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "01-dasar", "kind": "lesson", "title": "Pengantar", "slug": ""})
    client.post(f"/pengajar/draf/{slug}/butir", data={
        "folder": "01-dasar", "kind": "quiz", "title": "Kuis Akhir Ölçü"})
    files = _draft(db).files
    assert "02-etika-integritas-asn/module.md" in files
    assert "01-dasar/04-pengantar-2.md" in files  # "pengantar" is taken
    assert "id: pengantar-2" in files["01-dasar/04-pengantar-2.md"]
    assert "01-dasar/05-kuis-akhir-olcu.quiz.md" in files
    response = client.post("/pengajar/kursus-baru", data={"title": "Kursus Uji"})
    assert response.headers["Location"].endswith("/pengajar/draf/kursus-uji-2")


def test_competencies_are_picked_from_the_framework(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    page = _page(client, slug, "course.md")

    selects = re.findall(r'<select name="competency_code" id="([^"]+)">(.*?)</select>', page, re.S)
    assert len(selects) == 4  # M.03 and M.05 of the course, two empty rows
    assert re.search(r'<option value="M.03" selected>M.03 ', selects[0][1])
    assert f'<label for="{selects[0][0]}">' in page
    assert 'value="SK.01"' in selects[3][1]  # the whole framework to choose from
    assert "competencies" not in re.search(r'<textarea[^>]*name="extra"[^>]*>(.*?)</textarea>',
                                           page, re.S).group(1)

    data = {"revision": _revision(page), "action": "save", "f_title": "Kursus Uji",
            "f_summary": "Ringkas.", "f_jp": "2", "competency_rows": "1",
            "competency_code": ["M.03", "", "SK.01", ""],
            "competency_level": ["3", "1", "2", "1"], "extra": "", "body": "Deskripsi."}
    assert client.post(f"/pengajar/draf/{slug}/berkas/course.md", data=data).status_code == 302
    text = _draft(db).files["course.md"]
    assert "competencies:\n  - {code: M.03, level: 3}\n  - {code: SK.01, level: 2}\n" in text

    data["competency_code"] = ["M.99", "", "", ""]
    page = client.post(f"/pengajar/draf/{slug}/berkas/course.md",
                       data=data | {"action": "preview"}).get_data(as_text=True)
    box = re.search(r'id="errors-competencies"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "course.md:6: kode kompetensi M.99 tidak dikenal" in box
    assert '<option value="M.99" selected>' in page  # kept, said to be outside the framework


def test_editor_messages_follow_the_interface_language(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    page = _page(client, slug, QUIZ)
    data = {"revision": _revision(page), "action": "preview", "f_title": "Kuis",
            "f_passing_score": "170", "body": "## Soal tanpa jawaban"}

    indonesian = client.post(f"/pengajar/draf/{slug}/berkas/{QUIZ}",
                             data=data).get_data(as_text=True)
    client.get("/bahasa/en")
    english = client.post(f"/pengajar/draf/{slug}/berkas/{QUIZ}", data=data).get_data(as_text=True)

    assert f"{QUIZ}:3: &#39;passing_score&#39; harus 0–100, bukan 170" in indonesian
    assert "soal tidak memiliki jawaban" in indonesian
    assert f"{QUIZ}:3: &#39;passing_score&#39; must be 0–100, got 170" in english
    assert "question has no answers" in english


def test_the_editor_warns_about_plain_text_syntax_and_renders_the_rest(
        client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    page = _page(client, slug, LESSON)
    body = REAL_WORLD.split("---\n", 2)[2]
    data = {"revision": _revision(page), "action": "preview", "f_title": "Cadangan",
            "f_minutes": "10", "body": body}

    page = client.post(f"/pengajar/draf/{slug}/berkas/{LESSON}",
                       data=data).get_data(as_text=True)

    box = re.search(r'id="warnings-body"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert box.count('class="field-warning"') == 6 and f"{LESSON}:41: blok" in box
    assert '<div class="admonition note">' in page and '<div class="footnote">' in page


def test_the_draft_page_lists_warnings_that_do_not_stop_publishing(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _open(client, slug)
    page = _page(client, slug, LESSON)
    data = {"revision": _revision(page), "action": "save", "f_title": "Cadangan",
            "f_minutes": "10", "body": REAL_WORLD.split("---\n", 2)[2]}
    assert client.post(f"/pengajar/draf/{slug}/berkas/{LESSON}", data=data).status_code == 302

    draft = client.get(f"/pengajar/draf/{slug}").get_data(as_text=True)

    assert "Draf valid dan siap diterbitkan" in draft
    assert "6 peringatan: sintaks yang tampil sebagai teks biasa" in draft
    assert f"{LESSON}:47: rumus &#39;$$&#39; tidak didukung" in draft
