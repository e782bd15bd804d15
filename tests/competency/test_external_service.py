"""Recording and reviewing outside training: the rules, the certificate file, the JP ledger."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from lms.competency.external import (ExternalTrainingInvalid, record_external_training,
                                     review_external_training)
from lms.competency.models import CompetencyEvidence, ExternalTraining, JpLedgerEntry
from lms.competency.services import (EvidenceAlreadyReviewed, get_jp, get_profile,
                                     list_jp_history)
from lms.competency.uploads import CertificateStore
from lms.manager.services import DashboardQuery, get_dashboard
from lms.reports.services import unit_report
from tests.competency.certificates import (JPEG, PDF, PNG, TODAY, stored_files,
                                          training_input)

TARGETS = {"PNS": 20, "PPPK": 20}
YEAR = TODAY.year


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


BAD_FIELDS = [
    ("kind", {"kind": "piknik"}),
    ("kind", {"kind": ""}),
    ("title", {"title": "   "}),
    ("title", {"title": "x" * 201}),
    ("provider", {"provider": ""}),
    ("started_on", {"started_on": None}),
    ("ended_on", {"ended_on": None}),
    ("ended_on", {"started_on": TODAY, "ended_on": TODAY - timedelta(days=1)}),
    ("ended_on", {"ended_on": TODAY + timedelta(days=1)}),
    ("started_on", {"started_on": date(1999, 12, 31)}),
    ("jp", {"jp": 0}),
    ("jp", {"jp": 201}),
    ("jp", {"jp": None}),
    ("certificate_number", {"certificate_number": ""}),
    ("certificate_number", {"certificate_number": "N" * 65}),
    ("competency_code", {"competency_code": "X.99", "level": 2}),
    ("level", {"competency_code": "M.03", "level": None}),
    ("level", {"competency_code": "M.03", "level": 6}),
    ("level", {"competency_code": None, "level": 3}),
]


@pytest.mark.parametrize(("field", "changes"), BAD_FIELDS)
def test_each_bad_field_is_refused_and_nothing_is_stored(app, db, make_user, store, field,
                                                         changes):
    employee = make_user()
    with pytest.raises(ExternalTrainingInvalid) as caught:
        record_external_training(db.session, employee, employee, training_input(**changes),
                                 io.BytesIO(PDF), store=store)
    assert set(caught.value.errors) == {field}
    with app.test_request_context():
        assert len(str(caught.value.errors[field])) > 5  # a message a person can read
    db.session.rollback()
    assert _count(db, ExternalTraining) == 0
    assert stored_files(store) == []


def test_every_problem_is_reported_at_once(db, make_user, store):
    employee = make_user()
    with pytest.raises(ExternalTrainingInvalid) as caught:
        record_external_training(db.session, employee, employee,
                                 training_input(title="", jp=0), None, store=store)
    assert set(caught.value.errors) == {"title", "jp", "file"}


def test_a_valid_training_is_stored_pending_with_its_file(db, make_user, store, record):
    employee = make_user()
    training = record(employee, competency_code="M.05", level=3)
    assert training.status == "pending"
    assert (training.kind, training.jp, training.level) == ("pelatihan klasikal", 8, 3)
    assert training.recorded_by_id == employee.id
    assert stored_files(store) == [training.file_name]
    assert store.path(training.file_name).read_bytes() == PDF
    assert training.file_type == "application/pdf"
    # Nothing counts before a manager validates it.
    assert _count(db, JpLedgerEntry) == 0
    assert get_jp(db.session, employee, YEAR, 20).attained == 0


def test_text_is_trimmed(db, make_user, record):
    training = record(make_user(), title="  Bimtek   SIASN ", certificate_number=" 12/BT/2025 ")
    assert (training.title, training.certificate_number) == ("Bimtek SIASN", "12/BT/2025")


@pytest.mark.parametrize(("content", "mime", "suffix"), [
    (PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")])
def test_the_type_comes_from_the_bytes_not_the_name(db, make_user, record, content, mime,
                                                    suffix):
    training = record(make_user(), content=content)
    assert training.file_type == mime
    assert training.file_name.endswith(suffix)
    assert len(training.file_name) == 32 + len(suffix)  # a random name, never the client's


@pytest.mark.parametrize("content", [
    b"<!doctype html><script>alert(1)</script>",
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # a Windows executable
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<?xml version="1.0"?><svg/>',
    b"GIF89a\x01\x00\x01\x00",
    b" %PDF-1.4 (not at the start)",
    b"",
])
def test_anything_else_is_refused(db, make_user, store, content):
    employee = make_user()
    with pytest.raises(ExternalTrainingInvalid) as caught:
        record_external_training(db.session, employee, employee, training_input(),
                                 io.BytesIO(content), store=store)
    assert set(caught.value.errors) == {"file"}
    assert stored_files(store) == []


def test_size_limit(db, make_user, tmp_path):
    employee = make_user()
    small = CertificateStore(tmp_path / "evidence", max_bytes=1024)
    exactly = PDF + b"0" * (1024 - len(PDF))
    training = record_external_training(db.session, employee, employee, training_input(),
                                        io.BytesIO(exactly), store=small)
    assert small.path(training.file_name).stat().st_size == 1024
    with pytest.raises(ExternalTrainingInvalid) as caught:
        record_external_training(db.session, employee, employee, training_input(),
                                 io.BytesIO(exactly + b"0"), store=small)
    assert set(caught.value.errors) == {"file"}
    assert stored_files(small) == [training.file_name]


def test_size_limit_is_a_setting(app):
    assert app.config["EVIDENCE_MAX_BYTES"] == 5 * 1024 * 1024
    app.config["EVIDENCE_MAX_BYTES"] = 2048
    assert CertificateStore.from_config(app.config).max_bytes == 2048


def test_certificate_number_in_the_ledger_is_refused(db, make_user, store, record):
    employee, other = make_user(), make_user()
    db.session.add(JpLedgerEntry(user_id=other.id, year=YEAR, jp=2, title="Kursus",
                                 started_on=TODAY, ended_on=TODAY,
                                 certificate_number="KASN-2025-0000001"))
    db.session.commit()
    with pytest.raises(ExternalTrainingInvalid) as caught:
        record(employee, certificate_number="KASN-2025-0000001")
    assert set(caught.value.errors) == {"certificate_number"}
    assert stored_files(store) == []


def test_a_pending_certificate_number_is_refused_until_rejected(db, make_user, record, org_tree):
    employee = org_tree["learner_a"]
    first = record(employee, certificate_number="SERT-1")
    with pytest.raises(ExternalTrainingInvalid):  # a double submit records nothing twice
        record(employee, certificate_number="SERT-1")
    db.session.rollback()
    review_external_training(db.session, first, org_tree["manager_a"], accept=False,
                             reason="Salah unggah.")
    db.session.commit()
    assert record(employee, certificate_number="SERT-1").status == "pending"


def test_validation_credits_jp_and_evidence(db, org_tree, record):
    employee, manager = org_tree["learner_a1"], org_tree["manager_a"]
    training = record(employee, jp=12, competency_code="M.05", level=3)
    review_external_training(db.session, training, manager, accept=True)
    db.session.commit()

    assert training.status == "validated"
    assert training.validated_by.id == manager.id
    entry = db.session.scalar(select(JpLedgerEntry))
    assert (entry.user_id, entry.year, entry.jp, entry.kind, entry.provider) == (
        employee.id, TODAY.year, 12, "pelatihan klasikal", "BPSDM Provinsi Jawa Barat")
    assert (entry.external_training_id, entry.course_id) == (training.id, None)
    assert entry.competency_code == "M.05"  # development plans match items by it
    assert entry.certificate_number == training.certificate_number
    assert (entry.started_on, entry.ended_on, entry.title) == (
        training.started_on, training.ended_on, training.title)
    assert get_jp(db.session, employee, YEAR, 20).attained == 12

    evidence = db.session.scalar(select(CompetencyEvidence))
    assert (evidence.course_id, evidence.external_training_id) == (None, training.id)
    assert (evidence.level, evidence.status, evidence.validated_by_id) == (3, "validated",
                                                                           manager.id)
    row = next(r for r in get_profile(db.session, employee) if r.competency.code == "M.05")
    assert (row.level, row.validated_level) == (3, 3)


def test_validated_jp_counts_in_the_dashboard_and_the_report(db, org_tree, record):
    employee = org_tree["learner_a1"]
    training = record(employee, jp=20)
    review_external_training(db.session, training, org_tree["manager_a"], accept=True)
    db.session.commit()

    board = get_dashboard(db.session, DashboardQuery(
        root_unit_id=org_tree["a"].id, year=YEAR, today=TODAY, targets=TARGETS))
    line = next(r for r in board.rows if r.nip == employee.nip)
    assert (line.jp, line.met, line.completed) == (20, True, 0)
    assert board.met == 1
    report = unit_report(db.session, org_tree["root"], YEAR, TARGETS)
    line = next(e for e in report.employees if e.nip == employee.nip)
    assert (line.jp, line.met, line.courses_completed) == (20, True, 0)


def test_the_year_is_the_year_the_training_ended(db, org_tree, record):
    employee = org_tree["learner_a"]
    last_year = date(YEAR - 1, 12, 30)
    training = record(employee, started_on=last_year, ended_on=last_year, jp=6)
    review_external_training(db.session, training, org_tree["manager_root"], accept=True)
    db.session.commit()
    assert get_jp(db.session, employee, YEAR - 1, 20).attained == 6
    assert get_jp(db.session, employee, YEAR, 20).attained == 0


def test_rejection_counts_nothing(db, org_tree, record):
    employee, manager = org_tree["learner_a1"], org_tree["manager_a"]
    training = record(employee, jp=12, competency_code="M.05", level=3)
    review_external_training(db.session, training, manager, accept=False, reason="Tidak sah.")
    db.session.commit()
    assert training.status == "rejected"
    assert (training.rejected_by.id, training.validated_at) == (manager.id, None)
    assert _count(db, JpLedgerEntry) == 0
    assert _count(db, CompetencyEvidence) == 0
    assert get_jp(db.session, employee, YEAR, 20).attained == 0


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_reviewing_twice_is_refused(db, org_tree, record, first, second):
    training = record(org_tree["learner_a1"], jp=5)
    review_external_training(db.session, training, org_tree["manager_a"], accept=first,
                             reason="Tidak sah.")
    db.session.commit()
    with pytest.raises(EvidenceAlreadyReviewed):
        review_external_training(db.session, training, org_tree["manager_root"], accept=second,
                                 reason="Tidak sah.")
    db.session.rollback()
    assert _count(db, JpLedgerEntry) == (1 if first else 0)
    assert training.status == ("validated" if first else "rejected")


def test_a_stale_copy_cannot_review_again(db, org_tree, record):
    """Two managers open the page; the second's object still says "pending"."""
    training = record(org_tree["learner_a1"], jp=5)
    review_external_training(db.session, training, org_tree["manager_a"], accept=True)
    db.session.commit()
    set_committed_value(training, "validated_at", None)  # what the other process believes
    with pytest.raises(EvidenceAlreadyReviewed):
        review_external_training(db.session, training, org_tree["manager_root"], accept=True)
    db.session.rollback()
    assert _count(db, JpLedgerEntry) == 1


