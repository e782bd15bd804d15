"""Documents in the repository link only inside it: every relative link and image in README.md
and docs/*.md points at a file or folder of a clone, and every #anchor at a heading there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_INLINE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HTML = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """The lines outside fenced code."""
    lines, fence = [], None
    for number, line in enumerate(text.split("\n"), start=1):
        opener = _FENCE.match(line)
        if fence:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
        elif opener:
            fence = opener.group(1)
        else:
            lines.append((number, line))
    return lines


def _anchors(path: Path) -> set[str]:
    """GitHub's heading anchors of a Markdown file."""
    seen: dict[str, int] = {}
    anchors = set()
    for _, line in _prose_lines(path.read_text(encoding="utf-8")):
        heading = _HEADING.match(line)
        if not heading:
            continue
        text = re.sub(r"[*_`]|!?\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(1))
        slug = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _links(path: Path) -> list[tuple[int, str]]:
    found = []
    text = path.read_text(encoding="utf-8")
    # Inline code is left out, so a `](…)` example is never taken for a link.
    for number, line in _prose_lines(text):
        for pattern in (_INLINE, _REFERENCE, _HTML):
            found += [(number, match.group(1))
                      for match in pattern.finditer(_CODE_SPAN.sub("", line))]
    return found


def _problem(document: Path, target: str) -> str | None:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
        return None  # https:, mailto:: outside addresses are fine
    path, _, anchor = target.partition("#")
    resolved = (document.parent / path).resolve() if path else document
    if not resolved.is_relative_to(ROOT):
        return "leaves the repository"
    if not resolved.exists():
        return "no such file in the repository"
    if anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
        return f"no heading #{anchor} in {resolved.relative_to(ROOT)}"
    return None


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_relative_link_resolves_inside_the_repository(document):
    broken = [f"{document.relative_to(ROOT)}:{number}: {target}: {problem}"
              for number, target in _links(document)
              if (problem := _problem(document, target))]

    assert broken == []


def test_the_checker_sees_a_link_that_leaves_the_repository(tmp_path):
    outside = ROOT / "docs" / "TRAINER.md"
    assert _problem(outside, "../../shared/COURSE_FORMAT.md") == "leaves the repository"
    assert _problem(outside, "COURSE_FORMAT.md#no-such-heading")
    assert _problem(outside, "COURSE_FORMAT.md#markdown-in-lessons") is None
    assert _links(outside)  # the guide has links at all: the patterns still match
