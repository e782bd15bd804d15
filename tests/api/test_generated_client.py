"""A client generated from the OpenAPI document by a real generator (openapi-python-client,
run offline into tmp_path) calls the main endpoints of a live server with a token: every
operation has an operationId, JSON and CSV are separate operations, the spec's bounds are the
server's, and a 405 names the allowed methods."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from lms.api.openapi import openapi_document
from lms.courses.importer import quiz_from_item
from lms.courses.services import find_item, get_current_version
from lms.demo_activity import correct_answers
from lms.timeutil import local_date, utcnow
from tests.e2e.conftest import live_server  # noqa: F401  (the fixture: a real HTTP server)

BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
# The generator's own option for media types it has no reader of: a PDF is bytes, a VC-JWT
# text (the document names them exactly; the client reads them as these).
CONFIG = {"content_type_overrides": {"application/pdf": "application/octet-stream",
                                     "application/vc+jwt": "text/plain"}}


def test_every_operation_has_an_id_and_one_media_type_per_response():
    document = openapi_document()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) == sum(len(p) for p in document["paths"].values())
    for path in document["paths"].values():
        for operation in path.values():
            for response in operation["responses"].values():
                assert len(response.get("content", {"": 0})) == 1
    year = document["components"]["parameters"]["year"]["schema"]
    assert year["maximum"] == local_date(utcnow()).year + 1 and year["minimum"] == 2000


@pytest.fixture
def generated(tmp_path, monkeypatch):
    """The generated package, imported (generation takes a few seconds, offline)."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi_document()))
    config = tmp_path / "config.json"
    config.write_text(json.dumps(CONFIG))
    out = tmp_path / "kelas_asn_client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(GENERATOR), "generate", "--path", str(spec), "--meta", "none",
                           "--config", str(config), "--output-path", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout, done.stdout  # every operation and response generated
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("kelas_asn_client")
    for name in [n for n in sys.modules if n.split(".")[0] == "kelas_asn_client"]:
        del sys.modules[name]


@pytest.mark.slow  # generates and imports a client
def test_a_generated_client_calls_the_main_endpoints(db, generated, live_server, org_tree,  # noqa: F811
                                                     make_course, token_for):
    from kelas_asn_client import AuthenticatedClient
    from kelas_asn_client.api.default import (complete_lesson, enrol, get_course,
                                              get_employee_profile, get_me, get_my_progress,
                                              get_quiz, get_unit_needs, get_unit_report,
                                              get_unit_report_csv, list_courses,
                                              list_notifications, submit_attempt)
    from kelas_asn_client.models import AttemptRequest, AttemptRequestAnswers, Error

    make_course("kursus-uji")
    learner, manager = org_tree["learner_a1"], org_tree["manager_a"]
    api = AuthenticatedClient(base_url=f"{live_server}/api/v1", token=token_for(learner),
                              raise_on_unexpected_status=True)
    me = get_me.sync(client=api)
    assert me.nip == learner.nip and me.unit.code == "SEK-A1"
    assert [c.slug for c in list_courses.sync(client=api)] == ["kursus-uji"]
    assert enrol.sync("kursus-uji", client=api).enrolled is True
    detail = get_course.sync("kursus-uji", client=api)
    items = [item for module in detail.modules for item in module.items]
    for item in items:
        if item.type_ == "lesson":
            assert complete_lesson.sync(item.id, client=api).completed is True
            continue
        quiz = get_quiz.sync(item.id, client=api)
        stored = quiz_from_item(find_item(get_current_version(db.session, "kursus-uji"),
                                          item.id.split(".", 1)[1]))
        assert {q.id for q in quiz.questions} == {q.id for q in stored.questions}
        body = AttemptRequest(answers=AttemptRequestAnswers.from_dict(correct_answers(stored)))
        result = submit_attempt.sync(item.id, client=api, body=body)
        assert result.passed is True and result.score == 100
    assert {"lesson", "quiz"} <= {item.type_ for item in items}
    progress = get_my_progress.sync(client=api)
    assert progress[0].slug == "kursus-uji" and progress[0].percent == 100
    profile = get_employee_profile.sync(learner.nip, client=api)
    assert profile.jp.attained > 0 and profile.nip == learner.nip
    assert isinstance(list_notifications.sync(client=api), list)
    # Bounds in the spec are the server's: a year past next year is a 400 the client reads.
    too_late = get_employee_profile.sync(learner.nip, client=api,
                                         year=local_date(utcnow()).year + 2)
    assert isinstance(too_late, Error) and too_late.error.code == "invalid_year"

    boss = AuthenticatedClient(base_url=f"{live_server}/api/v1", token=token_for(manager),
                               raise_on_unexpected_status=True)
    report = get_unit_report.sync("BID-A", client=boss)
    assert {e.name: e.jp for e in report.employees}["Citra"] == profile.jp.attained
    csv_answer = get_unit_report_csv.sync_detailed("BID-A", client=boss)
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert csv_answer.content.decode().startswith("nip,name,unit,")
    assert get_unit_needs.sync("BID-A", client=boss).unit.code == "BID-A"
    assert isinstance(get_unit_report.sync("BID-A", client=api), Error)  # a learner: 403


def test_a_405_names_the_allowed_methods(live_server, org_tree, token_for):  # noqa: F811
    headers = {"Authorization": f"Bearer {token_for(org_tree['learner_a'])}"}
    answer = httpx.delete(f"{live_server}/api/v1/me", headers=headers)
    assert answer.status_code == 405 and answer.json()["error"]["code"] == "method_not_allowed"
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    answer = httpx.get(f"{live_server}/api/v1/courses/kursus-uji/enrol", headers=headers)
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
