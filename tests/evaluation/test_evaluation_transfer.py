"""Level 3: the transfer questionnaires open ``evaluation_after_days`` after completion (the
agency's calendar day, on the app's clock) for the learner and their supervisor, arrive on
the dashboard, in *Perlu tindakan* and by ``lms notify``, take one answer each, and close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.evaluation.models import TransferResponse
from lms.evaluation.transfer import ANSWER_WINDOW_DAYS
from lms.notifications.jobs import run_notify
from lms.notifications.models import Notification
from lms.timeutil import today

# 10:00 in Jakarta on 17 June 2026 (the test clock's start).
COMPLETED = datetime(2026, 6, 17, 3, 0, tzinfo=UTC)


def _notify(app, db):
    return run_notify(db.session, app.config, today(), send=False)[0]


def _notices(db, user, kind):
    return db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def _switch(client, login, user):
    client.post("/keluar")
    login(user)


def test_it_opens_on_day_60_for_the_learner_and_the_supervisors(
        app, client, login, db, org_tree, transfer_course, complete, clock):
    transfer_course()
    learner = org_tree["learner_a"]  # Bidang A, below the Dinas
    enrollment = complete(learner)
    url = f"/evaluasi-pasca/{enrollment.id}"
    supervisor_url = f"/atasan/evaluasi-pasca/{enrollment.id}"

    clock.set(COMPLETED + timedelta(days=59))
    login(learner)
    assert "Evaluasi pasca pelatihan" not in client.get("/").get_data(as_text=True)
    assert client.get(url).status_code == 404
    _switch(client, login, org_tree["manager_a"])
    assert "Evaluasi pasca pelatihan" not in client.get("/atasan/tindakan").get_data(as_text=True)
    assert client.get(supervisor_url).status_code == 404
    assert _notify(app, db).transfer == 0

    clock.set(COMPLETED + timedelta(days=60))
    _switch(client, login, learner)
    page = client.get("/").get_data(as_text=True)
    assert f'href="{url}"' in page and "Isi kuesioner: Kursus Uji" in page
    assert client.get(url).status_code == 200
    for who in ("manager_a", "manager_root", "admin"):
        _switch(client, login, org_tree[who])
        queue = client.get("/atasan/tindakan").get_data(as_text=True)
        assert f'href="{supervisor_url}"' in queue, who
        assert "Evaluasi pasca pelatihan" in queue and "Kursus Uji" in queue
    _switch(client, login, org_tree["manager_b"])
    assert f'href="{supervisor_url}"' not in client.get("/atasan/tindakan").get_data(as_text=True)

    # lms notify tells the learner and the managers of the learner's own unit, once.
    assert _notify(app, db).transfer == 2
    assert len(_notices(db, learner, "transfer_due")) == 1
    assert len(_notices(db, org_tree["manager_a"], "transfer_supervisor")) == 1
    assert not _notices(db, org_tree["manager_root"], "transfer_supervisor")
    assert _notify(app, db).transfer == 0
    _switch(client, login, learner)
    notices = client.get("/notifikasi").get_data(as_text=True)
    assert "Evaluasi pasca pelatihan kursus “Kursus Uji”" in notices


def test_the_day_is_the_agency_calendar_day(client, login, db, org_tree, transfer_course,
                                            complete, clock):
    transfer_course(days=1)
    learner = org_tree["learner_a"]
    clock.set(datetime(2026, 6, 17, 16, 30, tzinfo=UTC))  # 23:30 in Jakarta, 17 June
    enrollment = complete(learner)
    login(learner)
    clock.set(datetime(2026, 6, 17, 16, 59, tzinfo=UTC))  # 23:59 the same day: not yet
    assert client.get(f"/evaluasi-pasca/{enrollment.id}").status_code == 404
    clock.set(datetime(2026, 6, 17, 17, 1, tzinfo=UTC))  # 00:01 on 18 June in Jakarta
    assert client.get(f"/evaluasi-pasca/{enrollment.id}").status_code == 200


def test_it_closes_after_the_window_and_a_course_may_turn_it_off(
        client, login, db, org_tree, transfer_course, complete, clock):
    transfer_course()
    learner = org_tree["learner_a"]
    enrollment = complete(learner)
    login(learner)
    clock.set(COMPLETED + timedelta(days=60 + ANSWER_WINDOW_DAYS - 1))
    assert client.get(f"/evaluasi-pasca/{enrollment.id}").status_code == 200
    clock.set(COMPLETED + timedelta(days=60 + ANSWER_WINDOW_DAYS))
    assert client.get(f"/evaluasi-pasca/{enrollment.id}").status_code == 404
    assert "Evaluasi pasca pelatihan" not in client.get("/").get_data(as_text=True)

    clock.reset()
    transfer_course(days=0, slug="tanpa-evaluasi")
    other = complete(learner, "tanpa-evaluasi")
    clock.set(COMPLETED + timedelta(days=60))
    assert client.get(f"/evaluasi-pasca/{other.id}").status_code == 404


def test_learner_and_supervisor_answer_once_each(client, login, db, org_tree, transfer_course,
                                                 complete, clock):
    transfer_course()
    learner = org_tree["learner_a1"]  # Seksi A1: Kabid A and the Kepala Dinas are above
    enrollment = complete(learner)
    clock.set(COMPLETED + timedelta(days=75))
    url = f"/evaluasi-pasca/{enrollment.id}"
    login(learner)
    form = client.get(url).get_data(as_text=True)
    assert form.count('type="radio"') == 10 and form.count("<legend>") == 2
    assert "1 · belum sama sekali" in form and "5 · sepenuhnya" in form
    assert "Seberapa jauh Anda sudah menerapkan hasil kursus ini" in form
    assert '<label for="q2">' in form  # the open question's label is tied to its box
    # A scale question left blank: the page comes back with the error at the question.
    response = client.post(url, data={"q0": "4", "q2": "Dipakai di loket."})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="q1-error"' in page and "Pilih salah satu, 1 sampai 5." in page
    response = client.post(url, data={"q0": "4", "q1": "5", "q2": "Dipakai di loket."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Isi kuesioner" not in client.get("/").get_data(as_text=True)
    # A second answer is refused; the first stays; the page shows what was answered.
    again = client.post(url, data={"q0": "1", "q1": "1", "q2": "Tidak."})
    assert again.status_code == 409
    shown = client.get(url).get_data(as_text=True)
    assert "Jawaban yang tersimpan" in shown and "Dipakai di loket." in shown
    stored = db.session.scalars(select(TransferResponse)).all()
    assert [(r.role, r.answers, r.score, r.respondent_id) for r in stored] == [
        ("learner", [4, 5, "Dipakai di loket."], 4.5, learner.id)]
    assert stored[0].questions[0]["kind"] == "scale"

    supervisor_url = f"/atasan/evaluasi-pasca/{enrollment.id}"
    _switch(client, login, org_tree["manager_a"])
    assert "Citra menyelesaikan kursus ini" in client.get(supervisor_url).get_data(as_text=True)
    response = client.post(supervisor_url, data={"q0": "3", "q1": "2", "q2": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/atasan/tindakan")
    assert supervisor_url not in client.get("/atasan/tindakan").get_data(as_text=True)
    # The Kepala Dinas, also above Citra, finds it answered: one supervisor answer only.
    _switch(client, login, org_tree["manager_root"])
    assert supervisor_url not in client.get("/atasan/tindakan").get_data(as_text=True)
    assert client.post(supervisor_url, data={"q0": "5", "q1": "5"}).status_code == 409
    rows = db.session.execute(select(TransferResponse.role, TransferResponse.score,
                                     TransferResponse.respondent_id)
                              .order_by(TransferResponse.id)).all()
    assert rows == [("learner", 4.5, learner.id),
                    ("supervisor", 2.5, org_tree["manager_a"].id)]


def test_every_route_keeps_to_its_people(client, login, db, org_tree, transfer_course,
                                         complete, clock):
    transfer_course()
    enrollment = complete(org_tree["learner_a"])
    own = complete(org_tree["manager_a"])
    clock.set(COMPLETED + timedelta(days=60))
    mine, theirs = f"/evaluasi-pasca/{enrollment.id}", f"/atasan/evaluasi-pasca/{enrollment.id}"
    data = {"q0": "5", "q1": "5"}
    assert client.get(mine).status_code == 302  # signed out: to the sign-in page
    cases = [
        ("learner_a1", mine, 404),  # another learner
        ("manager_a", mine, 404),  # the supervisor on the learner's questionnaire
        ("learner_a", theirs, 403),  # the learner on the supervisor's (not a manager)
        ("learner_a1", theirs, 403),
        ("manager_b", theirs, 404),  # another unit's manager
    ]
    for who, url, status in cases:
        _switch(client, login, org_tree[who])
        assert client.get(url).status_code == status, (who, url)
        assert client.post(url, data=data).status_code == status, (who, url)
    # A manager who completed a course cannot answer as their own supervisor.
    _switch(client, login, org_tree["manager_a"])
    assert client.get(f"/atasan/evaluasi-pasca/{own.id}").status_code == 403
    assert client.get("/evaluasi-pasca/999999").status_code == 404
    assert db.session.scalar(select(TransferResponse.id)) is None
    # The admin answers as the agency-wide supervisor.
    _switch(client, login, org_tree["admin"])
    assert client.post(theirs, data=data).status_code == 302
