"""Fixtures that build small course packages on disk for the content tests."""

import dataclasses
from pathlib import Path

import pytest

from lms.content import check_package
from tests.english import english

BASE_FILES = {
    "course.md": """---
title: Kursus Uji
summary: Kursus kecil untuk pengujian.
jp: 2
competencies:
  - {code: M.04, level: 2}
---
Deskripsi kursus.
""",
    "01-dasar/module.md": """---
title: Dasar
---
""",
    "01-dasar/01-pengantar.md": """---
title: Pengantar
minutes: 5
---

Isi pelajaran.
""",
    "01-dasar/02-kuis.quiz.md": """---
title: Kuis Dasar
---

## Apa kepanjangan ASN?

= Aparatur Sipil Negara
""",
}


@pytest.fixture
def make_package(tmp_path):
    """Return a function writing BASE_FILES updated by ``files`` (None deletes) as a course."""

    def make(files: dict[str, str | bytes | None] | None = None, slug: str = "kursus-uji") -> Path:
        root = tmp_path / slug
        for relative, content in {**BASE_FILES, **(files or {})}.items():
            if content is None:
                continue
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def problems(make_package):
    """Return a function giving the errors of a package as {(file, line): messages}."""

    def run(
        files: dict[str, str | bytes | None],
        slug: str = "kursus-uji",
        known_competencies: set[str] | None = None,
    ) -> dict[tuple[str, int], str]:
        found: dict[tuple[str, int], str] = {}
        for error in check_package(make_package(files, slug), known_competencies):
            key = (error.file, error.line)
            message = english(error)
            found[key] = f"{found[key]} | {message}" if key in found else message
        return found

    return run


# Where a thing was read from and how it renders; export always writes ids, so id_explicit too.
NOT_AUTHORED = {"path", "line", "html", "intro_html", "prompt_html", "explanation_html",
                "description_html", "id_explicit"}


@pytest.fixture
def authored():
    """Return a function giving the authored data of a package, as nested dicts and lists."""

    def data_of(value):
        if dataclasses.is_dataclass(value):
            return {f.name: data_of(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if f.name not in NOT_AUTHORED}
        if isinstance(value, tuple):
            return [data_of(v) for v in value]
        return value

    return data_of
