"""Forwarding to a real Learning Record Store: Ralph (PyPI ``ralph-malph``, its filesystem
backend), run on a free local port from its own virtualenv (``make test-deps`` makes
``.venv-ralph``). The LRS validates each statement, and holds every one of them after a rename;
one it refuses is parked while the others go through."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.xapi.models import XapiStatement
from tests.xapi.flow import sign_in, work_through_course

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = Path(os.environ.get("LMS_TEST_RALPH_VENV", ROOT / ".venv-ralph"))
LAUNCHER = Path(__file__).with_name("ralph_lrs.py")
USER, PASSWORD = "kelasasn", "rahasia-lrs"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (RALPH_VENV / "bin" / "ralph").exists(),
    reason=f"Ralph LRS is not installed in {RALPH_VENV} (make test-deps installs it)")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ralph(tmp_path):
    """Ralph serving the LRS API on a free port; yields its xAPI endpoint."""
    env = {**os.environ, "RALPH_AUTH_FILE": str(tmp_path / "auth.json"),
           "RALPH_APP_DIR": str(tmp_path / "app"), "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(tmp_path / "lrs")}
    (tmp_path / "lrs").mkdir()
    ralph_bin = str(RALPH_VENV / "bin" / "ralph")
    subprocess.run([ralph_bin, "auth", "--username", USER, "--password", PASSWORD,
                    "--scope", "all", "--agent-ifi-mbox", "mailto:lrs@kelas.example.go.id",
                    "--write-to-disk"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = (tmp_path / "ralph.log").open("w")
    server = subprocess.Popen([str(RALPH_VENV / "bin" / "python"), str(LAUNCHER),
                               "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}/xAPI"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__lbheartbeat__", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail("Ralph did not start:\n" + (tmp_path / "ralph.log").read_text())
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _request(url: str, method: str = "GET", body=None):
    request = urllib.request.Request(url, method=method, headers={
        "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()},
        data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def _held(endpoint: str) -> dict[str, dict]:
    """Every statement the LRS holds, by id (GET /statements, following ``more``)."""
    held, url = {}, f"{endpoint}/statements?limit=100"
    while url:
        page = _request(url)
        held.update({s["id"]: s for s in page["statements"]})
        more = page.get("more")
        url = f"{endpoint.rsplit('/xAPI', 1)[0]}{more}" if more else None
    return held


def _as_sent(statement: dict) -> dict:
    """What Kelas ASN sent of a statement the LRS returns (it adds stored, authority…)."""
    return {k: v for k, v in statement.items() if k not in ("stored", "authority", "version")}


@pytest.fixture
def learners(app, client, make_user, login, make_course, clock, ralph):
    """Two learners who worked through the course (8 statements), and the LRS's endpoint."""
    app.config.update(XAPI_ENDPOINT=ralph, XAPI_AUTH=f"{USER}:{PASSWORD}",
                      BASE_URL="https://kelas.example.go.id")
    slug = make_course()
    people = [make_user(name="Siti Rahma"), make_user(name="Made Wirawan")]
    for person in people:
        sign_in(client, login, person)
        work_through_course(client, slug, clock)
    return people


def _stored(db) -> dict[str, dict]:
    return {r.id: r.statement for r in db.session.scalars(select(XapiStatement))}


def test_the_lrs_holds_every_statement_as_recorded_also_after_a_rename(
        db, runner, client, login, clock, make_course, learners, ralph):
    first = runner.invoke(args=["lms", "xapi-forward"])
    assert first.exit_code == 0 and "8 statement(s) forwarded" in first.output, first.output
    held = _held(ralph)
    assert {i: _as_sent(s) for i, s in held.items()} == _stored(db)
    quiz = next(s for s in held.values() if "/kuis/" in s["object"]["id"])
    assert quiz["context"]["contextActivities"]["parent"][0]["id"].endswith("/kursus/kursus-uji")
    assert quiz["result"]["duration"] == "PT7M"

    # Renamed: a statement sent again (its answer lost on the way) is the same statement,
    # which the LRS takes; what the learner does now carries the new name.
    siti = learners[0]
    siti.name = "Siti Rahma Wulandari"
    again = db.session.scalars(select(XapiStatement).where(XapiStatement.user_id == siti.id)
                               ).first()
    again.forwarded_at = None
    db.session.commit()
    sign_in(client, login, siti)
    work_through_course(client, make_course("kursus-dua"), clock)
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 0 and "5 statement(s) forwarded" in result.output, result.output
    assert "parked" not in result.output
    held = _held(ralph)
    assert {i: _as_sent(s) for i, s in held.items()} == _stored(db)  # 12, none lost
    assert held[again.id]["actor"]["name"] == "Siti Rahma"
    assert {s["actor"]["name"] for s in held.values() if "kursus-dua" in s["object"]["id"]} == {
        "Siti Rahma Wulandari"}


def test_a_statement_the_lrs_refuses_is_parked_and_the_others_go_through(
        db, runner, learners, ralph):
    stored = _stored(db)
    # The LRS already holds, under one of our ids, a statement with other content (as an older
    # Kelas ASN sent it, rebuilt with the learner's name of that day): it refuses ours.
    clash_id = next(i for i, s in stored.items() if s["actor"]["name"] == "Made Wirawan")
    _request(f"{ralph}/statements", "POST", [{**stored[clash_id], "actor": {
        **stored[clash_id]["actor"], "name": "Made Wirawan, S.Kom."}}])
    result = runner.invoke(args=["lms", "xapi-forward"])
    assert result.exit_code == 0, result.output
    assert "7 statement(s) forwarded" in result.output
    assert f"parked {clash_id}" in result.output and "LRS answered 409" in result.output
    db.session.expire_all()
    parked = db.session.get(XapiStatement, clash_id)
    assert parked.parked_at is not None and parked.forwarded_at is None
    assert parked.parked_reason.startswith("LRS answered 409")
    held = _held(ralph)
    assert set(held) == set(stored)  # the other seven went through
    assert held[clash_id]["actor"]["name"] == "Made Wirawan, S.Kom."  # the LRS's copy stands
    assert all(_as_sent(held[i]) == s for i, s in stored.items() if i != clash_id)
