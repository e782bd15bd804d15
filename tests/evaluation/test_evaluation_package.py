"""``evaluation_after_days`` in course.md: parsed and checked (``lms check`` says what is
wrong), stored on the version, kept by export and the browser editor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.authoring.editing import compose_file, split_file
from lms.content import check_package, load_package, package_files
from lms.content.parser import load_package_files
from lms.courses.importer import current_version, version_to_package
from lms.courses.models import Course
from tests.conftest import write_course
from tests.evaluation.conftest import with_evaluation_days


def test_default_is_60_and_a_value_is_read(tmp_path):
    assert load_package(write_course(tmp_path, "bawaan")).evaluation_after_days == 60
    folder = write_course(tmp_path, "sembilan-puluh")
    with_evaluation_days(folder, 90)
    assert load_package(folder).evaluation_after_days == 90
    off = write_course(tmp_path, "tanpa")
    with_evaluation_days(off, 0)
    assert load_package(off).evaluation_after_days == 0


@pytest.mark.parametrize("value, message", [
    ("-1", "'evaluation_after_days' harus 0–730, bukan -1"),
    ("731", "'evaluation_after_days' harus 0–730, bukan 731"),
    ("enam puluh", "'evaluation_after_days' harus bilangan bulat"),
    ("true", "'evaluation_after_days' harus bilangan bulat"),
    ("60.5", "'evaluation_after_days' harus bilangan bulat"),
])
def test_bad_values_are_errors_with_their_line(tmp_path, value, message):
    folder = write_course(tmp_path, "rusak")
    with_evaluation_days(folder, value)
    errors = [str(e) for e in check_package(folder)]
    assert errors == [f"course.md:4: {message}"]


def test_lms_check_reports_a_bad_value(runner, tmp_path):
    folder = write_course(tmp_path, "rusak")
    with_evaluation_days(folder, 1000)
    result = runner.invoke(args=["lms", "check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder}/course.md:4: 'evaluation_after_days' harus 0–730, bukan 1000" in result.output


def test_import_and_export_keep_it(db, tmp_path, transfer_course):
    slug = transfer_course(days=45)
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert version.evaluation_after_days == 45
    files = package_files(version_to_package(db.session, version))
    assert "evaluation_after_days: 45\n" in files["course.md"].decode()
    again = load_package_files(slug, files)
    assert again.evaluation_after_days == 45
    assert package_files(again) == files


def test_export_leaves_the_default_out(tmp_path):
    # Packages written before the key existed keep their bytes (and so their hash).
    files = package_files(load_package(write_course(tmp_path, "bawaan")))
    assert "evaluation_after_days" not in files["course.md"].decode()


def test_the_browser_editor_has_a_field_for_it():
    text = "---\ntitle: K\nsummary: S\njp: 2\nevaluation_after_days: 30\n---\nIsi.\n"
    edited = split_file("course.md", text)
    assert edited.values["evaluation_after_days"] == "30" and "evaluation" not in edited.extra
    values = dict(edited.values, evaluation_after_days="90")
    assert "evaluation_after_days: 90\n" in compose_file("course", values, edited.extra,
                                                         edited.body)
