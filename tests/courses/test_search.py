"""Catalogue search: module and lesson titles and lesson text, Indonesian stems, the engine's
own full-text index, ranked, the matches marked, filtered by competency."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.courses.models import SearchEntry
from lms.courses.search import _stemmer, query_stems, search_catalogue, snippet


def _titles(results) -> list[str]:
    return [r.version.title for r in results]


def test_words_become_stems_and_codes_stay_one_word():
    assert query_stems("Merapatkan pelayanan M.03 pelayanan") == ["rapat", "layan", "m03"]
    assert query_stems("  ") == []


def test_the_stemmer_looks_words_up_in_a_set_and_stems_as_sastrawi_does():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # Sastrawi's own dictionary is a list scanned on every lookup (13 ms per new word).
    assert isinstance(_stemmer().dictionary.words, frozenset)
    stock = StemmerFactory().create_stemmer()
    words = ["pelayanan", "merapatkan", "keterlambatan", "mempertanggungjawabkan", "diprioritaskan",
             "pengaduan", "masyarakat", "kepegawaian", "menyelesaikan", "berkomunikasi",
             "buku-buku", "penilaiannya", "pendidikan", "di", "memperbaiki", "keterbukaan", "ditindaklanjuti"]
    assert [_stemmer().stem(w) for w in words] == [stock.stem(w) for w in words]


def test_the_snippet_marks_matches_and_escapes_everything_else():
    body = "Agenda <script>alert(1)</script> sebelum rapat dimulai; merapatkan barisan."
    marked = str(snippet(body, ["rapat"]))
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert re.findall(r"<mark>(\w+)</mark>", marked) == ["rapat", "merapatkan"]


def test_starter_courses_are_found_by_lesson_text_titles_and_codes(db, starter_courses):
    rapat = search_catalogue(db.session, "rapat")
    assert _titles(rapat) == ["Manajemen Waktu bagi ASN"]
    kinds_titles = [(h.kind, re.sub(r"</?mark>", "", str(h.title))) for h in rapat[0].hits]
    assert ("lesson", "Perlukah Rapat Ini?") in kinds_titles
    assert ("module", "Rapat Efektif") in kinds_titles

    eisenhower = search_catalogue(db.session, "Eisenhower")
    assert _titles(eisenhower) == ["Manajemen Waktu bagi ASN"]
    lesson = next(h for h in eisenhower[0].hits if h.kind == "lesson")
    assert str(lesson.title) == "Matriks <mark>Eisenhower</mark>"
    assert lesson.context == "Prinsip Dasar dan Prioritas" and "<mark>" in str(lesson.snippet)

    # M.03 (Komunikasi) is declared by the communication course only.
    assert _titles(search_catalogue(db.session, "M.03")) == ["Komunikasi Publik yang Efektif"]
    # "pelayanan" also finds "layanan": the stem is searched, not the letters.
    assert len(search_catalogue(db.session, "pelayanan publik")) == 3
    assert search_catalogue(db.session, "xyzzy") == []


def test_results_are_ranked_and_filtered_by_competency(db, starter_courses):
    everywhere = search_catalogue(db.session, "pelayanan publik")
    # Digital public service is the course about it: its lessons say it most.
    assert _titles(everywhere)[0] == "Layanan Publik Digital"
    only = search_catalogue(db.session, "pelayanan publik", competency="M.03")
    assert _titles(only) == ["Komunikasi Publik yang Efektif"]


def test_only_the_current_version_is_searched(db, make_course):
    make_course(lesson_body="Cara menulis notulen rapat.")
    assert _titles(search_catalogue(db.session, "notulen")) == ["Kursus Uji"]
    entries = db.session.scalar(select(func.count()).select_from(SearchEntry))
    make_course(lesson_body="Cara menyusun laporan kegiatan.")  # version 2
    assert search_catalogue(db.session, "notulen") == []
    assert _titles(search_catalogue(db.session, "laporan")) == ["Kursus Uji"]
    # The new version has its own entries; the old ones stay for the old version.
    assert db.session.scalar(select(func.count()).select_from(SearchEntry)) == 2 * entries


def test_the_catalogue_page_searches_marks_and_filters(client, db, login, make_user,
                                                       starter_courses):
    login(make_user())
    page = client.get("/kursus?q=Eisenhower").get_data(as_text=True)
    assert "1 kursus cocok dengan “Eisenhower”" in page
    assert "Matriks <mark>Eisenhower</mark>" in page
    assert "/kursus/manajemen-waktu/materi/" in page
    assert '<option value="M.03">M.03 Komunikasi</option>' in page
    page = client.get("/kursus?q=publik&kompetensi=M.03").get_data(as_text=True)
    assert "Komunikasi Publik yang Efektif</a></h2>" in page
    assert "Layanan Publik Digital</a></h2>" not in page
    page = client.get("/kursus?kompetensi=M.03").get_data(as_text=True)
    assert page.count('<li class="card">') == 1
    page = client.get("/kursus?q=%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in page and "Tidak ada kursus atau materi yang cocok" in page
    # An unknown competency is no filter at all.
    assert client.get("/kursus?kompetensi=ZZ").get_data(as_text=True).count(
        '<li class="card">') == 3
