"""YAML front matter: splitting it from the body and reading typed fields with line numbers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .model import N_, ContentError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$", re.IGNORECASE)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

_DELIMITER = "---"
# libyaml's loader when PyYAML was built with it: the pure-Python one is most of an import's time.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class FrontMatter:
    """The parsed front matter of one file, the body after it and where things are."""

    file: str
    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    values: dict[str, yaml.Node] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    valid: bool = True

    def line(self, key: str) -> int:
        """The 1-based file line of ``key``, or 1 when the key is absent."""
        return self.key_lines.get(key, 1)

    def item_line(self, key: str, index: int) -> int:
        """The 1-based file line of item ``index`` of the sequence under ``key``."""
        value = self.values.get(key)
        if isinstance(value, yaml.SequenceNode) and index < len(value.value):
            return _file_line(value.value[index].start_mark.line)
        return self.line(key)


def split_front_matter(text: str, file: str, errors: list[ContentError]) -> FrontMatter:
    """Split ``text`` into front matter and body, appending any syntax errors to ``errors``."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _DELIMITER:
        errors.append(ContentError(file, 1, N_("front matter tidak ada: berkas harus diawali "
                                               "---")))
        return FrontMatter(file, body=text, valid=False)
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == _DELIMITER), None)
    if closing is None:
        errors.append(ContentError(file, 1, N_("front matter tidak ditutup dengan ---")))
        return FrontMatter(file, valid=False)
    fm = FrontMatter(file, body="\n".join(lines[closing + 1 :]), body_line=closing + 2)
    source = "\n".join(lines[1:closing])
    try:
        root, data = _parse_yaml(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = _file_line(mark.line) if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(ContentError(file, line, N_("front matter bukan YAML yang sah: "
                                                  "%(problem)s"), {"problem": problem}))
        fm.valid = False
        return fm
    if root is None:
        return fm
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        errors.append(ContentError(file, 2, N_("front matter harus berupa pasangan "
                                               "kunci: nilai")))
        fm.valid = False
        return fm
    for key_node, value_node in root.value:
        key, line = key_node.value, _file_line(key_node.start_mark.line)
        if key in fm.key_lines:
            errors.append(ContentError(file, line, N_("kunci '%(key)s' ganda"), {"key": key}))
        fm.key_lines[key] = line
        fm.values[key] = value_node
    fm.data = {str(k): v for k, v in data.items()}
    return fm


def _parse_yaml(source: str) -> tuple[yaml.Node | None, Any]:
    """One parse: the node tree (for line numbers) and the data built from it."""
    try:
        return _compose_and_construct(source, _FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
    # Authors see the pure-Python parser's messages, whichever loader found the problem.
    return _compose_and_construct(source, yaml.SafeLoader)


def _compose_and_construct(source: str, loader_class: type) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(source)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


class FieldReader:
    """Typed access to front-matter fields; every problem becomes a ContentError."""

    def __init__(self, fm: FrontMatter, errors: list[ContentError], allowed: tuple[str, ...]):
        self.fm = fm
        self.errors = errors
        for key in fm.data:
            if key not in allowed:
                self.error(key, N_("kunci front matter '%(key)s' tidak dikenal (yang boleh: "
                                   "%(allowed)s)"), allowed=", ".join(allowed))

    def error(self, key: str, message: str, **params: object) -> None:
        """Report a problem at the line of ``key`` (``%(key)s`` in the message is the key)."""
        self.errors.append(
            ContentError(self.fm.file, self.fm.line(key), message, {"key": key, **params}))

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        """A non-empty single-string field."""
        value = self.fm.data.get(key)
        if value is None:
            if required and self.fm.valid:
                self.error(key, N_("'%(key)s' wajib diisi"))
            return default
        if not isinstance(value, str) or not value.strip():
            self.error(key, N_("'%(key)s' harus berupa teks yang tidak kosong"))
            return default
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        """A text field that may be absent."""
        if key not in self.fm.data:
            return None
        return self.text(key) or None

    def integer(
        self,
        key: str,
        *,
        default: int | None = None,
        required: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        """A whole-number field within [minimum, maximum]."""
        value = self.fm.data.get(key)
        if value is None:
            if required and self.fm.valid:
                self.error(key, N_("'%(key)s' wajib diisi"))
            return default
        # bool is an int subclass in Python, but `true` is never a number to an author.
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(key, N_("'%(key)s' harus bilangan bulat"))
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is not None:
                self.error(key, N_("'%(key)s' harus %(minimum)s–%(maximum)s, bukan %(value)s"),
                           minimum=minimum, maximum=maximum, value=value)
            else:
                self.error(key, N_("'%(key)s' harus >= %(minimum)s, bukan %(value)s"),
                           minimum=minimum, value=value)
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """A true/false field."""
        value = self.fm.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, N_("'%(key)s' harus true atau false"))
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        """A field restricted to one of ``choices``."""
        value = self.fm.data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(key, N_("'%(key)s' harus salah satu dari: %(choices)s"),
                       choices=", ".join(choices))
            return default
        return value

    def item_id(self, default: str) -> str:
        """The ``id`` field, defaulting to the file's slug."""
        value = self.fm.data.get("id")
        if value is None:
            return default
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error("id", N_("'id' hanya boleh huruf, angka, '-' atau '_', bukan %(value)s"),
                       value=repr(value))
            return default
        return value


def slug_from_title(title: str, taken: Callable[[str], bool] = lambda slug: False,
                    limit: int = 50) -> str:
    """A slug proposed for a title ("Senyum, Salam & Sapa" → ``senyum-salam-sapa``): accents
    dropped, at most ``limit`` characters cut between words, ``-2``, ``-3``… while taken."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text.lower()):
        if base and len(base) + 1 + len(word) > limit:
            break
        base = f"{base}-{word}" if base else word[:limit]
    base = base or "baru"
    slug, number = base, 1
    while taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


def trim_markdown(text: str) -> str:
    """Drop blank lines before and trailing whitespace after a Markdown text."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", text).rstrip()


def _file_line(yaml_line: int) -> int:
    # YAML lines are 0-based and start after the opening --- on file line 1.
    return yaml_line + 2
