"""The Markdown converter that renders course content, set up once per thread.

Rendering is most of an import's time, so the converter skips work whose result no page uses,
always with the output Python-Markdown would give (tests/content/test_markdown_render.py
renders with a stock converter and compares)."""

from __future__ import annotations

import threading
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

EXTENSIONS = ["tables", "fenced_code", "toc", "sane_lists"]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"permalink": False, "marker": ""},
    # align="…" instead of style="text-align: …": no style attribute is allowed.
    "tables": {"use_align_attribute": True},
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
}

_local = threading.local()


def converter() -> markdown.Markdown:
    """This thread's converter, reset for a new text (building one loads every extension)."""
    md = getattr(_local, "converter", None)
    if md is None:
        md = _local.converter = _build()
    return md.reset()


def stock_converter() -> markdown.Markdown:
    """A converter with the same extensions and none of the shortcuts (for tests)."""
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


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
