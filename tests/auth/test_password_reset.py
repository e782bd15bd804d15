"""Self-service password reset by e-mail, through a real SMTP server (aiosmtpd): the same answer
for every request, a signed link that works once and expires, the new password's rules, every
session and API token ended, throttled requests, and the help page where there is no e-mail."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.services import change_password, create_token, disable_user, user_for_token
from tests.conftest import PASSWORD

NEW = "kata-sandi-baru-1"


def _mailable(db, make_user, email="rina@dukcapil.example", name="Rina Wulandari"):
    user = make_user(name=name)
    user.email = email
    db.session.commit()
    return user


def _ask(client, identity):
    return client.post("/lupa-kata-sandi", data={"identity": identity})


def _link(message) -> str:
    """The path of the reset link in an e-mail (on BASE_URL, here the default)."""
    body = message.get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/atur-kata-sandi/\S+)", body).group(1)


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_reset_by_e_mail_link_from_request_to_sign_in(app, db, client, make_user, login, smtp):
    rina = _mailable(db, make_user)
    token = create_token(db.session, rina, name="skrip")
    db.session.commit()
    elsewhere = app.test_client()
    assert login(rina, target=elsewhere).status_code == 302
    assert 'href="/lupa-kata-sandi">Lupa kata sandi?' in client.get("/masuk").get_data(
        as_text=True)

    asked = _ask(client, f"{rina.nip[:8]} {rina.nip[8:]}")  # typed with a space
    assert asked.status_code == 303 and asked.headers["Location"] == "/lupa-kata-sandi/terkirim"
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "Rina Wulandari <rina@dukcapil.example>"
    assert mail["Subject"] == "[Kelas ASN] Atur ulang kata sandi"
    assert f"NIP {rina.nip}" in mail.get_content()
    assert "berlaku 30 menit" in mail.get_content()
    link = _link(mail)

    page = client.get(link)  # opening the link changes nothing (mail scanners open links)
    assert page.status_code == 200 and "Buat kata sandi baru" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    # The password rules of every change; a refused password leaves the link working.
    short = client.post(link, data={"password": "pendek", "confirm": "pendek"})
    assert short.status_code == 422 and "minimal 8 karakter" in short.get_data(as_text=True)
    differ = client.post(link, data={"password": NEW, "confirm": NEW + "x"})
    assert differ.status_code == 422 and "tidak sama" in differ.get_data(as_text=True)
    assert login(rina, target=app.test_client()).status_code == 302  # still the old one

    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.headers["Location"] == "/masuk"
    assert login(rina, target=app.test_client()).status_code == 401
    assert login(rina, password=NEW, target=app.test_client()).status_code == 302
    # Every other session and every API token ended, as after an admin's reset.
    assert elsewhere.get("/").status_code == 302
    assert user_for_token(db.session, token) is None
    # The link works once.
    assert client.get(link).status_code == 410
    assert client.post(link, data={"password": "lagi-lagi-1", "confirm": "lagi-lagi-1"}
                       ).status_code == 410
    assert login(rina, password=NEW, target=app.test_client()).status_code == 302
    [requested] = _events(db, "password.reset_requested")
    assert (requested.target_id, requested.details) == (rina.nip, {"sent": 1})
    [changed] = _events(db, "user.password_changed")
    assert (changed.actor_id, changed.target_id, changed.details) == (
        rina.id, rina.nip, {"via": "reset"})


def test_an_expired_link_is_refused(db, client, make_user, smtp, clock):
    rina = _mailable(db, make_user)
    _ask(client, rina.email)
    link = _link(smtp.wait_for(1)[0])
    clock.advance(29 * 60)
    assert client.get(link).status_code == 200
    clock.advance(2 * 60)  # 31 minutes after it was sent
    expired = client.post(link, data={"password": NEW, "confirm": NEW})
    assert expired.status_code == 410
    assert "Tautan tidak berlaku lagi" in expired.get_data(as_text=True)
    db.session.expire_all()
    assert client.post("/masuk", data={"nip": rina.nip, "password": PASSWORD}
                       ).status_code == 302


def test_another_password_change_kills_the_link(db, client, make_user, smtp):
    rina = _mailable(db, make_user)
    _ask(client, rina.nip)
    link = _link(smtp.wait_for(1)[0])
    change_password(db.session, rina, "dari-admin-123", "dari-admin-123", via="web")
    db.session.commit()
    assert client.get(link).status_code == 410
    # A forged or mangled token is refused the same way.
    assert client.get(link[:-3] + "abc").status_code == 410
    assert client.get("/atur-kata-sandi/bukan-token").status_code == 410


def test_unknown_disabled_or_address_less_get_the_same_answer_and_no_mail(db, client,
                                                                         make_user, smtp):
    off = _mailable(db, make_user, "nonaktif@dukcapil.example")
    disable_user(db.session, off)
    no_address = make_user()
    db.session.commit()
    answers = [_ask(client, identity) for identity in (
        "199901012020011999", off.nip, no_address.nip, "siapa@tidak.example")]
    assert {(a.status_code, a.headers["Location"]) for a in answers} == {
        (303, "/lupa-kata-sandi/terkirim")}
    # No e-mail was started for any of them: the next one is the first to arrive.
    rina = _mailable(db, make_user)
    _ask(client, "RINA@DUKCAPIL.EXAMPLE")  # an e-mail address, in any case
    assert [m["To"] for m in smtp.wait_for(1)] == ["Rina Wulandari <rina@dukcapil.example>"]
    sent_page = client.get("/lupa-kata-sandi/terkirim").get_data(as_text=True)
    assert "Jika NIP atau alamat itu milik akun aktif" in sent_page
    reasons = [e.details for e in _events(db, "password.reset_requested")]
    assert reasons == [{"sent": 0, "reason": "unknown"}, {"sent": 0, "reason": "disabled"},
                       {"sent": 0, "reason": "no_email"}, {"sent": 0, "reason": "unknown"},
                       {"sent": 1}]
    assert _ask(client, "").status_code == 400  # nothing typed: the form again


def test_requests_are_throttled_like_sign_ins_without_delaying_them(app, db, client, make_user,
                                                                    login, smtp, clock):
    rina = _mailable(db, make_user)
    app.config["PASSWORD_RESET_MAX_REQUESTS"] = 2
    for _ in range(2):
        assert _ask(client, rina.nip).status_code == 303
    smtp.wait_for(2)
    refused = _ask(client, rina.nip)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    assert "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    unknown = "199901012020011999"  # an unknown NIP is throttled the same way
    _ask(client, unknown), _ask(client, unknown)
    assert _ask(client, unknown).status_code == 429
    clock.advance(2)
    assert _ask(client, rina.nip).status_code == 303
    smtp.wait_for(3)
    # Reset requests are not failed sign-ins: Rina signs in at once, from a new browser too.
    assert login(rina, target=app.test_client()).status_code == 302


def test_a_link_dies_when_the_account_is_disabled(db, client, make_user, smtp):
    rina = _mailable(db, make_user)
    _ask(client, rina.nip)
    link = _link(smtp.wait_for(1)[0])
    disable_user(db.session, rina)
    db.session.commit()
    assert client.post(link, data={"password": NEW, "confirm": NEW}).status_code == 410


def test_without_a_mail_server_the_help_page_says_whom_to_ask(app, client, mail_server):
    app.config["SMTP_HOST"] = None
    assert 'href="/bantuan#kata-sandi">Lupa kata sandi?' in client.get("/masuk").get_data(
        as_text=True)
    answer = client.get("/lupa-kata-sandi")
    assert answer.status_code == 302 and answer.headers["Location"] == "/bantuan#kata-sandi"
    assert client.post("/lupa-kata-sandi", data={"identity": "x"}).status_code == 302
    assert "/lupa-kata-sandi" not in client.get("/bantuan").get_data(as_text=True)
    app.config["SMTP_HOST"] = "127.0.0.1"
    helped = client.get("/bantuan").get_data(as_text=True)
    assert 'href="/lupa-kata-sandi"' in helped and "membuatkan kata sandi baru" in helped
    app.config["MAIL_FROM"] = None  # half configured: no reset either
    assert client.get("/lupa-kata-sandi").status_code == 302
