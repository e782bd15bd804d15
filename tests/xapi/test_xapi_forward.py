"""xAPI statements: stored whole when the event happens, forwarded as stored; a statement the LRS
refuses is parked with its answer while the others go through; the LRS being down or the
settings being wrong stops the run. (The real LRS: test_xapi_ralph.py.)"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from lms.xapi.models import XapiStatement
from tests.xapi.flow import sign_in, work_through_course


class _Lrs(BaseHTTPRequestHandler):
    """An LRS that refuses, whole, a batch holding a statement whose id is in ``refuse``
    (409, as for an id it holds with other content), or answers ``status`` to everything."""

    received: list = []
    refuse: set = set()
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {k.lower(): v for k, v in self.headers.items()}
        _Lrs.received.append((self.path, headers, body))
        if _Lrs.status in (301, 302):  # moved to https (a GET there would list statements)
            self.send_response(_Lrs.status)
            self.send_header("Location", "https://lrs.example.go.id/xapi/statements")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif _Lrs.status != 200:
            self._answer(_Lrs.status, b"busy")
        elif any(s["id"] in _Lrs.refuse for s in body):
            self._answer(409, b'{"detail": "Differing statements already exist with the '
                              b'same ID"}\n   ')
        else:
            self._answer(200, json.dumps([s["id"] for s in body]).encode())

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def lrs(app):
    _Lrs.received, _Lrs.refuse, _Lrs.status = [], set(), 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Lrs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(XAPI_ENDPOINT=f"http://127.0.0.1:{server.server_port}/xapi",
                      XAPI_AUTH="lms:rahasia", BASE_URL="https://kelas.example.go.id/")
    yield _Lrs
    server.shutdown()
    server.server_close()


@pytest.fixture
def finished(app, client, make_user, login, make_course, clock, lrs):
    """A learner who worked through the course: two lessons, the quiz (7 minutes), the course."""
    slug = make_course()
    learner = make_user(name="Siti Rahma")
    login(learner)
    work_through_course(client, slug, clock)
    return learner


def _stored(db) -> list[XapiStatement]:
    return list(db.session.scalars(select(XapiStatement).order_by(XapiStatement.activity_type,
                                                                  XapiStatement.activity_id)))


def test_each_statement_is_stored_whole_with_its_context(db, finished):
    rows = _stored(db)
    assert [(r.activity_type, r.verb) for r in rows] == [
        ("assessment", "passed"), ("course", "completed"), ("lesson", "completed"),
        ("lesson", "completed")]
    quiz, course, lesson = rows[0].statement, rows[1].statement, rows[2].statement
    site = "https://kelas.example.go.id"
    assert quiz["id"] == rows[0].id
    assert quiz["actor"] == {"objectType": "Agent", "name": "Siti Rahma",
                             "account": {"homePage": site, "name": finished.nip}}
    assert quiz["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert quiz["object"]["id"] == f"{site}/kursus/kursus-uji/kuis/kuis"
    assert quiz["object"]["definition"]["name"] == {"id-ID": "Kuis Dasar"}
    assert lesson["object"]["id"] == f"{site}/kursus/kursus-uji/materi/lanjutan"
    assert course["object"]["id"] == f"{site}/kursus/kursus-uji"
    # The course is the parent of its quiz and lessons; one registration for the enrolment.
    parent = {"objectType": "Activity", "id": f"{site}/kursus/kursus-uji", "definition": {
        "type": "http://adlnet.gov/expapi/activities/course", "name": {"id-ID": "Kursus Uji"}}}
    assert quiz["context"]["contextActivities"] == {"parent": [parent]}
    assert lesson["context"]["contextActivities"] == {"parent": [parent]}
    assert "contextActivities" not in course["context"]
    assert len({s.statement["context"]["registration"] for s in rows}) == 1
    # The attempt's duration: from the quiz page to the submission, on the app's clock.
    assert quiz["result"]["duration"] == "PT7M"
    assert quiz["result"]["success"] is True and quiz["result"]["score"]["raw"] == 100.0
    assert course["result"]["completion"] is True
    assert quiz["timestamp"].endswith("Z") and quiz["timestamp"] == course["timestamp"]


def test_another_enrolment_has_another_registration(db, client, make_user, login, make_course,
                                                   clock, finished):
    sign_in(client, login, make_user())
    work_through_course(client, "kursus-uji", clock)
    registrations = {(r.user_id, r.statement["context"]["registration"]) for r in _stored(db)}
    assert len(registrations) == 2 and len({reg for _user, reg in registrations}) == 2


def test_forwarding_sends_the_stored_statements_also_after_a_rename(db, runner, finished, lrs):
    stored = {r.id: r.statement for r in _stored(db)}
    finished.name = "Siti Rahma Wulandari"
    db.session.commit()
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 0 and "4 statement(s) forwarded" in result.output
    path, headers, sent = lrs.received[-1]
    assert path == "/xapi/statements" and headers["x-experience-api-version"] == "1.0.3"
    assert headers["authorization"].startswith("Basic ")
    assert {s["id"]: s for s in sent} == stored  # as recorded: the name of that day
    # Forwarded statements are not sent again.
    assert runner.invoke(args=["lms", "xapi-forward"]).output.startswith("0 statement")
    assert len(lrs.received) == 1


def test_a_refused_statement_is_parked_and_the_others_go_through(db, runner, finished, lrs):
    rows = _stored(db)
    refused = rows[1]
    lrs.refuse = {refused.id}
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 0, result.output
    assert "3 statement(s) forwarded" in result.output
    assert f"parked {refused.id}" in result.output and "409" in result.output
    assert "1 statement(s) refused by the LRS and parked" in result.output
    db.session.expire_all()
    assert refused.forwarded_at is None and refused.parked_at is not None
    assert refused.parked_reason.startswith("LRS answered 409: {\"detail\": \"Differing")
    assert all(r.forwarded_at is not None for r in rows if r is not refused)
    # A parked statement leaves the queue: the next run sends nothing.
    assert runner.invoke(args=["lms", "xapi-forward"]).output.startswith("0 statement")
    listed = runner.invoke(args=["lms", "xapi-forward", "--list-parked"]).output
    assert f"parked {refused.id}" in listed and f"NIP {finished.nip}" in listed
    assert "1 statement(s) parked" in listed
    # Once the LRS takes it, a retry sends it.
    lrs.refuse = set()
    retried = runner.invoke(args=["lms", "xapi-forward", "--retry", refused.id])
    assert "1 parked statement(s) back in the queue" in retried.output
    assert "1 statement(s) forwarded" in retried.output
    db.session.expire_all()
    assert refused.forwarded_at is not None and refused.parked_at is None
    assert runner.invoke(args=["lms", "xapi-forward", "--list-parked"]).output == (
        "0 statement(s) parked\n")


@pytest.mark.parametrize("status", [503, 401, 429])
def test_a_down_lrs_or_wrong_settings_stop_the_run_and_park_nothing(db, runner, finished, lrs,
                                                                    status):
    lrs.status = status
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 1 and f"LRS answered {status}: busy" in result.output
    assert "stopped, the rest stays pending" in result.output
    db.session.expire_all()
    assert all(r.forwarded_at is None and r.parked_at is None for r in _stored(db))
    assert len(lrs.received) == 1  # the first answer stops it
    lrs.status = 200
    assert "4 statement(s) forwarded" in runner.invoke(args=["lms", "xapi-forward"]).output


def test_a_redirect_stops_the_run_rather_than_being_followed(db, runner, finished, lrs):
    lrs.status = 301
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 1, result.output
    assert ("LRS answered 301: redirects to https://lrs.example.go.id/xapi/statements; check "
            "the endpoint") in result.output
    db.session.expire_all()
    assert all(r.forwarded_at is None and r.parked_at is None for r in _stored(db))
    assert len(lrs.received) == 1


def test_an_unreachable_lrs_stops_the_run(db, app, runner, finished, lrs):
    app.config["XAPI_ENDPOINT"] = "http://127.0.0.1:9/xapi"  # discard: nothing listens
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 1 and "LRS not reached" in result.output
    db.session.expire_all()
    assert all(r.forwarded_at is None and r.parked_at is None for r in _stored(db))


def test_forwarding_needs_an_endpoint(app, runner):
    app.config["XAPI_ENDPOINT"] = None
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 1 and "LMS_XAPI_ENDPOINT is not set" in result.output


def test_batches_go_one_after_the_other_and_halve_around_a_refused_statement(
        app, db, finished, lrs):
    from lms.xapi.forwarding import ForwardReport, Lrs, forward_batch

    rows = _stored(db)
    lrs.refuse = {rows[0].id}
    client, report = Lrs(app.config["XAPI_ENDPOINT"], app.config["XAPI_AUTH"]), ForwardReport()
    while forward_batch(db.session, client, report, batch_size=3):
        db.session.commit()
    assert report.sent == 3 and [r.id for r in report.parked] == [rows[0].id]
    assert report.stopped is None
    sizes = [len(body) for _path, _headers, body in lrs.received]
    # The first batch (3), its halves until the refused one is alone, then the second (1).
    assert sizes[0] == 3 and sizes[-1] == 1 and len(sizes) <= 6
    assert {s["id"] for _p, _h, body in lrs.received for s in body} == {r.id for r in rows}
