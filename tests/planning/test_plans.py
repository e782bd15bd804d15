"""Development plans: one per employee and year, drafted from the profile's gaps, approved or
returned through the work queue, items achieved from the JP ledger (course completions,
validated outside training, mentoring entries), and the scope of every route."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.competency.external import record_external_training, review_external_training
from lms.competency.models import JpLedgerEntry
from lms.competency.uploads import CertificateStore
from lms.courses.models import Course
from lms.manager.queue import count_queue, list_queue
from lms.notifications.models import Notification
from lms.planning.models import DevelopmentPlan, PlanItem
from lms.planning.plans import ItemInput, add_items, create_plan, get_progress
from lms.timeutil import local_date, utcnow
from tests.competency.certificates import PDF, training_input

YEAR = local_date(utcnow()).year


@pytest.fixture
def gapped(db, org, make_course):
    """Citra (Seksi A1, Pranata Komputer: M.03 3, M.05 2, T.01 2) with no evidence, and the
    small test course (M.03 2, M.05 1) published."""
    make_course("kursus-uji")
    return org


def _course_id(db, slug="kursus-uji") -> int:
    return db.session.scalar(select(Course.id).where(Course.slug == slug))


def _plan(db, person) -> DevelopmentPlan:
    db.session.expire_all()
    return db.session.scalar(select(DevelopmentPlan).where(DevelopmentPlan.user_id == person.id))


def test_one_plan_per_employee_and_year(db, gapped, as_user):
    citra = as_user(gapped["learner_a1"])
    assert "belum punya rencana" in citra.get("/rencana").get_data(as_text=True)
    citra.post("/rencana")
    citra.post("/rencana")
    plan = _plan(db, gapped["learner_a1"])
    assert (plan.year, plan.status, plan.created_by_id) == (YEAR, "draft", gapped["learner_a1"].id)
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlan)) == 1
    # Not for a year long gone.
    citra.post(f"/rencana?tahun={YEAR - 1}")
    assert db.session.scalar(select(func.count()).select_from(DevelopmentPlan)) == 1


def test_suggestions_come_from_the_gaps(db, gapped, as_user):
    kabid = as_user(gapped["manager_a"])
    nip = gapped["learner_a1"].nip
    kabid.post(f"/atasan/pegawai/{nip}/rencana")
    page = kabid.get(f"/atasan/pegawai/{nip}/rencana").get_data(as_text=True)
    course = _course_id(db)
    # The course raises M.03 and M.05 above level 0; mentoring for every gap; classroom
    # training where no course reaches the required level (M.03 3, T.01 2, not M.05 2? the
    # course gives M.05 1 only, so M.05 too).
    for key in (f"course:{course}:M.03", f"course:{course}:M.05", "mentoring::M.03",
                "mentoring::T.01", "pelatihan klasikal::T.01", "pelatihan klasikal::M.05"):
        assert f'value="{key}"' in page, key
    response = kabid.post(f"/rencana/{_plan(db, gapped['learner_a1']).id}/saran", data={
        "pilih": [f"course:{course}:M.03", "mentoring::T.01", "bogus::X"],
        "target_on": f"{YEAR}-11-30"})
    assert response.status_code == 302
    plan = _plan(db, gapped["learner_a1"])
    assert sorted((i.kind, i.competency_code, i.jp, i.target_on) for i in plan.items) == [
        ("course", "M.03", 2, date(YEAR, 11, 30)), ("mentoring", "T.01", 4, date(YEAR, 11, 30))]
    page = kabid.get(f"/atasan/pegawai/{nip}/rencana").get_data(as_text=True)
    assert f'value="course:{course}:M.03"' not in page  # already in the plan


def test_bad_items_change_nothing(db, gapped, as_user):
    citra = as_user(gapped["learner_a1"])
    citra.post("/rencana")
    plan = _plan(db, gapped["learner_a1"])
    response = citra.post(f"/rencana/{plan.id}/kegiatan", data={
        "competency_code": "X.99", "kind": "course", "course_id": "", "title": "",
        "target_on": f"{YEAR + 1}-01-05", "jp": "dua"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Pilih kompetensi dari daftar.", "Pilih kursus Kelas ASN dari daftar.",
                    f"Target harus di tahun rencana ({YEAR}).", "Isi dengan bilangan bulat."):
        assert message in text, message
    response = citra.post(f"/rencana/{plan.id}/saran", data={"target_on": f"{YEAR}-05-01"})
    assert response.status_code == 422 and "Pilih dulu saran" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PlanItem)) == 0
    ok = citra.post(f"/rencana/{plan.id}/kegiatan", data={
        "competency_code": "M.05", "kind": "coaching", "title": "Coaching layanan",
        "target_on": f"{YEAR}-09-01", "jp": "3"})
    assert ok.status_code == 302
    assert db.session.scalar(select(PlanItem.title)) == "Coaching layanan"


def test_submit_return_and_approve_through_the_queue(db, gapped, as_user, app):
    citra, kabid = as_user(gapped["learner_a1"]), as_user(gapped["manager_a"])
    person = gapped["learner_a1"]
    citra.post("/rencana")
    plan = _plan(db, person)
    citra.post(f"/rencana/{plan.id}/ajukan")  # no items yet: refused
    assert _plan(db, person).status == "draft"
    citra.post(f"/rencana/{plan.id}/kegiatan", data={
        "competency_code": "M.03", "kind": "course", "course_id": str(_course_id(db)),
        "target_on": f"{YEAR}-08-01"})
    citra.post(f"/rencana/{plan.id}/ajukan")
    assert _plan(db, person).status == "submitted"
    # In the queue of the managers above her, not in Bidang B's.
    today = local_date(utcnow())
    items = [i for i in list_queue(db.session, gapped["manager_a"], today)
             if i.kind == "development_plan"]
    assert [(i.id, i.nip, i.year) for i in items] == [(plan.id, person.nip, YEAR)]
    assert count_queue(db.session, gapped["manager_a"], today) == 1
    assert count_queue(db.session, gapped["manager_b"], today) == 0
    assert "Tinjau rencana" in kabid.get("/atasan/tindakan").get_data(as_text=True)
    assert citra.get("/atasan/tindakan").status_code == 403
    # Returning needs a comment; the employee reads it and resubmits.
    response = kabid.post(f"/rencana/{plan.id}/kembalikan", data={"comment": " "})
    assert response.status_code == 422 and _plan(db, person).status == "submitted"
    kabid.post(f"/rencana/{plan.id}/kembalikan", data={"comment": "Tambahkan mentoring."})
    assert _plan(db, person).status == "returned"
    assert "Tambahkan mentoring." in citra.get("/rencana").get_data(as_text=True)
    assert count_queue(db.session, gapped["manager_a"], today) == 0
    citra.post(f"/rencana/{plan.id}/ajukan")
    kabid.post(f"/rencana/{plan.id}/setujui")
    approved = _plan(db, person)
    assert (approved.status, approved.decided_by_id) == ("approved", gapped["manager_a"].id)
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(
        Notification.user_id == person.id).order_by(Notification.id))]
    assert kinds == ["plan_returned", "plan_approved"]
    # Approved: no more changes, until a manager reopens it.
    response = citra.post(f"/rencana/{plan.id}/kegiatan", data={
        "competency_code": "M.03", "kind": "mentoring", "title": "x",
        "target_on": f"{YEAR}-08-01", "jp": "2"})
    assert response.status_code == 403
    kabid.post(f"/rencana/{plan.id}/buka")
    assert _plan(db, person).status == "draft"


def test_scope_of_every_route(db, gapped, as_user):
    person = gapped["learner_a1"]
    citra = as_user(person)
    citra.post("/rencana")
    plan = _plan(db, person)
    item = add_items(db.session, plan, [ItemInput("M.03", "mentoring", None, "Mentoring",
                                                  date(YEAR, 6, 1), 4)])
    db.session.commit()
    item_id = _plan(db, person).items[0].id
    assert item == 1
    posts = [f"/rencana/{plan.id}/kegiatan", f"/rencana/{plan.id}/saran",
             f"/rencana/{plan.id}/kegiatan/{item_id}/hapus", f"/rencana/{plan.id}/ajukan",
             f"/rencana/{plan.id}/setujui", f"/rencana/{plan.id}/kembalikan",
             f"/rencana/{plan.id}/buka"]
    # Another unit's manager and another learner: the plan does not exist.
    for outsider in (gapped["manager_b"], gapped["learner_b"]):
        client = as_user(outsider)
        for path in posts:
            assert client.post(path).status_code == 404, (outsider.name, path)
    kabid_b = as_user(gapped["manager_b"])
    assert kabid_b.get(f"/atasan/pegawai/{person.nip}/rencana").status_code == 404
    assert kabid_b.post(f"/atasan/pegawai/{person.nip}/rencana").status_code == 404
    assert person.name not in kabid_b.get("/atasan/rencana").get_data(as_text=True)
    assert kabid_b.get("/atasan/rencana?unit=BID-A").status_code == 404
    assert kabid_b.get("/atasan/rencana/rekap?unit=BID-A").status_code == 404
    assert kabid_b.get("/atasan/rencana/rekap.csv?unit=BID-A").status_code == 404
    # The employee neither approves nor returns their own plan, nor reaches manager pages.
    for path in (f"/rencana/{plan.id}/setujui", f"/rencana/{plan.id}/kembalikan",
                 f"/rencana/{plan.id}/buka"):
        assert citra.post(path).status_code == 403, path
    for path in ("/atasan/rencana", "/atasan/rencana/rekap", "/atasan/rencana/rekap.csv",
                 f"/atasan/pegawai/{person.nip}/rencana"):
        assert citra.get(path).status_code == 403, path
    # A manager does not approve their own plan; the manager's manager does.
    own = as_user(gapped["manager_a"])
    own.post("/rencana")
    mine = _plan(db, gapped["manager_a"])
    add_items(db.session, mine, [ItemInput("M.03", "mentoring", None, "M", date(YEAR, 6, 1), 4)])
    db.session.commit()
    assert own.post(f"/rencana/{mine.id}/setujui").status_code == 403
    assert own.post(f"/atasan/pegawai/{gapped['manager_a'].nip}/rencana").status_code == 403
    assert as_user(gapped["manager_root"]).post(f"/rencana/{mine.id}/setujui").status_code == 302
    assert _plan(db, gapped["manager_a"]).status == "approved"
    # Only the employee submits their plan; a manager approves directly instead.
    assert as_user(gapped["manager_a"]).post(f"/rencana/{plan.id}/ajukan").status_code == 403
    # The admin sees every plan.
    admin = as_user(gapped["admin"])
    assert admin.get(f"/atasan/pegawai/{person.nip}/rencana").status_code == 200
    assert person.name in admin.get("/atasan/rencana").get_data(as_text=True)


def test_items_are_achieved_from_the_ledger(db, gapped, app, credit):
    person, manager = gapped["learner_a1"], gapped["manager_a"]
    plan = create_plan(db.session, person, manager, YEAR)
    course = _course_id(db)
    add_items(db.session, plan, [
        ItemInput("M.03", "course", course, "", date(YEAR, 6, 1), None),
        ItemInput("M.05", "bimbingan teknis", None, "Bimtek layanan", date(YEAR, 9, 1), 8),
        ItemInput("T.01", "mentoring", None, "Mentoring digital", date(YEAR, 10, 1), 4),
        ItemInput("M.05", "mentoring", None, "Mentoring layanan", date(YEAR, 10, 1), 4),
    ])
    db.session.commit()
    progress = get_progress(db.session, plan)
    assert (progress.planned_jp, progress.achieved_jp, progress.achieved_items) == (18, 0, 0)
    # The course completed (a ledger entry of that course, this year).
    credit(person, slug="kursus-uji", jp=2)
    # A validated outside training of that kind and competency.
    store = CertificateStore.from_config(app.config)
    training = record_external_training(
        db.session, person, person,
        training_input(kind="bimbingan teknis", competency_code="M.05", level=2, jp=9),
        io.BytesIO(PDF), store=store)
    review_external_training(db.session, training, manager, accept=True)
    # A mentoring programme's ledger entry (what the mentoring feature writes).
    db.session.add(JpLedgerEntry(user_id=person.id, year=YEAR, jp=3, kind="mentoring",
                                 competency_code="T.01", title="Mentoring",
                                 started_on=date(YEAR, 3, 1), ended_on=date(YEAR, 4, 1),
                                 certificate_number="MENTOR-1"))
    # Entries that must not count: another year, another competency.
    db.session.add(JpLedgerEntry(user_id=person.id, year=YEAR - 1, jp=5, kind="mentoring",
                                 competency_code="M.05", title="Lama",
                                 started_on=date(YEAR - 1, 3, 1),
                                 ended_on=date(YEAR - 1, 4, 1), certificate_number="OLD-1"))
    db.session.commit()
    progress = get_progress(db.session, plan)
    by_title = {i.title: progress.items[i.id] for i in plan.items}
    assert by_title["Kursus Uji"].jp == 2 and by_title["Kursus Uji"].achieved
    assert by_title["Bimtek layanan"].jp == 9
    assert (by_title["Mentoring digital"].jp, by_title["Mentoring digital"].ended_on) == (
        3, date(YEAR, 4, 1))
    assert not by_title["Mentoring layanan"].achieved
    assert (progress.achieved_jp, progress.achieved_items) == (14, 3)


def test_compiled_plan_and_exports(db, gapped, as_user):
    manager = gapped["manager_a"]
    course = _course_id(db)
    for person, extra in ((gapped["learner_a1"], 4), (gapped["learner_a"], 6)):
        plan = create_plan(db.session, person, manager, YEAR)
        add_items(db.session, plan, [
            ItemInput("M.03", "course", course, "", date(YEAR, 6, 1), None),
            ItemInput("M.03", "mentoring", None, "Mentoring", date(YEAR, 7, 1), extra)])
        plan.status = "approved"
    draft = create_plan(db.session, gapped["learner_b"], gapped["manager_b"], YEAR)
    add_items(db.session, draft, [ItemInput("M.03", "mentoring", None, "M", date(YEAR, 7, 1), 9)])
    db.session.commit()
    page = as_user(gapped["admin"]).get("/atasan/rencana/rekap").get_data(as_text=True)
    assert "Kursus Uji" in page
    response = as_user(gapped["manager_root"]).get(f"/atasan/rencana/rekap.csv?tahun={YEAR}")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == ("\ufeffTahun,Kode kompetensi,Nama kompetensi,Jenis kegiatan,"
                        "Jumlah pegawai,JP,Daftar kursus")
    assert lines[1:] == [f"{YEAR},M.03,Komunikasi,course,2,4,Kursus Uji",
                         f"{YEAR},M.03,Komunikasi,mentoring,2,10,"]  # the draft is left out
    xlsx = as_user(gapped["manager_a"]).get(f"/atasan/rencana/rekap.xlsx?tahun={YEAR}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    listing = as_user(gapped["manager_root"]).get("/atasan/rencana").get_data(as_text=True)
    assert "Disetujui: 2" in listing and "draf: 1" in listing


def test_pages_run_the_same_queries_for_more_items(db, gapped, as_user, page_queries):
    person = gapped["learner_a1"]
    plan = create_plan(db.session, person, person, YEAR)
    counts = []
    for total in (1, 6):
        add_items(db.session, plan, [ItemInput("M.03", "mentoring", None, f"M{n}",
                                               date(YEAR, 6, 1), 2)
                                     for n in range(total - len(plan.items))])
        db.session.commit()
        counts.append((page_queries(as_user(person), "/rencana")[0],
                       page_queries(as_user(gapped["manager_root"]),
                                    f"/atasan/pegawai/{person.nip}/rencana")[0]))
    assert counts[0] == counts[1]
