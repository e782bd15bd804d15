"""Two managers deciding the same plan, two colleagues supporting (or one colleague twice)
and two plans started for the same employee and year at the same moment (real threads, own
sessions, PostgreSQL: READ COMMITTED lets each miss the other's uncommitted rows; SQLite
refuses a writer that lost the race instead of queueing it, so these are not run there)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.audit.models import AuditEvent
from lms.notifications.models import Notification
from lms.planning.aspirations import AspirationInput, SupportRefused, propose, support
from lms.planning.models import Aspiration, AspirationSupport, DevelopmentPlan
from lms.planning.plans import (ItemInput, PlanStateError, add_items, create_plan,
                                decide_plan, submit_plan)


def _together(app, work, n: int = 2) -> tuple[list, list]:
    barrier, results, errors = threading.Barrier(n), [], []

    def run(index):
        with app.app_context():
            from lms.extensions import db

            with Session(db.engine) as session:
                try:
                    barrier.wait()
                    results.append(work(session, index))
                    session.commit()
                except Exception as exc:  # counted by the caller
                    errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are a PostgreSQL matter (see the docstring)")


def test_two_managers_approve_once(app, db, org):
    person = org["learner_a1"]
    plan = create_plan(db.session, person, person, 2026)
    add_items(db.session, plan, [ItemInput("M.03", "mentoring", None, "M", date(2026, 6, 1), 4)])
    submit_plan(db.session, plan)
    db.session.commit()
    managers = [org["manager_a"].id, org["manager_root"].id]

    def approve(session, index):
        return decide_plan(session, session.get(DevelopmentPlan, plan.id),
                           session.get(User, managers[index]), approve=True)

    results, errors = _together(app, approve)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], PlanStateError)
    db.session.expire_all()
    assert db.session.get(DevelopmentPlan, plan.id).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "plan.approved")) == 1


def test_one_support_per_person_and_one_plan_per_year(app, db, org):
    aspiration = propose(db.session, org["learner_a1"], AspirationInput("T", "M.03", "R", 2))
    db.session.commit()
    supporter = org["learner_a"].id

    def back(session, _index):
        return support(session, session.get(Aspiration, aspiration.id),
                       session.get(User, supporter))

    results, errors = _together(app, back)
    assert len(results) + len(errors) == 2
    assert all(isinstance(e, SupportRefused) or "unique" in str(e).lower() or
               "duplicate" in str(e).lower() for e in errors)
    assert db.session.scalar(select(func.count()).select_from(AspirationSupport)) == 1

    person = org["learner_b"].id

    def start(session, _index):
        employee = session.get(User, person)
        return create_plan(session, employee, employee, 2026).id

    results, errors = _together(app, start)
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlan).where(
        DevelopmentPlan.user_id == person)) == 1
    assert len(results) + len(errors) == 2
