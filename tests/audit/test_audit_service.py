"""The audit trail service: append, refuse changes, filter, page, export and prune."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent, AuditTampering
from lms.audit.services import (AuditFilter, audit_csv_rows, list_audit_events,
                                prune_audit_events, record_audit)
from tests.spreadsheet import nip_cell


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_records_who_what_and_where(db, make_user):
    admin = make_user("admin")
    event = record_audit(db.session, "user.role_changed", actor=admin, target_type="user",
                         target_id=42, details={"from": "learner", "to": "manager"},
                         remote="10.0.0.7")
    db.session.commit()
    stored = db.session.get(AuditEvent, event.id)
    assert (stored.actor_id, stored.actor_nip, stored.action) == (admin.id, admin.nip,
                                                                  "user.role_changed")
    assert (stored.target_type, stored.target_id, stored.remote) == ("user", "42", "10.0.0.7")
    assert stored.details == {"from": "learner", "to": "manager"}


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        record_audit(db.session, "user.deleted_quietly")
    assert _count(db) == 0


def test_events_cannot_be_changed_or_deleted_through_the_orm(db):
    event = record_audit(db.session, "login.failed", actor_nip="123", remote="1.2.3.4")
    db.session.commit()
    event.action = "user.created"
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditTampering):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "login.failed"


def test_the_actor_nip_outlives_the_account(db, make_user):
    person = make_user("admin")
    record_audit(db.session, "token.created", actor=person)
    db.session.commit()
    nip = person.nip
    db.session.delete(person)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(AuditEvent))
    assert stored.actor_id is None and stored.actor_nip == nip


def _at(db, event, moment: datetime) -> None:
    """Back-date an event with SQL (the ORM refuses changes, as it should)."""
    db.session.execute(AuditEvent.__table__.update().where(AuditEvent.id == event.id)
                       .values(at=moment))


def test_filters_by_action_actor_and_local_dates(db, make_user):
    one, two = make_user("admin"), make_user("manager")
    a = record_audit(db.session, "user.disabled", actor=one)
    b = record_audit(db.session, "evidence.validated", actor=two)
    c = record_audit(db.session, "user.disabled", actor=two)
    # 2026-03-10 23:30 in Jakarta is 16:30 UTC the same day; 2026-03-11 00:30 is 17:30 UTC
    # on the 10th: the date filter follows the local calendar.
    _at(db, a, datetime(2026, 3, 10, 16, 30))
    _at(db, b, datetime(2026, 3, 10, 17, 30))
    _at(db, c, datetime(2026, 3, 12, 1, 0))
    db.session.commit()

    def ids(**kw):
        return [e.id for e in list_audit_events(db.session, AuditFilter(**kw)).rows]

    assert ids() == [c.id, b.id, a.id]
    assert ids(action="user.disabled") == [c.id, a.id]
    assert ids(actor=two.nip[:8] + " " + two.nip[8:]) == [c.id, b.id]
    assert ids(start=date(2026, 3, 11)) == [c.id, b.id]
    assert ids(end=date(2026, 3, 10)) == [a.id]
    assert ids(start=date(2026, 3, 11), end=date(2026, 3, 11)) == [b.id]


def test_pages_of_fifty(db):
    for n in range(51):
        record_audit(db.session, "login.failed", actor_nip=str(n))
    db.session.commit()
    first = list_audit_events(db.session, AuditFilter(), 1)
    last = list_audit_events(db.session, AuditFilter(), 99)
    assert (first.total, first.pages, len(first.rows)) == (51, 2, 50)
    assert (last.page, len(last.rows)) == (2, 1)


def test_csv_rows_are_oldest_first_with_details(db, make_user):
    admin = make_user("admin")
    first = record_audit(db.session, "user.role_changed", actor=admin, details={"to": "admin"})
    record_audit(db.session, "token.revoked", actor=admin, target_type="token", target_id=3)
    _at(db, first, datetime(2020, 1, 1))
    db.session.commit()
    rows = list(audit_csv_rows(db.session, AuditFilter()))
    assert [r[1] for r in rows] == ["user.role_changed", "token.revoked"]
    assert rows[0][6] == '{"to": "admin"}' and rows[1][3:5] == ["token", "3"]


def test_prune_removes_only_events_past_retention(db):
    old = record_audit(db.session, "login.failed")
    new = record_audit(db.session, "login.failed")
    now = datetime(2026, 6, 1, 12, 0)
    _at(db, old, now - timedelta(days=31))
    _at(db, new, now - timedelta(days=29))
    db.session.commit()
    assert prune_audit_events(db.session, 0, now=now) == 0
    assert prune_audit_events(db.session, 30, now=now) == 1
    db.session.commit()
    assert [e.id for e in db.session.scalars(select(AuditEvent))] == [new.id]


def test_prune_command_uses_the_retention_setting(app, db, runner):
    old = record_audit(db.session, "login.failed")
    _at(db, old, datetime(2000, 1, 1))
    record_audit(db.session, "login.failed")
    db.session.commit()
    app.config["AUDIT_RETENTION_DAYS"] = 365
    result = runner.invoke(args=["lms", "audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "1 audit event(s)" in result.output
    assert _count(db) == 1


def test_export_command_writes_csv(db, runner, make_user):
    admin = make_user("admin")
    record_audit(db.session, "user.disabled", actor=admin, target_type="user", target_id=9)
    db.session.commit()
    result = runner.invoke(args=["lms", "audit", "export", "--action", "user.disabled"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("\ufeffWaktu (UTC),Tindakan,NIP pelaku")
    assert f",user.disabled,{nip_cell(admin.nip)},user,9," in lines[1]
