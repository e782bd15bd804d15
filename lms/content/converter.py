"""The Markdown converter that renders course content, set up once per thread.

Rendering is most of an import's time, so the converter skips work whose result no page uses,
always with the output Python-Markdown would give (tests/content/test_markdown_render.py
renders with a stock converter and compares)."""

from __future__ import annotations

import html
import re
import threading
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor

# SuperFences (PyMdown Extensions) instead of fenced_code: a fence inside a list item or a
# block quote is code too, as in every other Markdown tool; admonitions (!!! note) and
# footnotes ([^1]) as Python-Markdown and MkDocs write them.
EXTENSIONS: list[Any] = ["tables", "pymdownx.superfences", "toc", "sane_lists", "footnotes"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": False, "marker": ""},
    # align="…" instead of style="text-align: …": no style attribute is allowed.
    "tables": {"use_align_attribute": True},
    # Every fence is written as fenced_code wrote it (<pre><code class="language-x">), never
    # highlighted: no Pygments spans or styles, and the same HTML whether Pygments is installed.
    "pymdownx.superfences": {"custom_fences": [
        {"name": "*", "class": "", "format": lambda *args, **kwargs: _plain_fence(*args, **kwargs)}
    ]},
    "footnotes": {"BACKLINK_TITLE": "Kembali ke teks (catatan %d)"},
}

# What an inline pattern's regular expression cannot match without (any of these strings),
# keyed by the expression itself: a pattern whose expression is not listed (another version of
# Python-Markdown) is always tried.
_NEEDS = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),
    r"\\(.)": ("\\",),
    r"(?<!\!)\[": ("[",),
    r"\!\[": ("![",),
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),
    r"<([^<> !]+@[^@<> ]+)>": ("<",),
    r"  \n": ("  \n",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    r"\*|_": ("*", "_"),
    r"\[\^([^\]]*)\]": ("[^",),
}

_local = threading.local()
_FENCE_LINE = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])[ \t]+\S")


class _FenceSpacing(Preprocessor):
    """Python-Markdown's fenced_code let a fence interrupt a paragraph (``Jalankan:`` then
    the fence on the next line); SuperFences needs a blank line around a fence. One is
    added before and after each closed fence, so such texts render as they always did.
    A fence indented by 1–3 spaces under a list item (``1. `` then three spaces, as GitHub
    and most editors write it) belongs to that item: it is indented to the four spaces
    Python-Markdown expects of an item's content."""

    def run(self, lines: list[str]) -> list[str]:
        closing = closed_fences(lines)
        lines = list(lines)
        for end, start in closing.items():
            indent = len(lines[start]) - len(lines[start].lstrip(" "))
            if 0 < indent < 4 and _in_list_item(lines, start):
                for number in range(start, end + 1):
                    if lines[number].strip():
                        lines[number] = " " * (4 - indent) + lines[number]
        result: list[str] = []
        for number, line in enumerate(lines):
            if number in closing.values() and result and result[-1].strip():
                result.append("")
            result.append(line)
            if number in closing and number + 1 < len(lines) and lines[number + 1].strip():
                result.append("")
        return result


def closed_fences(lines: list[str]) -> dict[int, int]:
    """Closing line → opening line of every fence that is closed (by the very same marker,
    as SuperFences and fenced_code close it); an opener never closed is no fence."""
    found: dict[int, int] = {}
    number = 0
    while number < len(lines):
        match = _FENCE_LINE.match(lines[number])
        marker = match.group(2) if match else ""
        if match and (marker[0] != "`" or "`" not in match.group(3)):  # ```a``` is inline code
            end = next((n for n in range(number + 1, len(lines))
                        if (m := _FENCE_LINE.match(lines[n])) and m.group(2) == marker
                        and not m.group(3).strip()), None)
            if end is not None:
                found[end] = number
                number = end
        number += 1
    return found


def _in_list_item(lines: list[str], number: int) -> bool:
    """Whether line ``number`` continues a top-level list item (blank lines and indented
    lines back to the item's marker)."""
    for line in reversed(lines[:number]):
        if _LIST_ITEM.match(line):
            return True
        if line.strip() and not line.startswith((" ", "\t")):
            return False
    return False


class _FenceSpacingExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.register(_FenceSpacing(md), "fence_spacing", 29)


EXTENSIONS.append(_FenceSpacingExtension())

