"""Mentoring walk: a manager pairs a mentor with a mentee, the mentor logs two sessions, the
mentee confirms them, and once the programme has ended the supervisor validates it — the JP
and the evidence appear once, and a development plan item of kind mentoring is achieved."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.competency.models import CompetencyEvidence, JpLedgerEntry
from lms.mentoring.models import MentoringMentee, MentoringProgramme, MentoringSession
from lms.mentoring.services import jp_of
from lms.notifications.models import Notification
from lms.planning.plans import ItemInput, add_items, create_plan, get_progress


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _session_form(mentee_id: int, **values) -> dict:
    base = {"held_on": "2026-06-03", "minutes": "90", "topic": "Topik", "notes": "",
            "next_steps": ""}
    base.update(values)
    return {f"s{mentee_id}-{k}": v for k, v in base.items()}


def test_jp_from_minutes():
    assert jp_of(0, 45, 20) == 0 and jp_of(44, 45, 20) == 0 and jp_of(45, 45, 20) == 1
    assert jp_of(150, 45, 20) == 3 and jp_of(100 * 45, 45, 20) == 20


def test_pair_logs_confirms_and_budi_validates_once(app, db, org, as_user, clock):
    kabid, mentor, mentee = org["manager_a"], org["learner_a"], org["learner_a1"]
    plan = create_plan(db.session, mentee, kabid, 2026)
    add_items(db.session, plan, [ItemInput("M.05", "mentoring", None, "Mentoring rapat",
                                           date(2026, 7, 31), 4)])
    db.session.commit()

    manager = as_user(kabid)
    assert manager.get("/atasan/mentoring/baru").status_code == 200
    response = manager.post("/atasan/mentoring/baru", data={
        "kind": "mentoring", "mentor_nip": mentor.nip, "mentee_nips": mentee.nip_display,
        "competency_code": "M.05", "goals": "Memimpin rapat koordinasi",
        "starts_on": "2026-06-01", "ends_on": "2026-06-30"})
    assert response.status_code == 302
    programme = db.session.scalar(select(MentoringProgramme))
    part = programme.mentees[0]
    assert (programme.mentor_id, part.user_id, programme.created_by_id) == (
        mentor.id, mentee.id, kabid.id)
    assert _count(db, Notification, Notification.kind == "mentoring_started") == 2

    pair = as_user(mentor)
    url = f"/mentoring/{programme.id}/peserta/{part.id}/sesi"
    for day, minutes, topic in (("2026-06-03", "90", "Agenda rapat"),
                                ("2026-06-10", "60", "Memimpin diskusi")):
        response = pair.post(url, data=_session_form(part.id, held_on=day, minutes=minutes,
                                                     topic=topic, notes="Catatan " + topic))
        assert response.status_code == 302
    assert _count(db, MentoringSession) == 2
    assert _count(db, Notification, Notification.kind == "mentoring_session",
                  Notification.user_id == mentee.id) == 2

    learner = as_user(mentee)
    page = learner.get(f"/mentoring/{programme.id}").get_data(as_text=True)
    assert "Catatan Agenda rapat" in page and page.count("Konfirmasi sesi ini") == 2
    assert "0 menit dikonfirmasi" in learner.get("/mentoring").get_data(as_text=True)
    for row in db.session.scalars(select(MentoringSession)):
        assert learner.post(f"/mentoring/sesi/{row.id}/konfirmasi").status_code == 302
    assert _count(db, MentoringSession, MentoringSession.confirmed_at.is_(None)) == 0

    # Still running: not in the queue, and validating changes nothing.
    validate = f"/mentoring/{programme.id}/peserta/{part.id}/validasi"
    assert "Validasi mentoring" not in manager.get("/atasan/tindakan").get_data(as_text=True)
    response = manager.post(validate, data={f"v{part.id}-level": "3"},
                            follow_redirects=True)
    assert "Program belum selesai" in response.get_data(as_text=True)
    assert _count(db, JpLedgerEntry) == 0

    clock.set(datetime(2026, 7, 1, 3, 0))
    queue = manager.get("/atasan/tindakan").get_data(as_text=True)
    assert "Validasi mentoring" in queue and "M.05" in queue
    page = manager.get(f"/mentoring/{programme.id}").get_data(as_text=True)
    assert "3 JP dari 150 menit" in page
    response = manager.post(validate, data={f"v{part.id}-level": "3"}, follow_redirects=True)
    assert "3 JP dan bukti kompetensi level 3" in response.get_data(as_text=True)
    # Twice: refused, nothing added.
    response = manager.post(validate, data={f"v{part.id}-level": "4"}, follow_redirects=True)
    assert "sudah divalidasi" in response.get_data(as_text=True)

    entries = db.session.scalars(select(JpLedgerEntry)).all()
    assert [(e.user_id, e.jp, e.kind, e.competency_code, e.year, e.provider)
            for e in entries] == [(mentee.id, 3, "mentoring", "M.05", 2026, mentor.name)]
    evidence = db.session.scalars(select(CompetencyEvidence)).all()
    assert [(e.user_id, e.competency_code, e.level, e.validated_by_id) for e in evidence] == [
        (mentee.id, "M.05", 3, kabid.id)]
    db.session.expire_all()
    part = db.session.get(MentoringMentee, part.id)
    assert (part.level, part.jp, part.evidence_id) == (3, 3, evidence[0].id)
    assert _count(db, Notification, Notification.kind == "mentoring_validated") == 1
    assert _count(db, AuditEvent, AuditEvent.action == "mentoring.validated") == 1
    assert "Validasi mentoring" not in manager.get("/atasan/tindakan").get_data(as_text=True)

    # The plan item of kind mentoring and competency M.05 is achieved from the ledger.
    progress = get_progress(db.session, plan)
    assert progress.achieved_jp == 3 and progress.achieved_items == 1
    assert "Program mentoring/coaching" in learner.get("/profil").get_data(as_text=True)
    # The mentee can no longer be given sessions; the mentor's form is gone.
    assert pair.post(url, data=_session_form(part.id, held_on="2026-06-20")).status_code == 302
    assert _count(db, MentoringSession) == 2


def test_jp_are_capped_by_the_setting(app, db, org, programme, as_user, clock):
    app.config["MENTORING_MAX_JP"] = 1
    part = programme.mentees[0]
    for row in part.sessions:
        row.confirmed_at = datetime(2026, 6, 3, 5)
    db.session.commit()
    clock.set(datetime(2026, 7, 1, 3, 0))
    response = as_user(org["manager_root"]).post(
        f"/mentoring/{programme.id}/peserta/{part.id}/validasi",
        data={f"v{part.id}-level": "2"})
    assert response.status_code == 302
    assert db.session.scalar(select(JpLedgerEntry.jp)) == 1


def test_unconfirmed_time_gives_no_jp(app, db, org, programme, as_user, clock):
    part = programme.mentees[0]
    clock.set(datetime(2026, 7, 1, 3, 0))
    manager = as_user(org["manager_a"])
    assert "Validasi mentoring" not in manager.get("/atasan/tindakan").get_data(as_text=True)
    response = manager.post(f"/mentoring/{programme.id}/peserta/{part.id}/validasi",
                            data={f"v{part.id}-level": "2"})
    assert response.status_code == 422
    assert "kurang dari 45 menit" in response.get_data(as_text=True)
    assert _count(db, JpLedgerEntry) == 0 and _count(db, CompetencyEvidence) == 0
    assert db.session.get(MentoringMentee, part.id).validated_at is None


def test_lists_show_each_person_their_programmes(app, db, org, programme, as_user):
    mentor_page = as_user(org["learner_a"]).get("/mentoring").get_data(as_text=True)
    assert "Sebagai mentor" in mentor_page and "Citra" in mentor_page
    mentee_page = as_user(org["learner_a1"]).get("/mentoring").get_data(as_text=True)
    assert re.search(r"1 sesi menunggu konfirmasi Anda", mentee_page)
    listing = as_user(org["manager_root"]).get("/atasan/mentoring").get_data(as_text=True)
    assert "M.05" in listing and "Citra" in listing


def test_a_validated_programme_reaches_siasn_and_the_api_as_mentoring(app, db, org, programme,
                                                                       clock):
    from lms.api.serializers import ledger_source
    from lms.mentoring.services import validate_mentee
    from lms.siasn.documents import certificate_document
    from lms.siasn.mapping import source_of

    part = programme.mentees[0]
    part.sessions[0].confirmed_at = datetime(2026, 6, 3, 5)
    db.session.commit()
    clock.set(datetime(2026, 7, 1, 3, 0))
    entry = validate_mentee(db.session, part, org["manager_a"], 2, jp_minutes=45, max_jp=20)
    db.session.commit()
    assert ledger_source(entry) == "mentoring"
    assert source_of(entry.kind, entry.external_training_id) == "mentoring"
    document = certificate_document(db.session, entry, app.config)
    assert document.reason == "a validated mentoring programme has no certificate"
