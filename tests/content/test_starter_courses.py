from pathlib import Path

import pytest

from lms.content import check_package, load_package, package_files
from lms.content.parser import load_package_files

COURSES = Path(__file__).resolve().parents[2] / "courses"
STARTER_COURSES = sorted(p for p in COURSES.glob("*") if (p / "course.md").is_file())


@pytest.mark.parametrize("course", STARTER_COURSES, ids=lambda p: p.name)
def test_starter_course_is_valid(course):
    assert [str(e) for e in check_package(course)] == []


@pytest.mark.parametrize("course", STARTER_COURSES, ids=lambda p: p.name)
def test_starter_course_round_trips(course, authored):
    pkg = load_package(course)
    files = package_files(pkg)

    reloaded = load_package_files(pkg.slug, files)

    assert package_files(reloaded) == files
    assert authored(reloaded) == authored(pkg)
    assert reloaded.assets == pkg.assets