# An admonition without a title is titled by its kind in the course's language: Python-Markdown's
# capitalised kind (Note, Warning) in an English course, these in an Indonesian one; a kind not
# listed keeps Python-Markdown's title in both.
DEFAULT_TITLES: dict[str, dict[str, str]] = {
    "id": {"note": "Catatan", "tip": "Tips", "hint": "Petunjuk", "warning": "Peringatan",
           "caution": "Hati-hati", "attention": "Perhatian", "danger": "Bahaya",
           "error": "Kesalahan", "important": "Penting", "info": "Info"},
    "en": {},
}
# The title of a footnote's link back to the text, in the course's language.
BACKLINK_TITLES = {"id": "Kembali ke teks (catatan {})", "en": "Back to the text (note {})"}


class _AdmonitionProcessor(AdmonitionProcessor):
    def get_class_and_title(self, match: re.Match[str]) -> tuple[str, str | None]:
        klass, title = super().get_class_and_title(match)
        if match.group(2) is None:
            titles = DEFAULT_TITLES.get(getattr(self.parser.md, "course_language", "id"), {})
            title = titles.get(klass.split(" ", 1)[0], title)
        return klass, title


class _AdmonitionExtension(Extension):
    """Python-Markdown's admonition extension with titles in the course's language."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.parser.blockprocessors.register(_AdmonitionProcessor(md.parser), "admonition", 105)


EXTENSIONS.insert(EXTENSIONS.index("footnotes"), _AdmonitionExtension())


def _plain_fence(source: str, language: str, class_name: str, options: dict, md: Any,
                 **kwargs: Any) -> str:
    """A fenced block as Python-Markdown's fenced_code extension writes it."""
    code = html.escape(source, quote=True).replace("&#x27;", "'")
    lang = f' class="language-{html.escape(language, quote=True)}"' if language else ""
    return f"<pre><code{lang}>{code}\n</code></pre>" if source else f"<pre><code{lang}></code></pre>"


def converter(language: str = "id") -> markdown.Markdown:
    """This thread's converter, reset for a new text of a course in ``language`` (building
    one loads every extension)."""
    md = getattr(_local, "converter", None)
    if md is None:
        md = _local.converter = _build()
    md.reset()
    _speak(md, language)
    return md


def stock_converter(language: str = "id") -> markdown.Markdown:
    """A converter with the same extensions and none of the shortcuts (for tests)."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    _speak(md, language)
    return md


def _speak(md: markdown.Markdown, language: str) -> None:
    """Admonition and footnote titles in ``language`` for the next text."""
    md.course_language = language  # type: ignore[attr-defined]
    for extension in md.registeredExtensions:
        if isinstance(extension, FootnoteExtension):
            title = BACKLINK_TITLES.get(language, BACKLINK_TITLES["id"])
            extension.setConfig("BACKLINK_TITLE", title)


def _build() -> markdown.Markdown:
    configs = {k: v for k, v in EXTENSION_CONFIGS.items() if k != "toc"}
    extensions = [_HeadingIds(**EXTENSION_CONFIGS["toc"]) if e == "toc" else e
                  for e in EXTENSIONS]
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    md.treeprocessors.register(_PrefilteredInline(md), "inline", 20)  # its own priority
    return md


class _HeadingIdTreeprocessor(TocTreeprocessor):
    """The toc extension's heading ids without the table of contents: no page shows it, and
    building, prettifying and serialising it was a fifth of a lesson's rendering."""

    def build_toc_div(self, toc_list: list) -> Element:
        return Element("div")


class _HeadingIds(TocExtension):
    TreeProcessorClass = _HeadingIdTreeprocessor


class _PrefilteredInline(InlineProcessor):
    """Python-Markdown's inline processor, which tries each of its patterns on every piece of
    text; here a pattern is skipped when the text lacks a character its expression needs, with
    the outcome of a failed try (nothing changed, search again from the start)."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        # A tuple in the registry's order: the registry re-checks its order on every lookup.
        self.inlinePatterns = tuple(md.inlinePatterns)
        self.needs = tuple(_NEEDS.get(p.compiled_re.pattern) for p in self.inlinePatterns)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns, needs = self.inlinePatterns, self.needs
        start = 0
        while patternIndex < len(patterns):
            need = needs[patternIndex]
            if need is not None and not any(n in data for n in need):
                matched, start = False, 0
            else:
                data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data
