"""Aspirations: proposing a training need, colleagues' support (once each, in the unit
subtree), the manager's ranked list beside the gaps, answers with notification, exports,
and the scope of every route."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.courses.models import Course
from lms.notifications.models import Notification
from lms.planning.aspirations import AspirationInput, propose
from lms.planning.models import Aspiration, AspirationSupport
from tests.conftest import PASSWORD
from tests.spreadsheet import KEY_OF, export_rows, nip_cell


def _propose(client, topic="Pengolahan data kependudukan", code="M.03", colleagues="4",
             reason="Laporan bulanan masih manual."):
    return client.post("/usulan", data={"topic": topic, "competency_code": code,
                                        "reason": reason, "colleagues": colleagues})


def _aspiration(db, topic="Pengolahan data kependudukan") -> Aspiration:
    return db.session.scalar(select(Aspiration).where(Aspiration.topic == topic))


def test_propose_support_and_answer(db, org, as_user, make_course):
    citra, budi = as_user(org["learner_a1"]), as_user(org["learner_a"])
    response = _propose(citra)
    assert response.status_code == 302
    aspiration = _aspiration(db)
    assert (aspiration.unit_id, aspiration.colleagues, aspiration.status) == (
        org["a1"].id, 4, "open")
    # Budi (Bidang A, above Seksi A1) sees it and supports it once.
    assert "Pengolahan data kependudukan" in budi.get("/usulan").get_data(as_text=True)
    assert budi.post(f"/usulan/{aspiration.id}/dukung").status_code == 302
    page = budi.post(f"/usulan/{aspiration.id}/dukung", follow_redirects=True)
    assert "Anda sudah mendukung usulan ini." in page.get_data(as_text=True)
    page = citra.post(f"/usulan/{aspiration.id}/dukung", follow_redirects=True)
    assert "Usulan Anda sendiri tidak perlu didukung." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AspirationSupport)) == 1
    # The manager of Bidang A sees it on the needs page and answers it.
    kabid = as_user(org["manager_a"])
    needs = kabid.get("/atasan/kebutuhan").get_data(as_text=True)
    assert "Usulan pegawai" in needs and "Pengolahan data kependudukan" in needs
    slug = make_course("kursus-data")
    course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
    bad = kabid.post(f"/atasan/usulan/{aspiration.id}/jawab", data={"status": "covered"})
    assert bad.status_code == 422
    assert "Pilih kursus yang menutup kebutuhan ini." in bad.get_data(as_text=True)
    bad = kabid.post(f"/atasan/usulan/{aspiration.id}/jawab", data={"status": "not_now"})
    assert bad.status_code == 422 and "Tuliskan alasannya." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert _aspiration(db).status == "open"
    ok = kabid.post(f"/atasan/usulan/{aspiration.id}/jawab",
                    data={"status": "covered", "course_id": str(course_id), "note": "Mulai Juli."})
    assert ok.status_code == 302
    db.session.expire_all()
    answered = _aspiration(db)
    assert (answered.status, answered.answer_course_id, answered.answered_by_id) == (
        "covered", course_id, org["manager_a"].id)
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == org["learner_a1"].id))
    assert notice.kind == "aspiration_answered" and notice.params["course"] == "Kursus Uji"
    page = citra.get("/notifikasi").get_data(as_text=True)
    assert "sudah ada kursusnya, “Kursus Uji”. Mulai Juli." in page
    # Answered: support is closed, and the proposer can no longer withdraw it.
    page = as_user(org["manager_root"]).post(f"/usulan/{aspiration.id}/dukung",
                                             follow_redirects=True)
    assert "dukungan ditutup" in page.get_data(as_text=True)
    citra.post(f"/usulan/{aspiration.id}/tarik")
    assert _aspiration(db) is not None


def test_ranked_by_support(db, org, as_user):
    budi = as_user(org["learner_a"])
    _propose(budi, topic="Satu")
    _propose(budi, topic="Dua", code="M.05")
    two = _aspiration(db, "Dua")
    for person in ("learner_a1", "manager_a"):
        as_user(org[person]).post(f"/usulan/{two.id}/dukung")
    page = as_user(org["manager_root"]).get("/atasan/usulan").get_data(as_text=True)
    assert page.index("Dua") < page.index("Satu")
    needs = as_user(org["manager_a"]).get("/atasan/kebutuhan").get_data(as_text=True)
    assert "2 usulan menunggu jawaban" in needs and needs.index("Dua") < needs.index("Satu")


def test_bad_proposal_changes_nothing(db, org, as_user):
    citra = as_user(org["learner_a1"])
    response = _propose(citra, topic=" ", code="X.99", colleagues="nol", reason="")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pilih kompetensi dari daftar." in text and "Isi dengan bilangan bulat." in text
    assert _propose(citra, colleagues="0").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Aspiration)) == 0


def test_scope_of_every_route(db, org, as_user):
    _propose(as_user(org["learner_a1"]))
    aspiration = _aspiration(db)
    dewi, kabid_b = as_user(org["learner_b"]), as_user(org["manager_b"])
    # Outside the subtree the aspiration does not exist.
    assert "Pengolahan data" not in dewi.get("/usulan").get_data(as_text=True)
    for path in (f"/usulan/{aspiration.id}/dukung", f"/usulan/{aspiration.id}/batal-dukung",
                 f"/usulan/{aspiration.id}/tarik"):
        assert dewi.post(path).status_code == 404, path
    assert kabid_b.get(f"/atasan/usulan/{aspiration.id}/jawab").status_code == 404
    assert "Pengolahan data" not in kabid_b.get("/atasan/usulan").get_data(as_text=True)
    assert kabid_b.get("/atasan/usulan?unit=BID-A").status_code == 404
    assert "Pengolahan data" not in kabid_b.get("/atasan/usulan/ekspor.csv").get_data(
        as_text=True)
    # Citra's own unit cannot see what is raised above it.
    _propose(as_user(org["learner_a"]), topic="Di Bidang A")
    assert "Di Bidang A" not in as_user(org["learner_a1"]).get("/usulan").get_data(
        as_text=True)
    # Learners never reach the manager's pages; only the proposer withdraws.
    budi = as_user(org["learner_a"])
    for path in ("/atasan/usulan", f"/atasan/usulan/{aspiration.id}/jawab",
                 "/atasan/usulan/ekspor.csv"):
        assert budi.get(path).status_code == 403, path
    assert budi.post(f"/usulan/{aspiration.id}/tarik").status_code == 403
    # A manager does not answer their own; the admin sees and answers everything.
    own = as_user(org["manager_a"])
    _propose(own, topic="Milik Kabid")
    mine = _aspiration(db, "Milik Kabid")
    assert own.get(f"/atasan/usulan/{mine.id}/jawab").status_code == 403
    admin = as_user(org["admin"])
    assert "Milik Kabid" in admin.get("/atasan/usulan").get_data(as_text=True)
    assert admin.post(f"/atasan/usulan/{mine.id}/jawab",
                      data={"status": "planned"}).status_code == 302


def test_withdraw_own_and_support(db, org, as_user):
    citra, budi = as_user(org["learner_a1"]), as_user(org["learner_a"])
    _propose(citra)
    aspiration = _aspiration(db)
    budi.post(f"/usulan/{aspiration.id}/dukung")
    budi.post(f"/usulan/{aspiration.id}/batal-dukung")
    assert db.session.scalar(select(func.count()).select_from(AspirationSupport)) == 0
    assert citra.post(f"/usulan/{aspiration.id}/tarik").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Aspiration)) == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export(db, org, as_user, fmt):
    _propose(as_user(org["learner_a1"]), topic="=HYPERLINK(1)")
    aspiration = _aspiration(db, "=HYPERLINK(1)")
    as_user(org["learner_a"]).post(f"/usulan/{aspiration.id}/dukung")
    response = as_user(org["manager_a"]).get(f"/atasan/usulan/ekspor.{fmt}")
    assert response.status_code == 200
    assert 'filename="usulan-BID-A.' in response.headers["Content-Disposition"]
    if fmt == "csv":
        rows = export_rows(response.get_data())
        nip, topic = nip_cell(org["learner_a1"].nip), "'=HYPERLINK(1)"
    else:
        sheet = load_workbook(io.BytesIO(response.data)).active
        rows = [[str(c) if c is not None else "" for c in row]
                for row in sheet.iter_rows(values_only=True)]
        rows[0] = [KEY_OF[h] for h in rows[0]]
        nip, topic = org["learner_a1"].nip, "=HYPERLINK(1)"  # text cells
    header, row = rows[0], rows[1]
    record = dict(zip(header, row))
    assert record["nip"] == nip and record["unit"] == "SEK-A1"
    assert record["topic"] == topic and record["supporters"] == "1"
    assert (record["competency"], record["colleagues"], record["status"]) == ("M.03", "4", "open")


def test_support_needs_the_csrf_token(csrf_app, db, org, as_user):
    from flask import g

    aspiration = propose(db.session, org["learner_a1"], AspirationInput(
        "Topik", "M.03", "Alasan", 2))
    db.session.commit()
    g.pop("csrf_token", None)  # the test's requests share one ``g``
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/masuk", data={"nip": org["learner_a"].nip, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post(f"/usulan/{aspiration.id}/dukung").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AspirationSupport)) == 0


def test_pages_run_the_same_queries_for_more_aspirations(db, org, as_user, page_queries):
    people = [org[k] for k in ("learner_a", "learner_a1", "manager_a")]
    counts = []
    for total in (2, 6):
        while db.session.scalar(select(func.count()).select_from(Aspiration)) < total:
            n = db.session.scalar(select(func.count()).select_from(Aspiration))
            aspiration = propose(db.session, people[n % 3], AspirationInput(
                f"Topik {n}", "M.03", "Alasan", 2))
            db.session.add(AspirationSupport(aspiration_id=aspiration.id,
                                             user_id=people[(n + 1) % 3].id))
            db.session.commit()
        counts.append([page_queries(as_user(org[who]), path)[0]
                       for who, path in (("learner_a", "/usulan"),
                                         ("manager_root", "/atasan/usulan"),
                                         ("manager_root", "/atasan/kebutuhan"))])
    assert counts[0] == counts[1]
