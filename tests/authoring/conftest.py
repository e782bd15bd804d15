"""Fixtures for the trainer's pages: a course owned by a trainer, and reading zips."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select

from lms.authoring.services import add_owner
from lms.courses.models import Course


@pytest.fixture
def owned_course(db, make_user, make_course):
    """A course and a trainer who owns it: returns (slug, trainer)."""

    def make(slug: str = "kursus-uji", trainer=None, **kwargs):
        make_course(slug, **kwargs)
        trainer = trainer or make_user(role="trainer", name="Widyaiswara Uji")
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        add_owner(db.session, course, trainer)
        db.session.commit()
        return slug, trainer

    return make


def zip_bytes(files: dict[str, bytes | str], root: str = "") -> bytes:
    """A zip archive in memory of ``files`` (optionally under a ``root/`` folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"{root}{name}", data)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    """The files of a zip archive held in memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}
