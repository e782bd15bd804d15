"""Course completion under real concurrent requests: exactly once, never missed.

Each round takes a learner whose only open items are the last lesson and the quiz and sends,
released together by a barrier, the lesson completion and the passing quiz attempt through
the HTML pages and the API in every combination; in half of the rounds each is sent twice,
as a retry or a second tab would (a late retry sees the first's commit, so only the rounds
without one prove that nothing is missed). On PostgreSQL (READ COMMITTED) each transaction misses the other's uncommitted
row unless the completion decision is serialised per enrolment.

Left to chance, that window (both rows inserted, neither committed) is a few microseconds wide
and a broken service would pass most runs; so on PostgreSQL the first lesson insert and the
first attempt insert of a round wait for each other right after their flush, which makes the
dangerous interleaving happen in every round. SQLite serialises writers itself: there the
waiting is off (the second insert could not run while the first transaction is open)."""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
from sqlalchemy import event, func, select

from lms.auth.services import create_token
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.courses.importer import import_packages
from lms.courses.services import find_item, get_current_version
from lms.learning.models import Enrollment, LessonCompletion
from lms.learning.services import complete_lesson
from lms.quizzes.models import Attempt
from lms.xapi.models import XapiStatement
from tests.conftest import PASSING_ANSWERS, write_course

ROUNDS = 32


def _html_client(app, user):
    """A test client signed in as ``user`` (the session cookie, without a password check)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def _quiz_form(client, slug: str) -> dict:
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1)}
    form.update({f"q-{qid}": answer for qid, answer in PASSING_ANSWERS.items()})
    return form


class _Rendezvous:
    """Makes the first new lesson completion and the first new attempt of a round wait for
    each other right after their INSERT (before either transaction decides or commits)."""

    TABLES = ("lesson_completions", "attempts")

    def __init__(self) -> None:
        self.inserted = {table: threading.Event() for table in self.TABLES}

    def after_execute(self, _conn, _cursor, statement, *_args) -> None:
        """Engine hook: signal this table's insert, then wait a moment for the other's. On the
        SQL sent, not on the ORM's flush: an attempt is inserted by a Core statement, on
        PostgreSQL inside a ``WITH`` (with its xAPI statement)."""
        for table, other in (self.TABLES, self.TABLES[::-1]):
            if f"INSERT INTO {table} " in statement:
                self.inserted[table].set()
                self.inserted[other].wait(timeout=5)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    """Many learners are created here and none signs in with a password: hash cheaply."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("lms.auth.services._hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def rendezvous(db):
    """A fresh ``_Rendezvous`` per round (call it), listening only on PostgreSQL."""
    current: list[_Rendezvous] = []

    def hook(*args):
        if current:
            current[0].after_execute(*args)

    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        event.listen(db.engine, "after_cursor_execute", hook)

    def new_round() -> None:
        current[:] = [_Rendezvous()]

    yield new_round
    if postgres:
        event.remove(db.engine, "after_cursor_execute", hook)


