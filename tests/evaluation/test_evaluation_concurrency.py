"""Two answers to the same questionnaire at the same moment: one is stored, the other is
refused (real threads, own sessions, PostgreSQL only — see
tests/planning/test_plan_concurrency.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.evaluation.models import TransferResponse
from lms.evaluation.questions import default_questions
from lms.evaluation.transfer import AlreadyAnswered, get_open_completion, submit_answers
from lms.timeutil import today
from tests.planning.test_plan_concurrency import _together


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are a PostgreSQL matter")


@pytest.mark.parametrize("role, who", [("learner", ("learner_a", "learner_a")),
                                       ("supervisor", ("manager_a", "manager_root"))])
def test_a_second_answer_at_the_same_moment_is_refused(app, db, org_tree, transfer_course,
                                                       complete, clock, role, who):
    transfer_course()
    enrollment = complete(org_tree["learner_a"])
    clock.set(datetime(2026, 6, 17, 3, 0, tzinfo=UTC) + timedelta(days=61))
    people = [org_tree[name].id for name in who]
    with app.test_request_context():
        questions = default_questions(role)

    def answer(session, index):
        completion = get_open_completion(session, enrollment.id, today())
        return submit_answers(session, completion, role, session.get(User, people[index]),
                              questions, [str(index + 3), "4", ""])

    results, errors = _together(app, answer)
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], AlreadyAnswered)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TransferResponse)) == 1
