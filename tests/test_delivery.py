"""On a weak line: answers are compressed when the browser accepts it, static files are
fingerprinted and kept for a year, and nothing personal is stored by a browser or proxy."""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib

import brotli
import pytest

from lms import ROOT
from lms.delivery import IMMUTABLE
from tests.api.conftest import token_for  # noqa: F401  (fixture)


def _static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_static_files_by_their_fingerprint(client):
    links = _static_links(client.get("/masuk").get_data(as_text=True))
    assert "/static/style.css?v=" + _digest("style.css") in links
    assert all("?v=" in link for link in links), links


def _digest(name: str) -> str:
    return hashlib.sha256((ROOT / "static" / name).read_bytes()).hexdigest()[:12]


def test_a_fingerprinted_file_is_kept_for_a_year_and_an_unknown_one_revalidated(client):
    current = client.get(f"/static/style.css?v={_digest('style.css')}")
    assert current.status_code == 200
    assert current.headers["Cache-Control"] == IMMUTABLE
    # A static file is the same for everyone: no cookie, and it does not vary on one.
    assert "Set-Cookie" not in current.headers
    assert "Cookie" not in current.headers.get("Vary", "")
    current.close()
    for url in ("/static/style.css", "/static/style.css?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache", url  # asked again each time
        assert "immutable" not in response.headers["Cache-Control"]
        response.close()


def test_a_changed_file_gets_a_new_url(app, client, tmp_path):
    (tmp_path / "site.css").write_text("body { color: black }")
    app.static_folder = str(tmp_path)
    first = _static_links(client.get("/masuk").get_data(as_text=True))
    (tmp_path / "site.css").write_text("body { color: navy }")
    with app.test_request_context():
        from lms.delivery import static_url

        new = static_url("site.css")
    assert new.startswith("/static/site.css?v=")
    assert new.split("=")[1] == hashlib.sha256(b"body { color: navy }").hexdigest()[:12]
    assert new not in first


@pytest.mark.parametrize("encoding, decode", [
    ("gzip", gzip.decompress), ("br", brotli.decompress), ("deflate", zlib.decompress)])
def test_pages_are_compressed_as_the_browser_accepts(client, login, make_user, make_course,
                                                     encoding, decode):
    slug = make_course(lesson_body="Isi materi yang cukup panjang. " * 40)
    login(make_user())
    client.post(f"/kursus/{slug}/daftar")
    path = f"/kursus/{slug}/materi/pengantar"
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == "no-store"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 2
    # Only the CSRF token differs from one answer to the next.
    token = re.compile(rb'name="csrf_token" value="[^"]+"')
    assert token.sub(b"", decode(packed.data)) == token.sub(b"", plain.data)


def test_static_files_are_compressed_whole(client):
    url = f"/static/style.css?v={_digest('style.css')}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    assert gzip.decompress(response.data) == (ROOT / "static" / "style.css").read_bytes()
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_a_byte_range_is_never_compressed(client):
    response = client.get("/static/style.css", headers={"Accept-Encoding": "gzip",
                                                         "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.data == (ROOT / "static" / "style.css").read_bytes()[:100]
    response.close()


def test_a_streamed_export_is_compressed_as_a_stream(client, login, org_tree):
    login(org_tree["manager_root"])
    plain = client.get("/atasan/ekspor/jp.csv", headers={"Accept-Encoding": "identity"})
    assert plain.is_streamed and "Content-Encoding" not in plain.headers
    packed = client.get("/atasan/ekspor/jp.csv", headers={"Accept-Encoding": "br"})
    assert packed.headers["Content-Encoding"] == "br"
    assert "Content-Length" not in packed.headers  # sent as it is made
    assert packed.headers["Cache-Control"] == "no-store"
    assert brotli.decompress(packed.data) == plain.data


def test_small_answers_and_images_are_sent_as_they_are(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers


def test_personal_pages_exports_and_api_answers_are_never_stored(
        client, login, make_user, make_course, token_for):  # noqa: F811
    slug = make_course()
    learner = make_user()
    login(learner)
    client.post(f"/kursus/{slug}/daftar")
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    submitted = client.post(f"/kursus/{slug}/kuis/kuis",
                            data={"token": token, "q-q-jp": "45", "q-q-ciri": ["q-ciri-1"],
                                  "q-q-hak": "q-hak-1", "confirm": "1"})
    result = submitted.headers["Location"]
    for path in (f"/kursus/{slug}/materi/pengantar", f"/kursus/{slug}/kuis/kuis", result,
                 f"/kursus/{slug}", "/notifikasi", "/profil"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    assert submitted.headers["Cache-Control"] == "no-store"  # redirects too
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(learner)}",
                                            "Accept-Encoding": "gzip"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"
