"""The GIFT import page reads what trainers upload: UTF-8 with or without BOM, a Windows-1252
file (converted, and said so), a file that is not text refused in one line; Moodle's
constructs that cannot be imported are listed with their line in the interface language."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from lms.authoring.models import CourseDraft

QUIZ = "01-dasar/04-kuis-gift.quiz.md"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "gift" / "moodle-like-examples.txt"


def _upload(client, slug, data: bytes, name="soal.txt"):
    return client.post(f"/pengajar/draf/{slug}/gift", content_type="multipart/form-data",
                       data={"folder": "01-dasar", "slug": "kuis-gift", "title": "Kuis GIFT",
                             "upload": (io.BytesIO(data), name)}, follow_redirects=True)


def _draft_quiz(db) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(CourseDraft)).files.get(QUIZ)


def _open(client, login, owned_course) -> str:
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    return slug


def test_a_windows_1252_file_is_converted_and_said_so(client, login, db, owned_course):
    slug = _open(client, login, owned_course)
    gift = "“Café” artinya? {=kedai kopi ~kafetaria ~kantor}\n\nÉtat Indonésie? {T}\n"
    data = gift.replace("\n", "\r\n").encode("cp1252")
    page = _upload(client, slug, data).get_data(as_text=True)
    assert "dibaca sebagai Windows-1252 dan dikonversi" in page
    quiz = _draft_quiz(db)
    assert "## “Café” artinya? {#kuis-gift-q1}" in quiz
    assert "## État Indonésie? {#kuis-gift-q2}" in quiz


def test_utf8_with_a_bom_is_read_silently(client, login, db, owned_course):
    slug = _open(client, login, owned_course)
    page = _upload(client, slug, "\ufeffCafé? {=ya ~tidak}\n".encode()).get_data(as_text=True)
    assert "Windows-1252" not in page
    assert "## Café? {#kuis-gift-q1}" in _draft_quiz(db)


def test_a_file_that_is_not_text_is_refused_in_one_line(client, login, db, owned_course):
    slug = _open(client, login, owned_course)
    docx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x81\x8d"
    response = _upload(client, slug, docx, "soal.docx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Berkas GIFT tidak dapat dibaca sebagai teks (UTF-8 atau Windows-1252)." in page
    assert "Traceback" not in page
    assert _draft_quiz(db) is None


def test_moodle_examples_are_reported_with_their_lines_in_the_interface_language(
        client, login, db, owned_course):
    slug = _open(client, login, owned_course)
    gift = FIXTURE.read_bytes()
    lines = gift.decode().split("\n")

    def line(needle):
        return next(n for n, text in enumerate(lines, start=1) if needle in text)

    page = _upload(client, slug, gift).get_data(as_text=True)
    assert f"Baris {line('::JODOH::')}: Soal menjodohkan (-&gt;) tidak didukung" in page
    assert f"Baris {line('::RUMPANG::')}: Soal isian rumpang" in page
    assert f"Baris {line('::ESAI::')}: Soal esai ({{}}) tidak didukung" in page
    assert f"Baris {line('::PGK::')}: Bobot pilihan pada soal jawaban ganda menjadi" in page
    assert f"Baris {line('::ISI1::')}: Jawaban isian singkat berbobot 0%" in page
    quiz = _draft_quiz(db)
    assert "scoring: partial" in quiz and "{#kuis-gift-q7 single}" in quiz
    client.get("/bahasa/en?next=/")
    client.post(f"/pengajar/draf/{slug}/hapus", data={"target": QUIZ})
    page = _upload(client, slug, gift).get_data(as_text=True)
    assert (f"Line {line('::JODOH::')}: Matching questions (-&gt;) are not supported; the "
            "question was skipped.") in page
    assert (f"Line {line('::PGK::')}: The option weights of a multiple-answer question become "
            "partial scoring") in page


def test_messages_with_what_they_name_read_in_both_languages(client, login, db, owned_course):
    slug = _open(client, login, owned_course)
    gift = b"Nilai {#abc}\n\nLihat ![peta](peta.png). Pulau apa? {=Jawa ~Bali}\n"

    page = _upload(client, slug, gift).get_data(as_text=True)
    assert "Baris 1: Jawaban numerik &#39;abc&#39; tidak dapat dibaca; soal dilewati." in page
    assert ("Baris 3: Gambar &#39;![peta](peta.png)&#39; dalam soal tidak dapat diimpor; soal "
            "dilewati.") in page
    assert _draft_quiz(db) is None  # nothing converted: no quiz, its slug still free
    client.get("/bahasa/en?next=/")
    page = _upload(client, slug, gift).get_data(as_text=True)
    assert "Line 1: The numeric answer &#39;abc&#39; could not be read" in page
    assert "Line 3: The image &#39;![peta](peta.png)&#39; in the question cannot be" in page
