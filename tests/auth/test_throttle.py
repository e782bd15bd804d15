"""Sign-in throttling without lock-out: growing waits per NIP and per address, the owner's
usual browser still gets in, an admin can release, and every failure is in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.throttle import ThrottlePolicy
from tests.conftest import PASSWORD

def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _attempt(client, nip: str, password: str):
    return client.post("/masuk", data={"nip": nip, "password": password})


def _guess_patiently(client, nip: str, clock, failures: int) -> None:
    """Wrong passwords, each after waiting as long as told, until ``failures`` were checked."""
    checked = 0
    while checked < failures:
        response = _attempt(client, nip, "tebakan-salah")
        if response.status_code == 429:
            clock.advance(int(response.headers["Retry-After"]))
        else:
            assert response.status_code == 401
            checked += 1


def test_delays_grow_and_are_capped():
    policy = ThrottlePolicy(free_per_nip=5, free_per_address=50, window_seconds=3600,
                            max_delay_seconds=900)
    assert [policy.delay(n, 5) for n in (0, 4, 5, 6, 7, 8, 14, 15, 200)] == [
        0, 0, 1, 2, 4, 8, 512, 900, 900]


def test_a_guesser_cannot_lock_the_owner_out_of_their_usual_browser(app, make_user, clock):
    owner = make_user()
    office = _client(app, "10.0.0.5")
    assert _attempt(office, owner.nip, PASSWORD).status_code == 302  # the usual browser
    office.post("/keluar")
    attacker = _client(app, "203.0.113.9")
    _guess_patiently(attacker, owner.nip, clock, failures=12)
    # The guesser is held off: even the right password waits, and they are told how long.
    refused = _attempt(attacker, owner.nip, PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(2 ** 7)
    assert "Coba lagi dalam 3 menit" in refused.get_data(as_text=True)
    # The owner, from their usual browser, signs in at once.
    assert _attempt(office, owner.nip, PASSWORD).status_code == 302


def test_a_new_browser_waits_then_gets_in(app, make_user, clock):
    owner = make_user()
    laptop = _client(app, "10.0.0.6")
    for _ in range(5):
        assert _attempt(laptop, owner.nip, "salah-lagi").status_code == 401
    assert _attempt(laptop, owner.nip, "salah-lagi").status_code == 429  # 1 s after the 5th
    clock.advance(1)
    assert _attempt(laptop, owner.nip, "salah-lagi").status_code == 401  # 6th failure: 2 s
    clock.advance(1)
    refused = _attempt(laptop, owner.nip, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    clock.advance(1)
    assert _attempt(laptop, owner.nip, PASSWORD).status_code == 302


def test_long_waits_are_told_in_minutes(app, make_user, clock):
    owner = make_user()
    client = _client(app, "10.0.0.7")
    _guess_patiently(client, owner.nip, clock, failures=15)
    page = _attempt(client, owner.nip, PASSWORD)
    assert page.status_code == 429 and "Coba lagi dalam 15 menit" in page.get_data(as_text=True)


def test_the_address_throttle_holds_even_for_a_known_browser(app, make_user, clock):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 3
    owner = make_user()
    shared = _client(app, "10.9.9.9")
    assert _attempt(shared, owner.nip, PASSWORD).status_code == 302
    shared.post("/keluar")
    for n in range(3):  # a password spray over other NIPs from the same address
        _attempt(shared, f"19900101201501{n:04d}", "Rahasia123")
    assert _attempt(shared, owner.nip, PASSWORD).status_code == 429
    elsewhere = _client(app, "10.1.2.3")
    assert _attempt(elsewhere, owner.nip, PASSWORD).status_code == 302


def test_the_known_browser_cookie_is_for_one_nip_and_cannot_be_forged(app, make_user, clock):
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    browser = _client(app, "10.0.0.8")
    assert _attempt(browser, alice.nip, PASSWORD).status_code == 302
    browser.post("/keluar")
    _guess_patiently(_client(app, "198.51.100.1"), bob.nip, clock, failures=6)
    # Alice's browser is known for Alice only: Bob's throttle still holds there.
    assert _attempt(browser, bob.nip, PASSWORD).status_code == 429
    forged = _client(app, "10.0.0.9")
    forged.set_cookie("kasn_perangkat", "W10.forged.signature", path="/masuk")
    assert _attempt(forged, bob.nip, PASSWORD).status_code == 429


def test_an_admin_sees_and_releases_a_throttled_nip(app, db, make_user, clock):
    owner, admin = make_user(), make_user("admin")
    attacker = _client(app, "203.0.113.10")
    _guess_patiently(attacker, owner.nip, clock, failures=8)
    page = _client(app, "10.0.0.10")
    _attempt(page, admin.nip, PASSWORD)
    listing = page.get("/admin/percobaan-masuk").get_data(as_text=True)
    assert owner.nip in listing and "203.0.113.10" in listing and "8" in listing
    assert page.post("/admin/percobaan-masuk/lepas",
                     data={"key": f"nip:{owner.nip}"}).status_code == 302
    fresh = _client(app, "10.0.0.11")
    assert _attempt(fresh, owner.nip, PASSWORD).status_code == 302
    released = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "login.throttle_cleared"))
    assert released.actor_id == admin.id and released.target_id == f"nip:{owner.nip}"
    assert released.details == {"failures": 8}


def test_failures_and_throttles_are_audited_with_the_address(app, db, make_user, clock):
    owner = make_user()
    client = _client(app, "192.0.2.44")
    _guess_patiently(client, owner.nip[:8] + " " + owner.nip[8:], clock, failures=6)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    failed = [e for e in events if e.action == "login.failed"]
    throttled = [e for e in events if e.action == "login.throttled"]
    assert len(failed) == 6 and {(e.actor_nip, e.remote) for e in failed} == {
        (owner.nip, "192.0.2.44")}
    assert [e.details["wait_seconds"] for e in throttled] == [1, 2]
    # A refused attempt while waiting costs no password check and writes nothing.
    assert _attempt(client, owner.nip, PASSWORD).status_code == 429
    assert db.session.query(AuditEvent).count() == len(events)


def test_sign_in_page_only_for_admins(app, make_user, login, client):
    login(make_user("manager"))
    assert client.get("/admin/percobaan-masuk").status_code == 403
    assert client.post("/admin/percobaan-masuk/lepas", data={"key": "ip:x"}).status_code == 403
