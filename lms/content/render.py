"""Markdown to safe HTML, and the relative link targets a Markdown text refers to."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote, unquote

import nh3

from .converter import closed_fences, converter

LinkResolver = Callable[[str], "str | None"]

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "em", "strong", "del", "sup", "sub", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td", "caption", "figure", "figcaption", "dl", "dt", "dd", "abbr", "kbd", "span", "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "div": {"class"},  # admonition boxes and the footnote list
    "p": {"class"},  # an admonition's title
    "sup": {"id"},  # a footnote reference …
    "li": {"id"},  # … and its footnote
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
# The only classes and ids kept (those the extensions write), whatever raw HTML a text holds.
_KEPT_CLASSES = {
    "div": {"admonition", "note", "info", "tip", "hint", "important", "warning", "caution",
            "attention", "danger", "error", "footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
}
_FOOTNOTE_ID = re.compile(r"^fn(?:ref\d*)?:[\w-]+$")
URL_SCHEMES = {"http", "https", "mailto"}

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# Browsers drop tabs and newlines inside URLs and trim control characters and spaces, so a scheme
# is judged on the URL as a browser would read it.
_URL_NOISE = re.compile(r"[\t\n\r]")
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#.-]+$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
# `](target "title")` is what every inline link and image ends with, nested or not.
_INLINE_TARGET = re.compile(
    r"\]\(\s*(<[^<>\n]*>|(?:[^\s()]|\([^\s()]*\))+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
# [label]: target — but not a footnote, [^label]: text.
_REFERENCE_TARGET = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:\s*(<[^<>\n]*>|\S+)")
_HTML_TARGET = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


# A text of only these characters, starting with a letter and on one line, is a paragraph of
# itself to Markdown and plain text to the sanitiser (nothing to escape, no list, heading,
# emphasis, link or entity can start in it): quiz options and prompts often are. Such texts skip
# the Markdown converter and nh3, with the very output they would get from them
# (tests/content/test_markdown_render.py compares both ways).
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9,.;:?!()%/-]| (?! |\Z))*\Z")


def render_markdown(
    md: str, *, resolve_link: LinkResolver | None = None, base_dir: str = "",
    language: str = "id",
) -> str:
    """Render Markdown to sanitised HTML, resolving relative links against ``base_dir``;
    ``language`` is the course's (the default titles of admonitions)."""
    if _PLAIN.match(md):
        return f"<p>{md}</p>"
    return _sanitise(_checklists(converter(language).convert(md)), resolve_link, base_dir)


_CHECKLIST_ITEM = re.compile(r"<li>(<p>)?\[([ xX])\]\s")


def _checklists(html: str) -> str:
    """Show lesson checklists (``- [ ] item``) as ballot boxes instead of literal brackets."""
    return _CHECKLIST_ITEM.sub(
        lambda m: f"<li>{m.group(1) or ''}{'☐' if m.group(2) == ' ' else '☑'} ", html)


def render_inline(
    md: str, *, resolve_link: LinkResolver | None = None, base_dir: str = "",
    language: str = "id",
) -> str:
    """Render a one-line Markdown text (a prompt or option) without the wrapping ``<p>``."""
    if _PLAIN.match(md):
        return md
    raw = converter(language).convert(md)
    if raw.startswith("<p>") and raw.endswith("</p>") and raw.count("<p>") == 1:
        raw = raw[3:-4]
    return _sanitise(raw, resolve_link, base_dir)


def is_relative(target: str) -> bool:
    """Whether a link target is relative to the file (no scheme, not ``/…``, ``#…`` or ``?…``)."""
    cleaned = _clean_url(target)
    return bool(cleaned) and cleaned[0] not in "/#?\\" and not _SCHEME.match(cleaned)


def package_path(target: str, base_dir: str) -> str | None:
    """The package path a relative target points to, or None when it leaves the package."""
    path, _ = split_suffix(target)
    normalised = posixpath.normpath(posixpath.join(base_dir, unquote(path)))
    if normalised == ".." or normalised.startswith("../"):
        return None
    return "" if normalised == "." else normalised


