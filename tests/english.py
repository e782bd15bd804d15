"""Course-format messages read in English, as lms/translations/en gives them (the messages
themselves are Indonesian msgids; many tests were written against the English wording)."""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = Translations.load(str(ROOT / "lms" / "translations"), ["en"])
assert isinstance(ENGLISH, Translations), "compile the catalogues first: make translations"


def english(error) -> str:
    """A ContentError's message in English."""
    return error.translated(ENGLISH.gettext)
