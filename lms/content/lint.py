"""Warnings about Markdown that other tools understand but Kelas ASN shows as plain text
(pandoc's ``:::`` blocks and ``{#id .class}`` attributes, ``$$`` math). They do not stop a
package; line numbers count every line of the file, front matter included."""

from __future__ import annotations

import re
from pathlib import Path

from .archive import PackageFiles, read_package
from .model import N_, ContentError
from .quizparse import QUESTION_HEADING
from .render import code_lines
_CODE_SPAN = re.compile(r"(`+).+?\1")
_DIV = re.compile(r"^ {0,3}:{3,}")
_MATH = re.compile(r"\$\$")
# {#id}, {.class}, {#id .class key=value}, {width=50%}: what pandoc reads after a heading,
# a link, an image or a [span].
_ATTRIBUTES = re.compile(r"\{\s*(?:[#.][A-Za-z][\w:.-]*|[A-Za-z][\w-]*=[^\s{}]+)[^{}\n]*\}")

DIV_WARNING = N_("blok ':::' tidak didukung dan tampil sebagai teks biasa; untuk kotak catatan "
                 "tulis '!!! note \"Judul\"' lalu isinya menjorok 4 spasi")
MATH_WARNING = N_("rumus '$$' tidak didukung dan tampil sebagai teks biasa; tulis rumus "
                  "sebagai teks atau gambar")
ATTRIBUTES_WARNING = N_("atribut pandoc %(attributes)s tidak didukung dan tampil sebagai teks "
                        "biasa; hapus atribut itu")


def package_warnings(path: str | Path) -> list[ContentError]:
    """Warnings for every Markdown file of a course folder or ``.zip`` (none if unreadable)."""
    _, files, errors = read_package(Path(path))
    return [] if errors else files_warnings(files)


def files_warnings(files: PackageFiles) -> list[ContentError]:
    """Warnings for every Markdown file of a package held in memory, in file order."""
    found: list[ContentError] = []
    for name in sorted(files):
        if name.endswith(".md") and name != "README.md":
            try:
                text = files[name].decode("utf-8-sig")
            except UnicodeDecodeError:
                continue  # the package check reports it
            found += markdown_warnings(name, text)
    return found


def markdown_warnings(file: str, text: str) -> list[ContentError]:
    """Plain-text syntax in one file's text, at the file's own line numbers."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quiz = file.endswith(".quiz.md")
    found: list[ContentError] = []
    front_matter_end = _front_matter_end(lines)
    in_code = code_lines(lines)
    for number, line in enumerate(lines, start=1):
        if number <= front_matter_end or number - 1 in in_code:
            continue
        prose = _CODE_SPAN.sub("", line)
        if _DIV.match(prose):
            found.append(ContentError(file, number, DIV_WARNING))
        if _MATH.search(prose):
            found.append(ContentError(file, number, MATH_WARNING))
        if quiz and QUESTION_HEADING.match(prose):
            continue  # {#id points=2 single} on a question heading is the quiz format's own
        attributes = _ATTRIBUTES.findall(prose)
        if attributes:
            found.append(ContentError(file, number, ATTRIBUTES_WARNING,
                                      {"attributes": " ".join(attributes)}))
    return found


def _front_matter_end(lines: list[str]) -> int:
    """The line number of the closing ``---`` (0 when the file has no front matter)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    return next((n for n in range(2, len(lines) + 1) if lines[n - 1].rstrip() == "---"), 0)
