"""GET /healthz: no sign-in, JSON, no secrets, never cached; 503 names the failing checks."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lms.auth.models import User


def test_healthy_site_answers_200_without_sign_in(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["uploads"] == {"ok": True}
    disk = body["checks"]["disk"]
    assert disk["ok"] is True and disk["min_free_mb"] == 200 and disk["free_mb"] >= 200
    assert "Set-Cookie" not in response.headers


def test_the_probe_stores_nothing(app, client, db, make_user, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    user = make_user()
    before = db.session.execute(select(User.id, User.name)).all()
    assert client.get("/healthz").status_code == 200
    db.session.expire_all()
    assert db.session.execute(select(User.id, User.name)).all() == before == [(user.id, user.name)]
    assert list((tmp_path / "uploads").iterdir()) == []


def test_read_only_database_answers_503_and_names_it(read_only_app):
    response = read_only_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"ok": False, "error": "read_only"}
    assert body["checks"]["uploads"]["ok"] is True


def test_unreachable_database_says_so_without_the_url(app, _migrated, tmp_path):
    from lms import create_app

    url = "postgresql+psycopg://kelas:RAHASIA@127.0.0.1:1/nowhere"
    broken = create_app({**_migrated, "SQLALCHEMY_DATABASE_URI": url,
                         "UPLOAD_FOLDER": str(tmp_path / "up")})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == {"ok": False, "error": "unreachable"}
    text = response.get_data(as_text=True)
    assert "RAHASIA" not in text and "127.0.0.1" not in text and "nowhere" not in text


def test_unwritable_upload_folder_and_low_space_fail(app, client, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["UPLOAD_FOLDER"] = str(blocker / "uploads")
    app.config["HEALTH_MIN_FREE_MB"] = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["uploads"] == {"ok": False, "error": "not_writable"}
    assert checks["disk"]["ok"] is False and checks["disk"]["error"] == "low_space"
    assert str(tmp_path) not in response.get_data(as_text=True)


def test_threshold_is_a_setting():
    from lms.config import from_environment

    assert from_environment({"LMS_HEALTH_MIN_FREE_MB": "512"}) == {"HEALTH_MIN_FREE_MB": 512}
