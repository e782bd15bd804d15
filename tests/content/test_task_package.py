"""The application task in a package (tugas.md): read, checked with file and line, written
back byte for byte, and `lms check` reports its errors as it does every other file's."""

from __future__ import annotations

import pytest

from lms.content import TASK_FILE, load_package, package_files
from lms.content.parser import load_package_files

TASK = """---
title: Terapkan di unit Anda
due_days: 30
---
Pilih **satu** layanan dan perbaiki. Lihat [pelajaran](01-dasar/01-pengantar.md).

1. Apa yang diubah.
2. Hasilnya.
"""


def test_task_is_read_with_its_settings(make_package):
    package = load_package(make_package({TASK_FILE: TASK}))

    task = package.task
    assert (task.title, task.due_days, task.path) == ("Terapkan di unit Anda", 30, "tugas.md")
    assert task.body_md.startswith("Pilih **satu** layanan")
    assert "<strong>satu</strong>" in task.html and "<ol>" in task.html


def test_a_package_without_task_has_none(make_package):
    package = load_package(make_package())

    assert package.task is None
    assert TASK_FILE not in package_files(package)


def test_task_round_trips_byte_for_byte(make_package):
    package = load_package(make_package({TASK_FILE: TASK}))

    exported = package_files(package)
    again = package_files(load_package_files("kursus-uji", exported))

    assert exported[TASK_FILE] == TASK.encode()
    assert again == exported
    assert load_package_files("kursus-uji", exported).task == package.task


def test_due_days_is_optional_and_left_out_when_absent(make_package):
    text = "---\ntitle: Tugas\n---\nLaporkan hasilnya.\n"
    package = load_package(make_package({TASK_FILE: text}))

    assert package.task.due_days is None
    assert package_files(package)[TASK_FILE] == text.encode()


@pytest.mark.parametrize(("text", "line", "message"), [
    ("---\ndue_days: 5\n---\nIsi.\n", 1, "'title' is required"),
    ("---\ntitle: T\ndue_days: 0\n---\nIsi.\n", 3, "'due_days' must be 1–365, got 0"),
    ("---\ntitle: T\ndue_days: tiga puluh\n---\nIsi.\n", 3, "'due_days' must be a whole number"),
    ("---\ntitle: T\nlevel: 2\n---\nIsi.\n", 3, "unknown front matter key 'level'"),
    ("---\ntitle: T\n---\n\n", 4, "the task has no text"),
    ("---\ntitle: T\n---\nLihat [ini](../luar.md).\n", 4, "link leaves the package"),
    ("Tanpa front matter.\n", 1, "missing front matter"),
])
def test_task_errors_name_the_file_and_line(problems, text, line, message):
    found = problems({TASK_FILE: text})

    assert message in found[(TASK_FILE, line)]
    assert all(file == TASK_FILE for file, _line in found)


def test_other_top_level_files_are_still_refused(problems):
    found = problems({TASK_FILE: TASK, "tugas2.md": TASK})

    assert "unexpected file" in found[("tugas2.md", 1)]
    assert ("tugas.md", 1) not in found


def test_lms_check_reports_task_errors_with_file_and_line(runner, make_package):
    folder = make_package({TASK_FILE: "---\ntitle: T\ndue_days: -1\n---\nIsi.\n"})

    result = runner.invoke(args=["lms", "check", str(folder)])

    assert result.exit_code == 1
    assert f"{folder / TASK_FILE}:3: 'due_days' harus 1–365, bukan -1" in result.output


def test_lms_check_accepts_a_valid_task(runner, make_package):
    result = runner.invoke(args=["lms", "check", str(make_package({TASK_FILE: TASK}))])

    assert result.exit_code == 0, result.output
