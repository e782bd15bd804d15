"""The in-app notification list, marking read, the e-mail preference and the API."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth.services import create_token
from lms.notifications.models import Notification
from lms.notifications.services import notify


def _notices(db, user):
    notify(db.session, user, "assigned", "assigned:1",
           {"course": "Pelayanan Prima", "due_on": "2030-01-31"})
    notify(db.session, user, "rejected", "evidence:1:rejected:x",
           {"item": "evidence", "title": "M.03 Komunikasi, level 2", "by": "Kabid A",
            "reason": "Nilai belum cukup."})
    db.session.commit()
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_a_notice_is_created_once_per_event(db, make_user):
    user = make_user()
    assert notify(db.session, user, "assigned", "assigned:7", {"course": "A"})
    assert not notify(db.session, user, "assigned", "assigned:7", {"course": "A"})
    db.session.commit()
    assert len(db.session.scalars(select(Notification)).all()) == 1


def test_list_counts_unread_and_marks_read(app, db, client, login, make_user):
    user = make_user()
    first, second = _notices(db, user)
    login(user)
    html = client.get("/notifikasi").get_data(as_text=True)
    assert "Notifikasi <span class=\"count\">2</span>" in html
    assert "Anda ditugaskan mengikuti kursus “Pelayanan Prima”" in html
    assert "Alasan: Nilai belum cukup." in html
    response = client.post(f"/notifikasi/{first.id}/baca")
    assert response.headers["Location"] == "/"  # the assignment shows on "Kursus Saya"
    db.session.refresh(first)
    assert first.read_at is not None
    assert "Notifikasi <span class=\"count\">1</span>" in client.get("/notifikasi").get_data(
        as_text=True)
    client.post("/notifikasi/baca-semua")
    assert 'Notifikasi <span class="count zero">0</span>' in client.get("/kursus").get_data(
        as_text=True)


def test_someone_elses_notice_is_404(app, db, login, make_user):
    owner, other = make_user(), make_user()
    first, _second = _notices(db, owner)
    client = app.test_client()
    login(other, target=client)
    assert client.post(f"/notifikasi/{first.id}/baca").status_code == 404
    db.session.refresh(first)
    assert first.read_at is None


def test_turning_email_off(app, db, client, login, make_user):
    user = make_user()
    user.email = "budi@instansi.go.id"
    db.session.commit()
    login(user)
    assert "budi@instansi.go.id" in client.get("/notifikasi").get_data(as_text=True)
    client.post("/notifikasi/email", data={})
    db.session.refresh(user)
    assert user.email_notifications is False
    notify(db.session, user, "assigned", "assigned:9", {"course": "A"})
    assert db.session.scalar(select(Notification.email_status)) == "skipped"
    client.post("/notifikasi/email", data={"email": "on"})
    db.session.refresh(user)
    assert user.email_notifications is True


def test_api_notifications(app, db, client, make_user):
    user, other = make_user(), make_user()
    first, second = _notices(db, user)
    token, other_token = create_token(db.session, user), create_token(db.session, other)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/me/notifications", headers=headers).json
    assert [n["id"] for n in body] == [second.id, first.id]  # newest first
    assert body[0]["kind"] == "rejected" and "Nilai belum cukup." in body[0]["text"]
    assert body[0]["read"] is False and body[0]["created_at"]
    response = client.post(f"/api/v1/me/notifications/{first.id}/read",
                           headers={"Authorization": f"Bearer {other_token}"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    response = client.post(f"/api/v1/me/notifications/{first.id}/read", headers=headers)
    assert response.status_code == 200 and response.json["read"] is True
    assert client.get("/api/v1/me/notifications").status_code == 401
