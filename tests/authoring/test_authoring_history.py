"""Version diffs show every change a trainer can make; any two versions can be compared;
downloads of the same content are the same bytes; GIFT import speaks the trainer's language."""

from __future__ import annotations

import io
import re
import zipfile

from sqlalchemy import select

from lms.authoring.models import CourseDraft

LESSON = "01-dasar/01-pengantar.md"
QUIZ = "01-dasar/03-kuis.quiz.md"


def _edit(client, slug, path, **fields):
    page = client.get(f"/pengajar/draf/{slug}/berkas/{path}").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    return client.post(f"/pengajar/draf/{slug}/berkas/{path}",
                       data={"revision": revision, "action": "save", **fields})


def _publish_change(client, slug, path, **fields):
    client.post(f"/pengajar/kursus/{slug}/draf")
    assert _edit(client, slug, path, **fields).status_code == 302
    assert client.post(f"/pengajar/draf/{slug}/terbitkan").status_code == 302


def test_the_diff_shows_quiz_settings_explanations_and_moves(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    quiz = db.session.scalar(select(CourseDraft)).files[QUIZ]
    body = quiz.split("---\n", 2)[2].replace("> Satu JP setara 45 menit.",
                                             "> Satu JP setara 45 menit (Perka LAN).")
    _edit(client, slug, QUIZ, f_title="Kuis Dasar", f_passing_score="80", f_max_attempts="0",
          body=body)
    client.post(f"/pengajar/draf/{slug}/pindah", data={"target": LESSON, "step": "1"})
    client.post(f"/pengajar/draf/{slug}/terbitkan")

    page = client.get(f"/pengajar/kursus/{slug}/beda?dari=1&ke=2").get_data(as_text=True)
    assert '<span class="del">-passing_score: 70</span>' in page
    assert '<span class="add">+passing_score: 80</span>' in page
    assert '<span class="add">+&gt; Satu JP setara 45 menit (Perka LAN).</span>' in page
    assert "Dipindah: 01-dasar/01-pengantar.md → 01-dasar/02-pengantar.md" in page
    assert "dipindah" in page and "Data kursus" not in page


def test_course_data_and_module_changes_are_in_the_diff(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _publish_change(client, slug, "course.md", f_title="Kursus Uji Baru", f_summary="Ringkas.",
                    f_jp="3", extra="competencies:\n  - {code: M.03, level: 2}")
    page = client.get(f"/pengajar/kursus/{slug}/beda?dari=1&ke=2").get_data(as_text=True)
    assert "Data kursus" in page and '<span class="add">+jp: 3</span>' in page
    assert '<span class="del">-  - {code: M.05, level: 1}</span>' in page


def test_any_two_versions_can_be_compared(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    _publish_change(client, slug, LESSON, f_title="Pengantar", body="Versi dua.")
    _publish_change(client, slug, LESSON, f_title="Pengantar", body="Versi tiga.")
    page = client.get(f"/pengajar/kursus/{slug}").get_data(as_text=True)
    assert 'action="/pengajar/kursus/kursus-uji/beda"' in page and 'name="dari"' in page
    diff = client.get(f"/pengajar/kursus/{slug}/beda?dari=1&ke=3").get_data(as_text=True)
    assert '<span class="del">-Isi materi.</span>' in diff
    assert '<span class="add">+Versi tiga.</span>' in diff and "Versi dua." not in diff
    same = client.get(f"/pengajar/kursus/{slug}/beda?dari=3&ke=3").get_data(as_text=True)
    assert "Tidak ada yang berubah" in same


def test_the_history_table_is_accessible(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    page = client.get(f"/pengajar/kursus/{slug}").get_data(as_text=True)
    assert page.count('<th scope="col">') == 5 and '<th scope="row">1</th>' in page


def test_two_downloads_of_the_same_version_are_identical_bytes(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    first = client.get(f"/pengajar/kursus/{slug}/paket.zip").data
    assert client.get(f"/pengajar/kursus/{slug}/paket.zip").data == first
    # No clock in the archive: a download next year gives the same bytes.
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_gift_import_reports_in_indonesian_with_lines(client, login, owned_course):
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    page = client.get(f"/pengajar/draf/{slug}/gift").get_data(as_text=True)
    assert '<option value="01-dasar">Dasar</option>' in page
    gift = "Pilih {=a ~%50%b ~c}\n\nEsai {}\n\nSiapa? {=%50%Ani =Budi}\n"
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "kuis-gift", "title": "Kuis GIFT", "text": gift})
    page = response.get_data(as_text=True)
    assert "Baris 1: Nilai sebagian pada pilihan yang salah tidak didukung" in page
    assert "Baris 3: Soal esai ({}) tidak didukung" in page
    assert "Baris 5: Nilai sebagian pada isian singkat tidak didukung" in page
    assert "01-dasar/04-kuis-gift.quiz.md" in page


def test_gift_single_choice_with_partial_weights_keeps_one_right_answer():
    from lms.content.gift import gift_to_quiz

    text, problems = gift_to_quiz("Pilih {=a ~%50%b ~c}", title="K", slug="k")
    assert "- [x] a\n- [ ] b\n- [ ] c" in text
    assert [p.message.split(";")[0] for p in problems] == [
        "Nilai sebagian pada pilihan yang salah tidak didukung"]


def test_gift_form_errors_are_shown_next_to_the_fields(client, login, owned_course,
                                                      monkeypatch):
    from lms.authoring import structure_views

    # A small limit keeps the test's upload in memory (the real limit is 1 MB).
    monkeypatch.setattr(structure_views, "MAX_GIFT_BYTES", 1000)
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "kuis-gift", "title": "Kuis GIFT", "text": "  "})
    assert response.status_code == 422
    text_box = response.get_data(as_text=True).split('name="text"')[1].split("<label")[0]
    assert "Tempelkan teks GIFT atau pilih berkasnya." in text_box
    big = io.BytesIO(b"Benar? {T}\n" + b"/" * 1000)
    response = client.post(f"/pengajar/draf/{slug}/gift", content_type="multipart/form-data",
                           data={"folder": "01-dasar", "slug": "kuis-gift", "title": "K",
                                 "upload": (big, "soal.gift")})
    assert response.status_code == 422
    assert "Berkas GIFT lebih dari 1 MB." in response.get_data(as_text=True)
    response = client.post(f"/pengajar/draf/{slug}/gift", data={
        "folder": "01-dasar", "slug": "Bukan Slug", "title": "K", "text": "Benar? {T}"})
    assert response.status_code == 422 and "field-error" in response.get_data(as_text=True)
