"""Two `lms notify` runs at the same moment (as two cron entries or two hosts would start
them) create each time-based notice once and send each e-mail once. On PostgreSQL the runs
really overlap: the claim's row locks (FOR UPDATE SKIP LOCKED) and the unique (user, key)
keep them apart; SQLite serialises the writers itself."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from lms.courses.services import get_current_version
from lms.notifications.jobs import run_notify
from lms.notifications.models import Notification
from lms.notifications.services import notify
from lms.planning.services import AssignmentTarget, assign_course
from lms.timeutil import today

PEOPLE = 12
RUNS = 3


def _concurrent_runs(app, count: int = 2):
    """``count`` runs of ``lms notify`` started together, each with its own connection."""
    barrier, results, errors = threading.Barrier(count), [], []

    def one() -> None:
        try:
            with app.app_context():
                from lms.extensions import db

                barrier.wait(timeout=30)
                results.append(run_notify(db.session, app.config, today()))
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (reported by the test below)
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_runs_at_once_create_and_send_each_notice_once(app, db, clock, smtp, mail_user,
                                                           make_unit, make_course):
    unit = make_unit()
    manager = mail_user("manager", unit, name="Kepala")
    people = [mail_user("learner", unit) for _ in range(PEOPLE)]
    make_course()
    course = get_current_version(db.session, "kursus-uji").course
    day = today()
    for round_ in range(RUNS):
        clock.set(clock.start + timedelta(days=30 * round_))
        day = today()
        # Half the people's course is overdue, the other half's falls due in 5 days (both
        # assigned a month ahead of time), and each person has a validation notice waiting.
        clock.set(clock() - timedelta(days=30))
        assign_course(db.session, course, AssignmentTarget(nips=tuple(
            p.nip for p in people[: PEOPLE // 2])), day - timedelta(days=10), manager, None)
        assign_course(db.session, course, AssignmentTarget(nips=tuple(
            p.nip for p in people[PEOPLE // 2:])), day + timedelta(days=5), manager, None)
        clock.set(clock.start + timedelta(days=30 * round_))
        for person in people:
            notify(db.session, person, "validated", f"evidence:{person.id}:{round_}",
                   {"item": "evidence", "title": "M.03", "by": "Kepala"})
        db.session.commit()
        smtp.delay = 0.02  # each message takes a moment: the two runs overlap
        _concurrent_runs(app)
    db.session.expire_all()
    notices = db.session.scalars(select(Notification)).all()
    keys = Counter((n.user_id, n.key) for n in notices)
    assert max(keys.values()) == 1
    kinds = Counter(n.kind for n in notices)
    # Per round: a validation and an overdue or due-soon notice for everyone, and the
    # manager's queue reminder (plus whatever assigning told at once).
    assert kinds["overdue"] == RUNS * PEOPLE // 2 and kinds["due_soon"] == RUNS * PEOPLE // 2
    assert kinds["validated"] == RUNS * PEOPLE and kinds["queue_waiting"] == RUNS
    assert {n.email_status for n in notices} == {"sent"}
    sent = Counter(m["X-Kelas-ASN-Notification"] for m in smtp.messages)
    assert len(sent) == len(notices) and set(sent.values()) == {1}
    assert db.session.scalar(select(func.max(Notification.email_attempts))) == 1
