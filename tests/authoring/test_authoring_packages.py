"""Downloading a course as a .zip and uploading one to create or update a course."""

from __future__ import annotations

import io
import stat
import zipfile

from sqlalchemy import func, select

from lms.authoring.services import is_owner
from lms.content import load_package_files, package_files
from lms.courses.importer import current_version, version_to_package
from lms.courses.models import Course, CourseVersion
from tests.authoring.conftest import unzip, zip_bytes


def _upload(client, data: bytes, name: str = "kursus-baru.zip"):
    return client.post("/pengajar/unggah", data={"package": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_download_is_the_current_version_as_a_package(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    response = client.get(f"/pengajar/kursus/{slug}/paket.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f'filename="{slug}.zip"' in response.headers["Content-Disposition"]
    files = unzip(response.data)
    course = db.session.scalar(select(Course))
    expected = package_files(version_to_package(db.session, current_version(db.session, course)))
    assert files == {f"{slug}/{path}": data for path, data in expected.items()}


def test_a_downloaded_package_imports_on_a_fresh_instance_identically(
        client, login, db, owned_course, make_user):
    slug, owner = owned_course()
    login(owner)
    data = client.get(f"/pengajar/kursus/{slug}/paket.zip").data
    before = {p.split("/", 1)[1]: d for p, d in unzip(data).items()}
    db.session.execute(Course.__table__.delete())  # a fresh instance: no course at all
    db.session.commit()
    response = _upload(client, data, f"{slug}.zip")
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    after = package_files(version_to_package(db.session, current_version(db.session, course)))
    assert after == before
    assert is_owner(db.session, owner, course.id)


def test_uploading_a_new_course_makes_the_uploader_an_owner(client, login, db, make_user,
                                                            tmp_path):
    from tests.conftest import write_course

    folder = write_course(tmp_path, "kursus-baru")
    files = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in folder.rglob("*") if p.is_file()}
    trainer = make_user(role="trainer")
    login(trainer)
    response = _upload(client, zip_bytes(files, root="kursus-baru/"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pengajar/kursus/kursus-baru")
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-baru"))
    assert course.current_number == 1
    assert is_owner(db.session, trainer, course.id)
    version = current_version(db.session, course)
    assert version.published_by_id == trainer.id


def test_uploading_a_changed_package_publishes_a_new_version(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    files = unzip(client.get(f"/pengajar/kursus/{slug}/paket.zip").data)
    lesson = next(p for p in files if p.endswith("01-pengantar.md"))
    files[lesson] = files[lesson].replace(b"Isi materi.", b"Isi materi yang diperbarui.")
    assert _upload(client, zip_bytes(files), f"{slug}.zip").status_code == 302
    version = current_version(db.session, db.session.scalar(select(Course)))
    assert version.number == 2
    assert "diperbarui" in next(i for m in version.modules for i in m.items
                                if i.key == "pengantar").body_md


def test_an_invalid_package_is_refused_whole_with_file_and_line(client, login, db, make_user,
                                                                tmp_path):
    from tests.conftest import write_course

    folder = write_course(tmp_path, "kursus-rusak")
    files = {p.relative_to(folder).as_posix(): p.read_bytes()
             for p in folder.rglob("*") if p.is_file()}
    files["01-dasar/03-kuis.quiz.md"] = files["01-dasar/03-kuis.quiz.md"].replace(
        b"passing_score: 70", b"passing_score: 170")
    login(make_user(role="trainer"))
    response = _upload(client, zip_bytes(files), "kursus-rusak.zip")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "01-dasar/03-kuis.quiz.md:3:" in page
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_unsafe_zips_are_refused(client, login, db, make_user):
    login(make_user(role="trainer"))
    traversal = zip_bytes({"../evil/course.md": b"---\ntitle: x\n---\n"})
    assert "keluar dari paket" in _upload(client, traversal).get_data(as_text=True)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("kursus/course.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "tautan simbolik" in _upload(client, buffer.getvalue()).get_data(as_text=True)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kursus/assets/bomb.bin", b"\0" * (5 * 1024 * 1024))
    assert "100:1" in _upload(client, buffer.getvalue()).get_data(as_text=True)

    assert _upload(client, b"not a zip").status_code == 422
    assert _upload(client, b"PK", "kursus.txt").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CourseVersion)) == 0


def test_uploading_over_a_course_of_someone_else_is_refused(client, login, db, owned_course,
                                                            make_user):
    slug, owner = owned_course()
    login(owner)
    data = client.get(f"/pengajar/kursus/{slug}/paket.zip").data
    client.post("/keluar")
    login(make_user(role="trainer"))
    assert _upload(client, data, f"{slug}.zip").status_code == 403


def test_a_package_zip_loads_in_memory_like_a_folder(db, owned_course, client, login):
    slug, owner = owned_course()
    login(owner)
    files = {p.split("/", 1)[1]: d
             for p, d in unzip(client.get(f"/pengajar/kursus/{slug}/paket.zip").data).items()}
    assert load_package_files(slug, files).title == "Kursus Uji"
