"""Sign-in, sign-out, session ending, rate limiting and CSRF."""

import re

from lms.auth.services import disable_user
from tests.conftest import PASSWORD


def test_login_by_nip_and_logout(client, make_user, login):
    user = make_user()
    response = login(user)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/keluar")
    assert client.get("/").status_code == 302  # back to the sign-in page


def test_login_accepts_spaces_and_dots_in_nip(client, make_user):
    user = make_user()
    spaced = f"{user.nip[:8]} {user.nip[8:14]}.{user.nip[14]} {user.nip[15:]}"
    response = client.post("/masuk", data={"nip": spaced, "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_nip_and_wrong_password_answer_the_same(client, make_user):
    user = make_user()
    wrong_password = client.post("/masuk", data={"nip": user.nip, "password": "salah-sekali"})
    wrong_nip = client.post("/masuk", data={"nip": "199901012020011999", "password": PASSWORD})
    assert wrong_password.status_code == wrong_nip.status_code == 401
    strip = lambda html: re.sub(r'value="[^"]*"', "", html.get_data(as_text=True))  # noqa: E731
    assert strip(wrong_password) == strip(wrong_nip)


def test_login_is_rate_limited(client, make_user, app, clock):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/masuk", data={"nip": user.nip, "password": "salah-sekali"})
    # Even the right password is refused while the limit holds.
    response = client.post("/masuk", data={"nip": user.nip, "password": PASSWORD})
    assert response.status_code == 429


def test_logout_ends_every_session(app, make_user, login):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(user, target=first)
    login(user, target=second)
    assert second.get("/").status_code == 200
    first.post("/keluar")
    assert second.get("/").status_code == 302


def test_disabling_a_user_ends_their_sessions(client, db, make_user, login):
    user = make_user()
    login(user)
    disable_user(db.session, user)
    db.session.commit()
    assert client.get("/").status_code == 302
    # With the right password they are told the account is disabled; with a wrong one they
    # get the answer anyone gets (nothing says the NIP exists or is disabled).
    refused = login(user)
    assert refused.status_code == 403 and "Akun Anda sedang dinonaktifkan" in refused.get_data(
        as_text=True)
    wrong = client.post("/masuk", data={"nip": user.nip, "password": "salah-sekali"})
    assert wrong.status_code == 401 and "dinonaktifkan" not in wrong.get_data(as_text=True)


def test_help_tells_who_resets_a_password_without_signing_in(app, client):
    login_page = client.get("/masuk").get_data(as_text=True)
    assert 'href="/bantuan#kata-sandi">Lupa kata sandi?' in login_page
    assert 'href="/bantuan">Bantuan' in login_page  # on every page, in the footer
    plain = client.get("/bantuan").get_data(as_text=True)
    assert "Hubungi admin kepegawaian (BKPSDM)" in plain and "membuatkan kata sandi baru" in plain
    app.config.update(HELP_NAME="Admin Kelas ASN, BKPSDM Kota Serang",
                      HELP_EMAIL="kelasasn@serangkota.go.id", HELP_WHATSAPP="+62 812-3456-7890")
    page = client.get("/bantuan").get_data(as_text=True)
    assert "Admin Kelas ASN, BKPSDM Kota Serang" in page
    assert 'href="mailto:kelasasn@serangkota.go.id"' in page
    assert 'href="https://wa.me/6281234567890"' in page


def test_csrf_is_enforced(csrf_app, make_user):
    user = make_user()
    client = csrf_app.test_client()
    assert client.post("/masuk", data={"nip": user.nip, "password": PASSWORD}).status_code == 400
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post("/masuk", data={"nip": user.nip, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_pages_require_login(client):
    for path in ("/", "/kursus", "/profil"):
        response = client.get(path)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_next_parameter_never_leaves_the_site(client, make_user):
    user = make_user()
    response = client.post("/masuk?next=//evil.example/x",
                           data={"nip": user.nip, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_english_can_be_selected(client, make_user, login):
    login(make_user())
    client.get("/bahasa/en?next=/")
    assert "My Courses" in client.get("/").get_data(as_text=True)
    client.get("/bahasa/id?next=/")
    assert "Kursus Saya" in client.get("/").get_data(as_text=True)


def test_behind_a_proxy_the_rate_limit_counts_the_client_address(app, db, make_user, clock):
    from lms import create_app

    proxied = create_app({**app.config, "PROXY_COUNT": 1, "LOGIN_ADDRESS_MAX_FAILURES": 3})
    user = make_user()
    with proxied.test_client() as client:
        for n in range(3):
            client.post("/masuk", data={"nip": f"19900101201501{n:04d}", "password": "x"},
                        headers={"X-Forwarded-For": "10.1.1.1"})
        blocked = client.post("/masuk", data={"nip": user.nip, "password": PASSWORD},
                              headers={"X-Forwarded-For": "10.1.1.1"})
        other = client.post("/masuk", data={"nip": user.nip, "password": PASSWORD},
                            headers={"X-Forwarded-For": "10.2.2.2"})
    with proxied.app_context():
        db.engine.dispose()  # its own engine: close its connections now, not at GC time
    assert blocked.status_code == 429 and other.status_code == 302
