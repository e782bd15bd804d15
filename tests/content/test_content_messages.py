"""Course-format messages are Indonesian msgids with an English translation each: the
interface shows them in its language (``lms check``, the editor, uploads)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from lms.content import check_package

from tests.english import ENGLISH, english

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "lms" / "content").glob("*.py")),
           ROOT / "lms" / "courses" / "importer.py", ROOT / "lms" / "authoring" / "services.py"]


def _marked() -> set[str]:
    return {message for path in SOURCES
            for _, message, _, _ in extract_from_file("python", path, keywords={"N_": None})}


def test_every_course_format_message_has_an_english_translation():
    with open(ROOT / "lms" / "translations" / "en" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    marked = _marked()

    assert len(marked) > 60
    missing = sorted(m for m in marked if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []


def test_a_message_reads_in_indonesian_by_default_and_in_english_translated(make_package):
    folder = make_package({"01-dasar/02-kuis.quiz.md": "---\ntitle: K\npassing_score: 170\n---\n"
                                                       "## Soal?\n\n= 1\n"})
    [error] = check_package(folder)

    assert str(error) == "01-dasar/02-kuis.quiz.md:3: 'passing_score' harus 0–100, bukan 170"
    assert english(error) == "'passing_score' must be 0–100, got 170"
    assert error.located(ENGLISH.gettext).endswith(":3: 'passing_score' must be 0–100, got 170")
