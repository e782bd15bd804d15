"""A course with an application task, completed by Citra (Seksi A1) with pending evidence
M.03 level 2, in the manager tests' organisation; each test stores uploads in its own
folder."""

from __future__ import annotations

import pytest

from lms.courses.importer import import_packages
from tests.conftest import write_course
from tests.manager.conftest import credit, org  # noqa: F401  (fixtures)
from tests.planning.conftest import as_user  # noqa: F401  (fixture)

SLUG = "kursus-tugas"
TASK = """---
title: Terapkan di unit Anda
due_days: 30
---
Pilih satu layanan di unit Anda, perbaiki, lalu laporkan hasilnya.
"""


@pytest.fixture
def task_course(db, tmp_path):
    """Import the course with its tugas.md; returns its slug."""
    folder = write_course(tmp_path / "src", SLUG)
    (folder / "tugas.md").write_text(TASK, encoding="utf-8")
    import_packages(db.session, [folder])
    db.session.commit()
    return SLUG


@pytest.fixture
def completed(org, credit, task_course):
    """Citra completed the course; her M.03 level 2 evidence awaits validation."""
    credit(org["learner_a1"], SLUG, levels=(("M.03", 2),))
    return org["learner_a1"]