def _race(requests) -> list[int]:
    """Send the requests from one thread each, released together; their status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def run(n: int) -> None:
        barrier.wait()
        statuses[n] = requests[n]().status_code

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _learner_with_two_items_left(app, db, slug, make_user, unit):
    """A learner enrolled with the first lesson done: the last lesson and the quiz remain."""
    user = make_user(unit=unit)
    version = get_current_version(db.session, slug)
    complete_lesson(db.session, user, version, find_item(version, "pengantar"))
    db.session.commit()
    return user


def _per_learner(db, model, *where) -> Counter:
    return Counter(dict(db.session.execute(
        select(model.user_id, func.count()).where(*where).group_by(model.user_id)).all()))


def test_last_lesson_and_passing_quiz_at_once_complete_the_course_exactly_once(
        app, db, make_course, make_unit, make_user, rendezvous):
    slug = make_course()
    unit = make_unit()
    learners = []
    for n in range(ROUNDS):
        user = _learner_with_two_items_left(app, db, slug, make_user, unit)
        learners.append(user.id)
        lesson_html, quiz_html = n % 2 == 1, n % 4 >= 2
        token = create_token(db.session, user)
        db.session.commit()
        api = {"Authorization": f"Bearer {token}"}
        clients = [_html_client(app, user) for _ in range(4)]
        # The token's first use writes its last-use time: done here, or the second API request
        # of the race would wait for the first's commit on the token's row, and not race.
        clients[0].get("/api/v1/me", headers=api)
        if lesson_html:
            lesson = [lambda c=c: c.post(f"/kursus/{slug}/materi/lanjutan/selesai")
                      for c in clients[:2]]
        else:
            lesson = [lambda c=c: c.post(f"/api/v1/lessons/{slug}.lanjutan/complete", headers=api)
                      for c in clients[:2]]
        if quiz_html:
            form = _quiz_form(clients[2], slug)  # one started quiz, submitted twice
            quiz = [lambda c=c: c.post(f"/kursus/{slug}/kuis/kuis", data=form)
                    for c in clients[2:]]
        else:
            retry = {**api, "Idempotency-Key": f"round-{n}"}
            quiz = [lambda c=c: c.post(f"/api/v1/quizzes/{slug}.kuis/attempts", headers=retry,
                                       json={"answers": PASSING_ANSWERS})
                    for c in clients[2:]]
        rendezvous()
        retries = [lesson[1], quiz[1]] if n % 8 >= 4 else []
        statuses = _race([lesson[0], quiz[0], *retries])
        assert all(status in (200, 201, 302) for status in statuses), (n, statuses)

    db.session.rollback()
    everyone = Counter({user_id: 1 for user_id in learners})
    completed = db.session.scalars(
        select(Enrollment.user_id).where(Enrollment.completed_at.is_not(None))).all()
    assert sorted(completed) == sorted(learners), "completions lost"
    assert _per_learner(db, JpLedgerEntry) == everyone
    assert _per_learner(db, CompetencyEvidence) == Counter({u: 2 for u in learners})
    assert _per_learner(db, XapiStatement, XapiStatement.activity_type == "course") == everyone
    assert _per_learner(db, XapiStatement, XapiStatement.activity_type == "lesson") == Counter(
        {u: 2 for u in learners})  # a retried or racing lesson is recorded once
    assert _per_learner(db, Attempt) == everyone
    assert _per_learner(db, LessonCompletion) == Counter({u: 2 for u in learners})


def test_a_new_version_published_during_the_last_lesson_never_loses_the_completion(
        app, db, make_course, make_unit, make_user, tmp_path):
    """Version 2 drops the quiz while learners send their last lesson: whichever commits
    first, each learner ends completed exactly once (by the lesson or by the publishing)."""
    slug = make_course()
    unit = make_unit()
    learners = [_learner_with_two_items_left(app, db, slug, make_user, unit).id
                for _ in range(8)]
    folder = write_course(tmp_path / "v2", slug)
    (folder / "01-dasar" / "03-kuis.quiz.md").unlink()
    tokens = {}
    for user_id in learners:
        from lms.auth.models import User

        tokens[user_id] = create_token(db.session, db.session.get(User, user_id))
    db.session.commit()

    def publish():
        with app.app_context():
            from lms.extensions import db as local

            import_packages(local.session, [folder])
            local.session.commit()
            local.session.remove()

            class Done:
                status_code = 200

            return Done()

    def lesson(user_id):
        client = app.test_client()
        return lambda: client.post(f"/api/v1/lessons/{slug}.lanjutan/complete",
                                   headers={"Authorization": f"Bearer {tokens[user_id]}"})

    statuses = _race([publish, *(lesson(u) for u in learners)])
    assert all(status == 200 for status in statuses), statuses
    db.session.rollback()
    completed = db.session.scalars(
        select(Enrollment.user_id).where(Enrollment.completed_at.is_not(None))).all()
    assert sorted(completed) == sorted(learners)
    assert _per_learner(db, JpLedgerEntry) == Counter({u: 1 for u in learners})
