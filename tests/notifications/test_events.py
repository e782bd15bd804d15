"""The notices `lms notify` makes when they fall due: a mandatory course due within 7 days,
overdue, and a manager's queue waiting too long; and what each kind says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select

from lms.competency.models import CompetencyEvidence
from lms.courses.services import get_current_version
from lms.learning.models import Enrollment
from lms.notifications.models import Notification
from lms.notifications.texts import KINDS, LINKS, PATHS, email_body, render, subject
from lms.planning.services import AssignmentTarget, assign_course
from lms.timeutil import today, utcnow


def _kinds(db, user):
    db.session.expire_all()
    return [(n.kind, n.params) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


@pytest.fixture
def course(db, make_course):
    make_course()
    return get_current_version(db.session, "kursus-uji").course


@pytest.fixture
def assign(db, course):
    def do(people, due_on, by):
        assign_course(db.session, course, AssignmentTarget(nips=tuple(p.nip for p in people)),
                      due_on, by, None)
        db.session.commit()

    return do


def test_due_soon_once_per_due_date(db, clock, org_tree, assign, run, course):
    citra, boss = org_tree["learner_a1"], org_tree["manager_a"]
    due = today() + timedelta(days=20)
    assign([citra], due, boss)
    assert run(send=False)[0].due_soon == 0  # 20 days ahead: not yet
    clock.advance(timedelta(days=13))  # 7 days before
    created, _report = run(send=False)
    assert created.due_soon == 1 and created.overdue == 0
    kind, params = _kinds(db, citra)[-1]
    assert kind == "due_soon" and params["days"] == 7
    with force_locale("id"):
        assert "tinggal 7 hari" in render(kind, params)
    clock.advance(timedelta(days=1))
    assert run(send=False)[0].due_soon == 0  # told once, not every day


def test_no_due_soon_for_an_assignment_made_inside_the_window(db, org_tree, assign, run):
    citra = org_tree["learner_a1"]
    assign([citra], today() + timedelta(days=3), org_tree["manager_a"])
    assert run(send=False)[0].due_soon == 0  # the assignment's own notice gave the date
    assert "due_soon" not in [k for k, _p in _kinds(db, citra)]


def test_overdue_once_and_not_when_completed(db, clock, org_tree, assign, run, course):
    citra, budi, boss = org_tree["learner_a1"], org_tree["learner_a"], org_tree["manager_a"]
    due = today() + timedelta(days=2)
    assign([citra, budi], due, boss)
    db.session.add(Enrollment(user_id=budi.id, course_id=course.id, completed_at=utcnow(),
                              completed_version=1))
    db.session.commit()
    clock.advance(timedelta(days=3))
    created, _report = run(send=False)
    assert created.overdue == 1
    assert _kinds(db, citra)[-1][0] == "overdue"
    assert "overdue" not in [k for k, _p in _kinds(db, budi)]  # done in time
    clock.advance(timedelta(days=1))
    assert run(send=False)[0].overdue == 0


def test_a_disabled_employee_is_not_told(db, clock, org_tree, assign, run):
    citra = org_tree["learner_a1"]
    assign([citra], today() + timedelta(days=1), org_tree["manager_a"])
    citra.active = False
    db.session.commit()
    clock.advance(timedelta(days=2))
    assert run(send=False)[0].overdue == 0


def test_queue_reminder_for_items_waiting_too_long(app, db, clock, org_tree, run):
    app.config["QUEUE_REMINDER_DAYS"] = 5
    db.session.add(CompetencyEvidence(user_id=org_tree["learner_a1"].id, competency_code="M.03",
                                      level=2, completed_at=utcnow()))
    db.session.commit()
    clock.advance(timedelta(days=5))
    assert run(send=False)[0].queue_waiting == 0  # not more than 5 days yet
    clock.advance(timedelta(days=1, hours=1))
    created, _report = run(send=False)
    # Citra's managers up the tree and the admin (agency-wide) are reminded; not Kabid B.
    reminded = {n.user_id for n in db.session.scalars(
        select(Notification).where(Notification.kind == "queue_waiting"))}
    assert reminded == {org_tree[k].id for k in ("manager_a", "manager_root", "admin")}
    assert created.queue_waiting == 3
    kind, params = _kinds(db, org_tree["manager_a"])[-1]
    assert params == {"count": 1, "days": 5}
    with force_locale("id"):
        text = render(kind, params)
    assert text == "1 item di daftar Perlu tindakan sudah menunggu lebih dari 5 hari."
    clock.advance(timedelta(days=4))
    assert run(send=False)[0].queue_waiting == 0  # at most one reminder per 5 days
    clock.advance(timedelta(days=1, hours=1))
    assert run(send=False)[0].queue_waiting == 3  # still waiting: reminded again
    app.config["QUEUE_REMINDER_DAYS"] = 0
    clock.advance(timedelta(days=30))
    assert run(send=False)[0].queue_waiting == 0  # 0 turns the reminder off


def test_every_kind_has_a_subject_and_a_page_in_both_languages(app):
    params = {"course": "K", "due_on": "2026-07-01", "old_due_on": "2026-06-01", "days": 3,
              "item": "evidence", "title": "T", "by": "B", "reason": "R", "count": 2}
    with app.test_request_context():
        for kind in KINDS:
            assert PATHS[LINKS[kind]] == url_for(LINKS[kind])
            with force_locale("en"):
                english = subject(kind, params), render(kind, params)
            with force_locale("id"):
                indonesian = subject(kind, params), render(kind, params)
            assert english[0] != indonesian[0] and english[1] != indonesian[1], kind
            assert kind not in english, kind
            with force_locale("en"):
                body = email_body(kind, params, "Name", "https://lms.example/")
            assert body.startswith("Dear Name,") and "Open: https://lms.example/" in body
