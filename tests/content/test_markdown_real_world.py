"""Markdown as open lessons write it (tests/fixtures/markdown/real-world-lesson.md): code in
list items, admonitions and footnotes render; what would show as plain text is warned about
at the file's own line numbers; everything stays sanitised."""

from __future__ import annotations

import re
from pathlib import Path

from lms.content import load_package, render_markdown
from lms.content.lint import files_warnings, markdown_warnings, package_warnings

ROOT = Path(__file__).resolve().parents[2]
LESSON_FILE = ROOT / "tests" / "fixtures" / "markdown" / "real-world-lesson.md"
LESSON = LESSON_FILE.read_text(encoding="utf-8")
PATH = "01-dasar/01-pengantar.md"


def _body() -> str:
    return LESSON.split("---\n", 2)[2]


def test_a_fence_inside_a_list_item_is_code_in_that_item():
    html = render_markdown(_body())

    steps = re.search(r"<ol>(.*?)</ol>", html, re.S).group(1)
    bash = '<pre><code class="language-bash">cp -r ~/layanan /media/cadangan/\n</code></pre>'
    assert bash in steps
    assert "<pre><code>ls /media/cadangan/layanan | wc -l\n</code></pre>" in steps
    assert "```" not in html and "~~~" not in html
    assert steps.count("<li>") == 4  # the code did not end the list


def test_a_fence_in_a_list_item_indented_like_its_text():
    html = render_markdown("1. Jalankan:\n\n   ```sh\n   lms check\n   ```\n\n2. Selesai.\n")

    assert '<li>\n<p>Jalankan:</p>\n<pre><code class="language-sh">lms check\n</code></pre>' in html


def test_admonitions_render_as_boxes_with_their_title():
    html = render_markdown(_body())

    assert ('<div class="admonition note">\n<p class="admonition-title">Jadwal</p>\n'
            "<p>Cadangan dibuat setiap Jumat sore, sesudah loket tutup.</p>\n</div>") in html
    assert '<div class="admonition warning">\n<p class="admonition-title">Peringatan</p>' in html
    assert "!!!" not in html


def test_footnotes_link_both_ways():
    html = render_markdown(_body())

    assert ('<sup id="fnref:spbe"><a class="footnote-ref" href="#fn:spbe" '
            'rel="noopener noreferrer">1</a></sup>') in html
    assert '<div class="footnote">' in html and '<li id="fn:spbe">' in html
    back = '<a class="footnote-backref" href="#fnref:spbe" title="Kembali ke teks (catatan 1)"'
    assert back in html
    assert "[^spbe]" not in html


def test_only_the_extensions_classes_and_ids_are_kept_from_raw_html():
    html = render_markdown(
        '<div class="admonition evil" id="login">x</div>\n\n'
        '<p class="admonition-title hidden">t</p>\n\n'
        '<ul><li id="main">a</li><li id="fn:1">b</li></ul>\n\n'
        '<a class="button footnote-ref" href="#x">y</a>\n')

    assert '<div class="admonition">x</div>' in html
    assert '<p class="admonition-title">t</p>' in html
    assert '<li>a</li><li id="fn:1">b</li>' in html
    assert '<a class="footnote-ref" href="#x" rel="noopener noreferrer">y</a>' in html
    assert "evil" not in html and "login" not in html and "hidden" not in html


def test_warnings_name_the_plain_text_syntax_at_the_files_lines():
    found = [(w.line, w.message.split(" ")[0], dict(w.params)) for w in
             markdown_warnings(PATH, LESSON)]

    assert [(line, word) for line, word, _ in found] == [
        (41, "blok"), (43, "blok"), (47, "rumus"), (49, "rumus"), (51, "atribut"),
        (53, "atribut")]
    assert found[4][2] == {"attributes": "{#ringkasan .unnumbered}"}
    assert found[5][2] == {"attributes": "{.underline}"}
    lines = LESSON.split("\n")
    assert lines[40].startswith(":::") and lines[46] == "$$"  # counted with the front matter


def test_quiz_headings_keep_their_own_attributes_without_a_warning():
    quiz = "---\ntitle: K\n---\n## Soal? {#q-1 points=2}\n\n= 1\n\n### Catatan {#x}\n"

    assert [w.line for w in markdown_warnings("01-a/02-k.quiz.md", quiz)] == [8]


def test_the_lesson_loads_and_its_package_is_warned_about(make_package):
    folder = make_package({PATH: LESSON})
    package = load_package(folder)  # warnings never make a package invalid

    assert "admonition-title" in package.modules[0].items[0].html
    warnings = package_warnings(folder)
    assert {w.file for w in warnings} == {PATH}
    assert len(warnings) == 6
    assert files_warnings({PATH: b"\xff\xfe"}) == []  # not UTF-8: the check says so, not this


def test_links_are_checked_where_they_render_as_links():
    from lms.content.render import relative_targets

    in_item = "1. Tulis:\n\n    ```markdown\n    [lanjut](02-lanjut.md)\n    ```\n"
    unclosed = "```\n[lanjut](02-lanjut.md)\n"

    assert "<pre><code" in render_markdown(in_item) and relative_targets(in_item) == []
    assert "<a href" in render_markdown(unclosed)
    assert relative_targets(unclosed) == [(2, "02-lanjut.md")]
