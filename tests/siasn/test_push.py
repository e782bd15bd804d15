"""`lms siasn push` against the local fake SIASN: the documented request shapes, each record
once, refusals and missing person ids reported without blocking the others, certificates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.siasn.mapping import set_mapping
from lms.siasn.models import SiasnRecord
from tests.competency.certificates import PDF, PNG


def _records(db) -> dict[str, SiasnRecord]:
    db.session.expire_all()
    return {r.entry.certificate_number: r for r in db.session.scalars(select(SiasnRecord))}


def test_push_sends_each_record_once_in_the_documented_shape(
        runner, db, fake, person, completion, outside, make_user):
    rina, manager = person(make_user(name="Rina")), make_user("manager")
    course = completion(rina, title="Manajemen Waktu", jp=3)
    seminar = outside(rina, manager, kind="seminar/konferensi")

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    assert sorted(fake.numbers()) == sorted([course.certificate_number,
                                             seminar.certificate_number])
    sent = {r["nomorSertipikat"]: r for r in fake.records}
    body = sent[course.certificate_number]
    assert {k: v for k, v in body.items() if k != "id"} == {
        "instansiId": "A5EB03E23CFBF6A0E040640A040252AD", "institusiPenyelenggara": "Kelas ASN",
        "jenisDiklatId": "16", "jenisKursus": "", "jenisKursusSertipikat": "E-Learning",
        "jumlahJam": 3, "lokasiId": "", "namaKursus": "Manajemen Waktu",
        "nomorSertipikat": course.certificate_number, "pnsOrangId": rina.siasn_person_id,
        "tahunKursus": 2026, "tanggalKursus": "01-06-2026", "tanggalSelesaiKursus": "10-06-2026"}
    assert sent[seminar.certificate_number]["jenisDiklatId"] == "9"
    assert sent[seminar.certificate_number]["tanggalKursus"] == "20-05-2026"
    records = _records(db)
    for number, record in records.items():
        assert record.status == "sent" and record.rw_kursus_id == sent[number]["id"]
    # The outside training's PDF went to upload-dok-rw for its record; the course has none yet.
    assert [(d["id_riwayat"], d["id_ref_dokumen"], d["content"]) for d in fake.documents] == [
        (records[seminar.certificate_number].rw_kursus_id, "874", PDF)]
    assert records[seminar.certificate_number].document_status == "uploaded"
    assert records[course.certificate_number].document_status == "none"
    assert "no certificate PDF" in result.output

    again = runner.invoke(args=["lms", "siasn", "push"])
    assert again.exit_code == 0, again.output
    assert len(fake.records) == 2 and len(fake.documents) == 1
    assert "1 sent" not in again.output and "2 sent" not in again.output


def test_refused_record_is_reported_and_does_not_block_the_others(
        runner, db, fake, person, completion, make_user):
    good, bad = person(make_user(name="Rina")), person(make_user(name="Sari"))
    refused = completion(bad, title="Ditolak")
    fine = completion(good, title="Diterima")
    fake.refuse[bad.siasn_person_id] = (400, {"success": False,
                                              "message": "Data PNS tidak ditemukan"})

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 1
    assert f"REFUSED by SIASN: {bad.nip} {refused.certificate_number}" in result.output
    assert "Data PNS tidak ditemukan" in result.output
    assert fake.numbers() == [fine.certificate_number]
    records = _records(db)
    assert records[refused.certificate_number].status == "refused"
    assert records[refused.certificate_number].error == "Data PNS tidak ditemukan"

    # A refusal answered as HTTP 200 with success false is a refusal too.
    fake.refuse[bad.siasn_person_id] = (200, {"success": False, "message": "Duplikat data"})
    assert "Duplikat data" in runner.invoke(args=["lms", "siasn", "push"]).output
    # Once SIASN accepts, the refused record is sent, once.
    del fake.refuse[bad.siasn_person_id]
    assert runner.invoke(args=["lms", "siasn", "push"]).exit_code == 0
    assert sorted(fake.numbers()) == sorted([fine.certificate_number,
                                             refused.certificate_number])
    assert _records(db)[refused.certificate_number].attempts == 3


def test_employees_without_person_id_are_reported_and_skipped(
        runner, db, fake, person, completion, make_user):
    known, unknown = person(make_user(name="Rina")), make_user(name="Tanpa Id")
    waiting = completion(unknown)
    sent = completion(known)

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    assert f"skipped: no pnsOrangId: {unknown.nip} {waiting.certificate_number}" in result.output
    assert fake.numbers() == [sent.certificate_number]
    assert waiting.certificate_number not in _records(db)

    person(unknown)
    assert runner.invoke(args=["lms", "siasn", "push"]).exit_code == 0
    assert sorted(fake.numbers()) == sorted([sent.certificate_number,
                                             waiting.certificate_number])


def test_unmapped_kind_waits_for_the_admin_and_image_scans_are_not_uploaded(
        runner, db, fake, person, outside, make_user):
    rina, manager = person(make_user(name="Rina")), make_user("manager")
    classroom = outside(rina, manager, kind="pelatihan klasikal", content=PNG)

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert "skipped: kind not mapped" in result.output and "pelatihan klasikal" in result.output
    assert fake.records == []

    set_mapping(db.session, {"pelatihan klasikal": "3"}, manager)
    db.session.commit()
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    assert [(r["nomorSertipikat"], r["jenisDiklatId"]) for r in fake.records] == [
        (classroom.certificate_number, "3")]
    assert fake.documents == []
    assert "image/png, not a PDF" in result.output


def test_tokens_are_reused_until_they_expire(app, db, fake, person, completion, make_user,
                                             clock):
    from lms.siasn.client import SiasnClient, SiasnSettings

    client = SiasnClient(SiasnSettings.from_config(app.config))
    rina = person(make_user())
    client.course_history(rina.nip)
    client.course_history(rina.nip)
    assert fake.calls.count("POST /oauth2/token") == 1
    assert fake.calls.count("POST /sso/token") == 1
    clock.advance(timedelta(seconds=fake.token_lifetime))
    client.course_history(rina.nip)
    assert fake.calls.count("POST /oauth2/token") == 2
    assert fake.calls.count("POST /sso/token") == 2
    # A token the gateway no longer knows (401) is fetched again, once.
    fake.gateway_tokens.clear()
    assert client.course_history(rina.nip) == []
    assert fake.calls.count("POST /oauth2/token") == 3


def test_missing_settings_and_wrong_credentials_stop_the_push(runner, app, db, fake, person,
                                                               completion, make_user):
    entry = completion(person(make_user()))
    app.config["SIASN_CLIENT_SECRET"] = None
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 1 and "LMS_SIASN_CLIENT_SECRET is not set" in result.output
    app.config["SIASN_CLIENT_SECRET"] = "salah"
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 1 and "STOPPED" in result.output and "invalid_client" in \
        result.output
    # Nothing reached kursus/save: the record is sent by the next push that gets through.
    assert _records(db)[entry.certificate_number].status == "failed"
    app.config["SIASN_CLIENT_SECRET"] = "rahasia-gateway"
    assert runner.invoke(args=["lms", "siasn", "push"]).exit_code == 0
    assert fake.numbers() == [entry.certificate_number]


def test_an_empty_siasn_history_answered_as_404_is_empty(app, fake, person, make_user):
    from lms.siasn.client import SiasnClient, SiasnSettings

    client = SiasnClient(SiasnSettings.from_config(app.config))
    fake.history_missing = True  # SIASN's way of saying "no records": 404 with this body
    assert client.course_history(person(make_user()).nip) == []


def test_a_refused_certificate_upload_is_retried_without_sending_the_record_again(
        runner, db, fake, person, outside, make_user):
    rina, manager = person(make_user()), make_user("manager")
    seminar = outside(rina, manager)
    fake.fail_documents = True
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert "certificate upload FAILED" in result.output and "dokumen ditolak" in result.output
    assert _records(db)[seminar.certificate_number].document_status == "failed"
    fake.fail_documents = False
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert "certificate uploaded" in result.output
    assert len(fake.records) == 1 and len(fake.documents) == 1
    assert _records(db)[seminar.certificate_number].document_status == "uploaded"


def test_operator_resolves_a_record_by_hand(runner, db, fake, person, completion, make_user):
    from lms.audit.models import AuditEvent

    rina = person(make_user())
    by_hand, again = completion(rina), completion(rina)
    result = runner.invoke(args=["lms", "siasn", "resolve", by_hand.certificate_number,
                                 "--in-siasn", "--rw-kursus-id", "rw-123"])
    assert result.exit_code == 0 and result.output.strip().endswith("sent")
    assert runner.invoke(args=["lms", "siasn", "push"]).exit_code == 0
    assert fake.numbers() == [again.certificate_number]  # the one uploaded by hand is not sent
    assert _records(db)[by_hand.certificate_number].rw_kursus_id == "rw-123"
    refused = runner.invoke(args=["lms", "siasn", "resolve", again.certificate_number,
                                  "--resend"])
    assert refused.exit_code == 1 and "is in SIASN" in refused.output
    assert runner.invoke(args=["lms", "siasn", "resolve", "NOPE", "--resend"]).exit_code == 1
    assert db.session.query(AuditEvent).filter_by(action="siasn.resolved").count() == 1
    status = runner.invoke(args=["lms", "siasn", "status"])
    assert "sent: 2" in status.output


def test_a_course_completion_sends_its_e_certificate_unless_revoked(
        runner, db, fake, person, completion, make_user, make_course):
    from lms.certificates.models import Certificate
    from lms.certificates.services import ensure_certificate, revoke
    from lms.courses.models import Course

    make_course("kursus-uji")
    course_id = db.session.scalar(select(Course.id).where(Course.slug == "kursus-uji"))
    rina, sari, admin = person(make_user()), person(make_user()), make_user("admin")
    kept = completion(rina, course_id=course_id)
    revoked = completion(sari, course_id=course_id)
    revoke(db.session, ensure_certificate(db.session, revoked), admin, "Data kursus salah")
    db.session.commit()

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    records = _records(db)
    [document] = fake.documents
    assert document["id_riwayat"] == records[kept.certificate_number].rw_kursus_id
    assert document["content"].startswith(b"%PDF-")
    issued = db.session.scalar(select(Certificate).where(Certificate.ledger_entry_id == kept.id))
    assert issued.issued_at is not None  # issued for SIASN, the same PDF the learner downloads
    assert records[revoked.certificate_number].document_status == "none"
    assert "the certificate is revoked" in result.output