def split_suffix(target: str) -> tuple[str, str]:
    """Split a link target into its path and its ``?query#fragment`` suffix."""
    path = re.split(r"[?#]", target, maxsplit=1)[0]
    return path, target[len(path) :]


def relative_targets(md: str) -> list[tuple[int, str]]:
    """Relative link and image targets in ``md`` as (1-based line, target), code excluded."""
    found: list[tuple[int, str]] = []

    def collect(number: int, target: str) -> str:
        found.append((number, target))
        return target

    _map_targets(md, collect)
    return found


def rewrite_relative_targets(md: str, rewrite: Callable[[str], str]) -> str:
    """``md`` with every relative link and image target replaced by ``rewrite(target)``."""
    return _map_targets(md, lambda number, target: rewrite(target))


def closes_fence(fence: str, marker: str) -> bool:
    """Whether code fence ``marker`` closes the block opened by ``fence``."""
    return marker[0] == fence[0] and len(marker) >= len(fence)


def _map_targets(md: str, visit: Callable[[int, str], str]) -> str:
    # One scanner serves both validation and rewriting, so they always agree on what a link is;
    # code is what the converter renders as code: closed fences, indented ones in lists too.
    lines = md.split("\n")
    in_code = code_lines(lines)
    return "\n".join(
        line if index in in_code
        else _outside_code_spans(line, lambda text, n=index + 1: _map_text(text, n, visit))
        for index, line in enumerate(lines))


def code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of fenced code blocks, their fences included."""
    return {n for end, start in closed_fences(lines).items() for n in range(start, end + 1)}


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    parts: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(line):
        parts += [change(line[position : span.start()]), span.group(0)]
        position = span.end()
    return "".join(parts) + change(line[position:])


def _map_text(text: str, number: int, visit: Callable[[int, str], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        group = match.lastindex or 1
        raw = match.group(group)
        bracketed = raw.startswith("<") and raw.endswith(">")
        target = html.unescape(raw[1:-1] if bracketed else raw)
        if not is_relative(target):
            return match.group(0)
        new = visit(number, target)
        if new == target:
            return match.group(0)
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        return match.group(0)[:start] + (f"<{new}>" if bracketed else new) + match.group(0)[end:]

    for pattern in (_INLINE_TARGET, _REFERENCE_TARGET, _HTML_TARGET):
        text = pattern.sub(replace, text)
    return text


def _sanitise(raw_html: str, resolve_link: LinkResolver | None, base_dir: str) -> str:
    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "code" and attribute == "class":
            classes = [c for c in value.split() if _LANGUAGE_CLASS.match(c)]
            return " ".join(classes) or None
        if attribute == "class":
            return " ".join(c for c in value.split() if c in _KEPT_CLASSES[tag]) or None
        if attribute == "id" and tag in ("sup", "li"):
            return value if _FOOTNOTE_ID.match(value) else None
        if attribute in ("href", "src"):
            return _resolve_url(value, resolve_link, base_dir)
        return value

    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _resolve_url(value: str, resolve_link: LinkResolver | None, base_dir: str) -> str | None:
    if not is_relative(value):
        return value
    path = package_path(_clean_url(value), base_dir)
    if path is None:
        return None
    suffix = split_suffix(value)[1]
    url = resolve_link(path) if resolve_link else quote(path)
    if url is None:
        return None
    url += suffix
    # nh3 checks schemes before this filter runs, so a path such as "x/../javascript:…" or a
    # resolver's output must be checked again here.
    scheme = _SCHEME.match(_clean_url(url))
    if scheme and scheme.group(0)[:-1].lower() not in URL_SCHEMES:
        return None
    return url


def _clean_url(value: str) -> str:
    return _URL_NOISE.sub("", value).strip("".join(chr(c) for c in range(0x21)))
