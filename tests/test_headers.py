"""Response headers: nothing personal may be cached (Back on a shared PC after sign-out), the
public static files still may, and HSTS pins HTTPS when secure cookies say the site uses it."""

from __future__ import annotations

from tests.api.conftest import token_for  # noqa: F401  (fixture)


def test_personal_pages_are_never_stored(client, login, org_tree, token_for):  # noqa: F811
    manager, learner = org_tree["manager_root"], org_tree["learner_a"]
    login(manager)
    for path in ("/", "/profil", "/kursus", f"/atasan/pegawai/{learner.nip}", "/atasan/",
                 "/atasan/ekspor/jp.csv", "/atasan/ekspor/jp.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(learner)}"})
    assert api.status_code == 200 and api.headers["Cache-Control"] == "no-store"


def test_back_after_sign_out_shows_nothing(client, login, org_tree):
    login(org_tree["learner_a"])
    dashboard = client.get("/")
    assert org_tree["learner_a"].name in dashboard.get_data(as_text=True)
    # no-store means the browser must ask again on Back, and the server then says: sign in.
    assert dashboard.headers["Cache-Control"] == "no-store"
    client.post("/keluar")
    again = client.get("/")
    assert again.status_code == 302 and "/masuk" in again.headers["Location"]
    assert again.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_hsts_only_with_secure_cookies(app, client):
    assert "Strict-Transport-Security" not in client.get("/masuk").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/masuk").headers["Strict-Transport-Security"] == "max-age=31536000"
    static = client.get("/static/style.css")
    assert static.headers["Strict-Transport-Security"]
    static.close()
