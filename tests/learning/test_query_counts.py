"""What a learner's request costs the database: published versions come from the version
cache, the learner's own rows in as few queries as the page needs, no write when nothing
changed. Counted as in production, where every request starts with an empty session."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, inspect, select

from lms.auth.models import ApiToken
from lms.auth.services import create_token
from lms.courses.cache import version_cache
from lms.courses.importer import import_packages
from lms.timeutil import utcnow
from tests.conftest import PASSING_ANSWERS, write_course


@pytest.fixture
def run(db):
    """Run a request with an empty session (as a new request has) and return its response
    and the SQL statements it sent."""

    def do(send):
        statements: list[str] = []

        def keep(_conn, _cursor, statement, *_args):
            statements.append(statement)

        db.session.expunge_all()
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            response = send()
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        return response, statements

    return do


@pytest.fixture
def learner(client, db, make_user, login, make_course):
    """A learner enrolled in a course who has opened its first lesson, and an API token."""
    slug = make_course()
    user = make_user()
    login(user)
    client.post(f"/kursus/{slug}/daftar")
    client.get(f"/kursus/{slug}/materi/pengantar")
    token = create_token(db.session, user)
    db.session.commit()
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})  # last use noted
    return slug, {"Authorization": f"Bearer {token}"}


def _writes(statements):
    return [s for s in statements if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE",
                                                                        "DELETE", "WITH")]


def _written(statements) -> list[str]:
    """The tables written, in order (several in one statement on PostgreSQL)."""
    return [table for s in _writes(statements)
            for table in re.findall(r"(?:INSERT INTO|UPDATE) (\w+)", s)]


def _one_statement_inserts(db) -> bool:
    """On PostgreSQL an attempt and its xAPI statement are inserted by one statement."""
    return db.engine.dialect.name == "postgresql"


def test_learner_pages_read_the_version_from_the_cache_in_a_few_queries(client, run, learner):
    slug, api = learner
    # The user (with its roles and unread count) and, in the same query, the course with the
    # enrolment (and the learner's done items, but for the quiz page); the course page also
    # reads the names of its competencies, the quiz page the learner's attempts.
    for path, count in ((f"/kursus/{slug}/materi/pengantar", 1), (f"/kursus/{slug}", 2),
                        (f"/kursus/{slug}/kuis/kuis", 2)):
        response, statements = run(lambda p=path: client.get(p))
        assert response.status_code == 200, path
        assert len(statements) == count, (path, statements)
        assert not _writes(statements), path
        assert not any("FROM items" in s or "FROM modules" in s for s in statements), path
    response, statements = run(lambda: client.get(f"/api/v1/lessons/{slug}.pengantar",
                                                  headers=api))
    assert response.status_code == 200 and response.json["completed"] is False
    assert len(statements) == 3 and not _writes(statements), statements


def test_opening_another_lesson_writes_the_resume_position_once(client, run, learner):
    slug, _api = learner
    _response, statements = run(lambda: client.get(f"/kursus/{slug}/materi/lanjutan"))
    assert len(_writes(statements)) == 1 and "last_item_key" in _writes(statements)[0]
    _response, statements = run(lambda: client.get(f"/kursus/{slug}/materi/lanjutan"))
    assert not _writes(statements)


def test_a_quiz_submission_is_one_transaction_without_reloading_the_version(client, db, run,
                                                                            learner):
    slug, _api = learner
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1)}
    form.update({f"q-{qid}": answer for qid, answer in PASSING_ANSWERS.items()})
    response, statements = run(lambda: client.post(f"/kursus/{slug}/kuis/kuis", data=form))
    assert response.status_code == 302
    assert not any("FROM items" in s or "FROM modules" in s for s in statements)
    # user, course + enrolment + attempts used (and a retry's attempt), the attempt, its xAPI
    # statement, then the completion check under the enrolment's lock: the lock, the current
    # version, the learner's rows. No savepoint: on SQLite its release would commit the attempt
    # before the xAPI statement (two commits, not one transaction).
    assert len(statements) == 7 - _one_statement_inserts(db), statements
    assert not any(s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")) for s in statements)
    assert _written(statements) == ["attempts", "xapi_statements"]
    # The retry of the same form returns the first attempt and writes nothing.
    response2, statements = run(lambda: client.post(f"/kursus/{slug}/kuis/kuis", data=form))
    assert response2.headers["Location"] == response.headers["Location"]
    assert not _writes(statements)


def test_an_api_quiz_submission_reads_in_two_queries_and_a_retry_writes_nothing(client, db,
                                                                                 run, learner):
    slug, api = learner
    headers = {**api, "Idempotency-Key": "versuch-1"}

    def submit():
        return client.post(f"/api/v1/quizzes/{slug}.kuis/attempts", headers=headers,
                           json={"answers": {}})

    response, statements = run(submit)
    assert response.status_code == 201 and response.json["passed"] is False
    # The token with its user, the course with the enrolment and the attempts so far (with
    # the attempt of this key, if any), the attempt, its xAPI statement (on PostgreSQL in the
    # attempt's statement): no savepoint, no flush of anything else.
    assert len(statements) == 4 - _one_statement_inserts(db), statements
    assert _written(statements) == ["attempts", "xapi_statements"]
    retry, statements = run(submit)
    assert retry.status_code == 201 and retry.json == response.json
    # The token, the course with the attempts (this key's among them), the attempt of the key.
    assert len(statements) == 3 and not _writes(statements), statements


def test_an_api_submission_notes_the_token_use_in_its_own_commit(client, db, run, learner):
    slug, api = learner
    token = db.session.scalar(select(ApiToken))
    token.last_used_at = utcnow() - timedelta(minutes=2)  # due for its once-a-minute note
    db.session.commit()
    commits: list[bool] = []

    def count(_conn):
        commits.append(True)

    event.listen(db.engine, "commit", count)
    try:
        response, statements = run(lambda: client.post(
            f"/api/v1/quizzes/{slug}.kuis/attempts", headers={**api, "Idempotency-Key": "k-1"},
            json={"answers": {}}))
    finally:
        event.remove(db.engine, "commit", count)
    assert response.status_code == 201
    # The token's last use goes first (its row is locked before anything else) and in the
    # attempt's commit: one commit, not one for the token and one for the attempt.
    assert _written(statements) == ["api_tokens", "attempts", "xapi_statements"]
    assert len(commits) == 1
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at > utcnow() - timedelta(minutes=1)


def test_cached_versions_stay_detached_and_a_new_version_replaces_the_old(
        app, client, db, run, learner, tmp_path):
    slug, api = learner
    client.get(f"/kursus/{slug}/materi/pengantar")
    client.get(f"/api/v1/quizzes/{slug}.kuis", headers=api)
    cache = version_cache()
    assert cache._entries and all(inspect(entry.version).detached
                                  for entry in cache._entries.values())
    folder = write_course(tmp_path / "v2", slug, lesson_body="Isi pengantar yang baru.")
    import_packages(db.session, [folder])
    db.session.commit()
    page = client.get(f"/kursus/{slug}/materi/pengantar").get_data(as_text=True)
    assert "Isi pengantar yang baru" in page


def test_the_cache_is_bounded_by_the_size_of_what_it_holds(app, client, db, make_course,
                                                           make_user, login):
    cache = version_cache()
    cache.max_bytes = 1  # keeps only the version used last
    slugs = [make_course(f"kursus-{n}") for n in range(3)]
    login(make_user())
    for slug in slugs:
        assert client.get(f"/kursus/{slug}").status_code == 200
    assert len(cache._entries) == 1
    assert [entry.version.course.slug for entry in cache._entries.values()] == [slugs[-1]]


def test_a_submitted_score_reads_as_the_stored_number(client, db, learner):
    """The attempt a submission returns carries the score as a float (SQLite stores a
    whole-number REAL as an integer), as the API and the offline sync show it."""
    slug, api = learner
    quiz = client.get(f"/api/v1/quizzes/{slug}.kuis", headers=api).json
    answer = client.post(f"/api/v1/quizzes/{quiz['id']}/attempts", headers=api,
                         json={"answers": PASSING_ANSWERS})
    assert answer.status_code == 201 and answer.json["score"] == 100.0
    assert isinstance(answer.json["score"], float)
