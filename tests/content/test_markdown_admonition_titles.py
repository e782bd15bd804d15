"""An admonition without a title is titled by its kind in the course's language (course.md
``language``, Indonesian by default); with a title, or in an English course, nothing changes.
A footnote's link back to the text is titled in the course's language too."""

from __future__ import annotations

import pytest

from lms.content import load_package, render_markdown
from lms.content.converter import stock_converter
from tests.content.conftest import BASE_FILES

KINDS = {"note": "Catatan", "tip": "Tips", "warning": "Peringatan", "danger": "Bahaya",
         "important": "Penting", "info": "Info"}


def _box(kind: str, title: str) -> str:
    return (f'<div class="admonition {kind}">\n<p class="admonition-title">{title}</p>\n'
            "<p>Isi.</p>\n</div>")


@pytest.mark.parametrize(("kind", "title"), KINDS.items())
def test_an_untitled_box_in_an_indonesian_course_is_titled_in_indonesian(kind, title):
    assert render_markdown(f"!!! {kind}\n    Isi.\n") == _box(kind, title)
    assert render_markdown(f"!!! {kind}\n    Isi.\n", language="en") == _box(
        kind, kind.capitalize())


def test_titles_given_and_unknown_kinds_render_as_before():
    text = '!!! warning "Perhatian"\n    Isi.\n\n!!! note ""\n    Isi.\n\n!!! rahasia\n    Isi.\n'
    html = render_markdown(text)

    assert html == render_markdown(text, language="en")
    assert _box("warning", "Perhatian") in html
    assert '<div class="admonition note">\n<p>Isi.</p>' in html
    assert '<div class="admonition">\n<p class="admonition-title">Rahasia</p>' in html


def test_the_shortcut_converter_matches_the_stock_one_in_both_languages():
    text = "!!! tip\n    Isi.\n\n1. Langkah\n\n    !!! danger\n        Isi.\n"
    for language in ("id", "en"):
        assert render_markdown(text, language=language) == stock_converter(language).convert(text)


LESSON = "---\ntitle: Pengantar\nminutes: 5\n---\n\n!!! note\n    Isi.\n"


@pytest.mark.parametrize(("language", "title"), [(None, "Catatan"), ("id", "Catatan"),
                                                 ("en", "Note")])
def test_a_package_renders_by_its_course_language(make_package, language, title):
    course = BASE_FILES["course.md"]
    if language:
        course = course.replace("jp: 2\n", f"jp: 2\nlanguage: {language}\n")
    folder = make_package({"course.md": course, "01-dasar/01-pengantar.md": LESSON})

    assert _box("note", title) in load_package(folder).modules[0].items[0].html


def test_a_footnotes_link_back_is_titled_in_the_course_language():
    text = "Teks[^1].\n\n[^1]: Catatan.\n"
    for language, title in (("id", "Kembali ke teks (catatan 1)"),
                            ("en", "Back to the text (note 1)")):
        html = render_markdown(text, language=language)
        assert f'title="{title}"' in html
        assert f'title="{title}"' in stock_converter(language).convert(text)
    assert 'title="Kembali ke teks (catatan 1)"' in render_markdown(text)  # back again