def test_a_certificate_number_taken_meanwhile_stops_validation(db, org_tree, record):
    employee = org_tree["learner_a1"]
    training = record(employee, certificate_number="DUP-7")
    db.session.add(JpLedgerEntry(user_id=org_tree["learner_b"].id, year=YEAR, jp=2,
                                 title="Lain", started_on=TODAY, ended_on=TODAY,
                                 certificate_number="DUP-7"))
    db.session.commit()
    with pytest.raises(ExternalTrainingInvalid) as caught:
        review_external_training(db.session, training, org_tree["manager_a"], accept=True)
    assert set(caught.value.errors) == {"certificate_number"}
    db.session.rollback()
    db.session.refresh(training)
    assert training.status == "pending"
    assert get_jp(db.session, employee, YEAR, 20).attained == 0


def test_jp_history_lists_recent_years_and_older_years_with_jp(db, org_tree, record):
    employee = org_tree["learner_a"]
    old = date(YEAR - 5, 3, 1)
    for day, jp in ((old, 4), (TODAY, 21)):
        training = record(employee, started_on=day, ended_on=day, jp=jp)
        review_external_training(db.session, training, org_tree["manager_a"], accept=True)
    db.session.commit()
    history = list_jp_history(db.session, employee, YEAR, 20)
    assert [(h.year, h.attained, h.met) for h in history] == [
        (YEAR, 21, True), (YEAR - 1, 0, False), (YEAR - 2, 0, False), (YEAR - 5, 4, False)]
