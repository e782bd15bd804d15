"""API tokens: stored as hashes, named, expiring, last use recorded at most once a minute;
listed and revoked from the command line and the web; a password change, role change or
disabling ends them as well as the sessions."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from lms.auth.models import ApiToken
from lms.auth.services import create_token
from lms.timeutil import utcnow


def _token(db, user, **kwargs) -> str:
    token = create_token(db.session, user, **kwargs)
    db.session.commit()
    return token


def _me(client, token) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _rows(db) -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


# --- ending tokens -------------------------------------------------------------------------

def test_cli_password_reset_ends_api_tokens(client, db, runner, make_user):
    """The reported attack: the old token still answered /me after `lms users set-password`."""
    user = make_user()
    token = _token(db, user)
    assert _me(client, token) == 200
    result = runner.invoke(args=["lms", "users", "set-password", user.nip])
    assert result.exit_code == 0 and "API tokens ended" in result.output
    assert _me(client, token) == 401


def test_admin_web_password_reset_ends_api_tokens(app, client, db, make_user, login):
    admin, user = make_user(role="admin"), make_user()
    token = _token(db, user)
    login(admin)
    response = client.post(f"/admin/pegawai/{user.nip}/kata-sandi",
                           data={"password": "sandi-baru-123", "confirm": "sandi-baru-123"})
    assert response.status_code == 302
    assert _me(app.test_client(), token) == 401


def _employee_form(user, **changes) -> dict:
    data = {"nip": user.nip, "name": user.name, "roles": sorted(user.roles),
            "employee_type": user.employee_type, "golongan": "", "unit": str(user.unit_id),
            "position": "", "supervisor_nip": "", "active": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_role_change_and_disabling_end_api_tokens(app, client, db, make_user, login):
    admin, promoted, disabled, renamed = (make_user(role="admin"), make_user(), make_user(),
                                          make_user())
    tokens = {u.nip: _token(db, u) for u in (promoted, disabled, renamed)}
    login(admin)
    for user, changes in ((promoted, {"roles": ["learner", "manager"]}), (disabled, {"active": None}),
                          (renamed, {"name": "Nama Baru"})):
        response = client.post(f"/admin/pegawai/{user.nip}", data=_employee_form(user, **changes))
        assert response.status_code == 302, response.get_data(as_text=True)
    api = app.test_client()
    assert _me(api, tokens[promoted.nip]) == 401
    assert _me(api, tokens[disabled.nip]) == 401
    assert _me(api, tokens[renamed.nip]) == 200  # other changes leave tokens alone


def test_signing_out_of_the_web_keeps_api_tokens(client, db, make_user, login):
    user = make_user()
    token = _token(db, user)
    login(user)
    client.post("/keluar")
    assert _me(client, token) == 200


# --- storage, expiry, last use -------------------------------------------------------------

def test_only_the_hash_is_stored(db, make_user):
    token = _token(db, make_user(), name="SIMPEG")
    (row,) = _rows(db)
    assert token not in (row.token_hash, row.name) and len(row.token_hash) == 64
    assert row.name == "SIMPEG"


def test_expired_token_is_refused(client, db, make_user):
    token = _token(db, make_user(), days=30)
    (row,) = _rows(db)
    assert timedelta(days=29) < row.expires_at - row.created_at <= timedelta(days=30)
    assert _me(client, token) == 200
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_last_use_is_written_at_most_once_a_minute(client, db, make_user):
    token = _token(db, make_user())
    assert _rows(db)[0].last_used_at is None
    _me(client, token)
    (row,) = _rows(db)
    assert row.last_used_at is not None
    recent = row.last_used_at = utcnow() - timedelta(seconds=30)
    db.session.commit()
    _me(client, token)
    assert _rows(db)[0].last_used_at == recent  # within the minute: no write
    stale = _rows(db)[0]
    stale.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    _me(client, token)
    assert _rows(db)[0].last_used_at > utcnow() - timedelta(minutes=1)


def test_a_refused_write_still_notes_the_last_use(client, db, make_user):
    token = _token(db, make_user())
    response = client.post("/api/v1/quizzes/tidak-ada.kuis/attempts", json={"answers": {}},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert _rows(db)[0].last_used_at > utcnow() - timedelta(minutes=1)


# --- the command line ------------------------------------------------------------------------

def test_cli_create_list_revoke(app, client, db, runner, make_user):
    user = make_user()
    app.config["TOKEN_DEFAULT_DAYS"] = 90
    made = runner.invoke(args=["lms", "token", "create", user.nip, "--name", "SIMPEG",
                               "--expires", "7"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    default = runner.invoke(args=["lms", "token", "create", user.nip])
    assert default.exit_code == 0
    first, second = _rows(db)
    assert first.name == "SIMPEG"
    assert first.expires_at - first.created_at == timedelta(days=7)
    assert second.expires_at - second.created_at == timedelta(days=90)
    assert _me(client, secret) == 200
    listed = runner.invoke(args=["lms", "token", "list", user.nip])
    assert listed.exit_code == 0
    lines = listed.output.strip().splitlines()
    assert lines[0] == "id\tname\tcreated\tlast_used\texpires" and len(lines) == 3
    assert any(line.startswith(f"{first.id}\tSIMPEG\t") for line in lines)
    assert secret not in listed.output and default.output.strip() not in listed.output
    revoked = runner.invoke(args=["lms", "token", "revoke", str(first.id)])
    assert revoked.exit_code == 0, revoked.output
    assert _me(client, secret) == 401
    assert len(_rows(db)) == 1


def test_cli_refuses_bad_token_requests(db, runner, make_user):
    user = make_user()
    assert runner.invoke(args=["lms", "token", "revoke", "999999"]).exit_code == 1
    assert runner.invoke(args=["lms", "token", "list", "199001012015011999"]).exit_code == 1
    result = runner.invoke(args=["lms", "token", "create", user.nip, "--expires", "0"])
    assert result.exit_code == 1 and "1 to 3650 days" in result.output
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


# --- the pages -------------------------------------------------------------------------------

def test_user_creates_lists_and_revokes_their_own_tokens(app, client, db, make_user, login):
    user, other = make_user(), make_user()
    others = _token(db, other)
    login(user)
    created = client.post("/token-api", data={"name": "Skrip saya", "days": "30"})
    assert created.status_code == 201
    secret = re.search(r"lms_[A-Za-z0-9_-]{40,}", created.get_data(as_text=True)).group(0)
    assert _me(app.test_client(), secret) == 200
    page = client.get("/token-api").get_data(as_text=True)
    assert "Skrip saya" in page and secret not in page  # shown once only
    mine = next(r for r in _rows(db) if r.user_id == user.id)
    theirs = next(r for r in _rows(db) if r.user_id == other.id)
    assert client.post(f"/token-api/{theirs.id}/cabut").status_code == 404
    assert client.post(f"/token-api/{mine.id}/cabut").status_code == 302
    assert _me(app.test_client(), secret) == 401
    assert _me(app.test_client(), others) == 200
    assert client.post("/token-api", data={"days": "99999"}).status_code == 422


def test_admin_manages_an_employees_tokens(app, client, db, make_user, login):
    admin, user = make_user(role="admin"), make_user()
    login(admin)
    created = client.post(f"/admin/pegawai/{user.nip}/token", data={"name": "HR"})
    assert created.status_code == 201
    secret = re.search(r"lms_[A-Za-z0-9_-]{40,}", created.get_data(as_text=True)).group(0)
    (row,) = _rows(db)
    assert row.user_id == user.id and row.expires_at is not None
    page = client.get(f"/admin/pegawai/{user.nip}").get_data(as_text=True)
    assert "HR" in page and secret not in page
    assert client.post(f"/admin/pegawai/{user.nip}/token/{row.id}/cabut").status_code == 302
    assert _me(app.test_client(), secret) == 401


def test_token_pages_need_the_right_user(client, db, make_user, login):
    user = make_user()
    _token(db, user)
    (row,) = _rows(db)
    login(make_user())  # a learner may not use the admin's page
    assert client.post(f"/admin/pegawai/{user.nip}/token/{row.id}/cabut").status_code == 403
    assert len(_rows(db)) == 1
