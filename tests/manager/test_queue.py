"""The "Perlu tindakan" work queue: what waits, oldest first with its age, in scope; the
count in the navigation; the API; validating many items at once."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from flask import g
from sqlalchemy import event, select

from lms.audit.models import AuditEvent
from lms.auth.services import create_token
from lms.competency.external import record_external_training
from lms.competency.models import CompetencyEvidence, ExternalTraining
from lms.competency.uploads import CertificateStore
from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, utcnow
from tests.competency.certificates import PDF, training_input
from tests.conftest import PASSWORD


def _client(app, login, user):
    """A client signed in as ``user`` (signing in again on one client keeps the first)."""
    client = app.test_client()
    login(user, target=client)
    return client


def _training(db, app, person, days_ago: int = 0) -> ExternalTraining:
    store = CertificateStore.from_config(app.config)
    training = record_external_training(db.session, person, person, training_input(),
                                        io.BytesIO(PDF), store=store)
    training.recorded_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return training


def _evidence(db, credit, person, days_ago: int, slug: str = "kursus-uji") -> CompetencyEvidence:
    credit(person, slug=slug, levels=(("M.03", 2),))
    evidence = db.session.scalars(select(CompetencyEvidence).where(
        CompetencyEvidence.user_id == person.id)).all()[-1]
    evidence.completed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return evidence


def _overdue(db, person, course, days: int) -> CourseAssignment:
    assignment = CourseAssignment(user_id=person.id, course_id=course.id,
                                  due_on=local_date(utcnow()) - timedelta(days=days))
    db.session.add(assignment)
    db.session.commit()
    return assignment


def _waiting(app, db, org, credit):
    """Evidence of Citra (5 days), an outside training of Budi (3 days), Dewi's overdue
    course (due 2 days ago) and Kabid A's own evidence (9 days)."""
    evidence = _evidence(db, credit, org["learner_a1"], 5)
    training = _training(db, app, org["learner_a"], 3)
    course = evidence.course
    overdue = _overdue(db, org["learner_b"], course, 2)
    own = _evidence(db, credit, org["manager_a"], 9)
    return evidence, training, overdue, own


def test_queue_lists_items_in_scope_oldest_first_with_age(app, db, client, org, login,
                                                          credit):
    evidence, training, overdue, own = _waiting(app, db, org, credit)
    client = _client(app, login, org["manager_a"])
    html = client.get("/atasan/tindakan").get_data(as_text=True)
    rows = re.findall(r'value="(\w+):(\d+)"', html)
    # Citra's evidence (5 days) before Budi's training (3 days); never Kabid A's own item,
    # never Dewi's course of another unit.
    assert rows == [("evidence", str(evidence.id)), ("outside_training", str(training.id))]
    assert "5 hari" in html and "3 hari" in html
    assert "2 item menunggu Anda" in html
    client = _client(app, login, org["manager_root"])
    html = client.get("/atasan/tindakan").get_data(as_text=True)
    # The root manager also sees Kabid A's evidence (oldest) and Dewi's overdue course.
    assert html.index("Kabid A") < html.index("Citra") < html.index("Budi") < html.index("Dewi")
    assert "4 item menunggu Anda" in html and "Lewat tenggat" in html


def _statements(db, client, path: str) -> tuple[list[str], str]:
    """The SQL a page runs, and its HTML."""
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def test_navigation_counts_waiting_items_with_one_query(app, db, org, login, credit):
    _waiting(app, db, org, credit)
    for who, waiting in (("learner_b", None), ("manager_b", 1), ("manager_root", 4)):
        client = _client(app, login, org[who])
        for path in ("/profil", "/kursus"):
            statements, html = _statements(db, client, path)
            # The unread notifications are counted in the query that loads the signed-in
            # user; a manager's waiting items in one more.
            unread = [s for s in statements if "notifications" in s]
            assert len(unread) == 1 and "FROM users" in unread[0], (who, path)
            queue = [s for s in statements if "AS queue" in s]
            if waiting is None:
                assert "Perlu tindakan" not in html and not queue
            else:
                assert len(queue) == 1, (who, path)
                assert f'Perlu tindakan <span class="count">{waiting}</span>' in html, who


def test_a_top_level_managers_own_training_goes_to_the_admins(app, db, client, org, login):
    training = _training(db, app, org["manager_root"], 1)
    client = _client(app, login, org["manager_root"])
    html = client.get("/atasan/tindakan").get_data(as_text=True)
    assert f"outside_training:{training.id}" not in html
    assert "divalidasi oleh admin" in html
    assert "divalidasi oleh admin" in client.get("/profil").get_data(as_text=True)
    client = _client(app, login, org["admin"])
    assert f"outside_training:{training.id}" in client.get("/atasan/tindakan").get_data(
        as_text=True)


def test_queue_route_access(app, org, login):
    for who, status in {"learner_a": 403, "manager_b": 200, "admin": 200}.items():
        client = app.test_client()
        login(org[who], target=client)
        assert client.get("/atasan/tindakan").status_code == status, who
        assert client.post("/atasan/tindakan/validasi", data={}).status_code == (
            403 if status == 403 else 302), who


def test_api_queue(app, db, client, org, credit):
    evidence, training, overdue, own = _waiting(app, db, org, credit)
    manager_token = create_token(db.session, org["manager_root"])
    learner_token = create_token(db.session, org["learner_a"])
    db.session.commit()
    response = client.get("/api/v1/me/queue",
                          headers={"Authorization": f"Bearer {learner_token}"})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    body = client.get("/api/v1/me/queue",
                      headers={"Authorization": f"Bearer {manager_token}"}).json
    assert [(i["kind"], i["id"], i["age_days"]) for i in body] == [
        ("evidence", own.id, 9), ("evidence", evidence.id, 5),
        ("outside_training", training.id, 3), ("overdue_assignment", overdue.id, 2)]
    assert body[1]["employee"] == {"nip": org["learner_a1"].nip, "name": "Citra"}
    assert body[3]["since"] == (local_date(utcnow()) - timedelta(days=2)).isoformat()


def test_validating_many_checks_each_item(app, db, client, org, login, credit):
    evidence, training, overdue, own = _waiting(app, db, org, credit)
    other = _training(db, app, org["learner_b"], 1)  # Bidang B: not Kabid A's
    client = _client(app, login, org["manager_a"])
    response = client.post("/atasan/tindakan/validasi", data={"item": [
        f"evidence:{evidence.id}", f"outside_training:{training.id}",
        f"outside_training:{other.id}", f"evidence:{own.id}", "evidence:abc", "lain:1"]},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 item divalidasi" in html and "4 item dilewati" in html
    db.session.expire_all()
    assert evidence.validated_by_id == org["manager_a"].id
    assert training.status == "validated"
    assert other.status == "pending" and own.status == "pending"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["evidence.validated", "outside_training.validated"]


def test_validating_many_needs_csrf(csrf_app, db, org, credit):
    evidence = _evidence(db, credit, org["learner_a1"], 1)
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": org["manager_a"].nip, "password": PASSWORD,
                                "csrf_token": token})
    g.pop("csrf_token", None)
    assert client.post("/atasan/tindakan/validasi",
                       data={"item": f"evidence:{evidence.id}"}).status_code == 400
    page = client.get("/atasan/tindakan").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/atasan/tindakan/validasi", data={
        "item": f"evidence:{evidence.id}", "csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert evidence.status == "validated"
