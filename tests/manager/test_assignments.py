"""Mandatory training: the assign form (picked from the scope, bad input re-shown with the
error next to its field), assigning by employee, unit, position or both, and re-assigning."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lms.notifications.models import Notification
from lms.planning.models import AssignmentChange, CourseAssignment
from lms.timeutil import local_date, utcnow

TODAY = local_date(utcnow())
NEXT_WEEK = (TODAY + timedelta(days=7)).isoformat()


def _count(db):
    return db.session.scalar(select(func.count()).select_from(CourseAssignment))


def _assign(client, **data):
    form = {"course": "kursus-uji", "due_on": NEXT_WEEK, **data}
    return client.post("/atasan/penugasan/baru", data=form, follow_redirects=True)


def _field_error(html: str, field: str) -> str:
    """The error shown under a field of the form (empty when none)."""
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def test_assign_form_lists_only_the_scope(client, org, login, make_course):
    make_course()
    login(org["manager_a"])
    html = client.get("/atasan/penugasan/baru").get_data(as_text=True)
    # Courses by title, employees of Bidang A and Seksi A1 only, their units and positions.
    assert '<option value="kursus-uji">Kursus Uji (2 JP)</option>' in html
    employees = html[html.index('id="employees"'):html.index("</select>", html.index('id="employees"'))]
    assert "Budi" in employees and "Citra" in employees and "Kabid A" in employees
    assert "Dewi" not in employees and "Kepala Dinas" not in employees
    units = html[html.index('id="unit"'):html.index("</select>", html.index('id="unit"'))]
    assert 'value="BID-A"' in units and 'value="SEK-A1"' in units
    assert 'value="BID-B"' not in units and 'value="DINAS"' not in units
    assert 'value="PRAKOM"' in html  # Citra's position
    # The search box narrows the list (no JavaScript needed).
    found = client.get("/atasan/penugasan/baru?cari=citr").get_data(as_text=True)
    found = found[found.index('id="employees"'):found.index("</select>", found.index('id="employees"'))]
    assert "Citra" in found and "Budi" not in found


def test_learners_may_not_assign_and_other_units_are_refused(app, db, org, login, make_course):
    make_course()
    learner = app.test_client()
    login(org["learner_a"], target=learner)
    assert learner.get("/atasan/penugasan/baru").status_code == 403
    assert _assign(learner, unit="BID-A").status_code == 403
    client = app.test_client()
    login(org["manager_b"], target=client)
    # A unit outside the scope is an error next to the unit field, not a 404; input kept.
    page = _assign(client, unit="SEK-A1", nips="123")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "di luar lingkup Anda" in _field_error(html, "unit")
    assert '<option value="SEK-A1" selected>' in html and ">123</textarea>" in html
    # A NIP of another unit is named under the NIP field; nothing is assigned.
    page = _assign(client, nips=org["learner_a1"].nip)
    assert page.status_code == 422
    assert org["learner_a1"].nip in _field_error(page.get_data(as_text=True), "nips")
    page = _assign(client, employees=org["learner_a1"].nip)
    assert page.status_code == 422 and _count(db) == 0


def test_bad_input_is_shown_next_to_the_field_with_the_input_kept(db, client, org, login,
                                                                   make_course):
    make_course()
    login(org["manager_a"])
    budi = org["learner_a"].nip
    page = _assign(client, unit="TIDAK-ADA", employees=budi, due_on=NEXT_WEEK)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "TIDAK-ADA" in _field_error(html, "unit") and "tidak dikenal" in html
    assert f'<option value="{budi}" selected>' in html  # the pick is kept
    assert f'value="{NEXT_WEEK}"' in html and '<option value="kursus-uji" selected>' in html
    page = _assign(client)  # nobody picked
    assert page.status_code == 422
    assert "Pilih pegawai, unit, atau jabatan." in page.get_data(as_text=True)
    page = _assign(client, employees=budi, course="")
    assert page.status_code == 422 and _field_error(page.get_data(as_text=True), "course")
    page = _assign(client, employees=budi, course="tidak-ada")
    assert "tidak ditemukan" in _field_error(page.get_data(as_text=True), "course")
    page = _assign(client, employees=budi, due_on="31/02/2026")
    assert "tanggal yang benar" in _field_error(page.get_data(as_text=True), "due_on")
    page = _assign(client, employees=budi, position="TIDAK-ADA")
    assert "tidak dikenal" in _field_error(page.get_data(as_text=True), "position")
    assert _count(db) == 0


def test_a_due_date_in_the_past_is_refused_in_the_agency_time_zone(db, client, clock, org,
                                                                    login, make_course):
    make_course()
    login(org["manager_a"])
    # 00:30 on 18 June in Jakarta, still 17 June in UTC: the 17th is already past.
    clock.set(datetime(2026, 6, 17, 17, 30, tzinfo=UTC))
    page = _assign(client, employees=org["learner_a"].nip, due_on="2026-06-17")
    assert page.status_code == 422
    assert "sebelum hari ini" in _field_error(page.get_data(as_text=True), "due_on")
    assert _assign(client, employees=org["learner_a"].nip, due_on="2026-06-18").status_code == 200
    assert _count(db) == 1


def test_assign_by_unit_position_and_nip(db, client, org, login, make_course):
    make_course()
    login(org["manager_root"])
    assert _assign(client, unit="BID-A").status_code == 200
    assert _count(db) == 2  # Kabid A and Budi, not Citra of the sub-unit
    assert _assign(client, unit="BID-A", with_subunits="y").status_code == 200
    assert _count(db) == 3
    _assign(client, position="PRAKOM", due_on=(TODAY + timedelta(days=9)).isoformat())
    assert _count(db) == 3  # Citra's assignment re-dated, not duplicated
    _assign(client, nips=f"{org['learner_b'].nip}\n")
    assert _count(db) == 4
    # Unit and position together: the unit's employees holding the position.
    db.session.execute(CourseAssignment.__table__.delete())
    _assign(client, unit="DINAS", with_subunits="y", position="PRAKOM")
    assert [a.user_id for a in db.session.scalars(select(CourseAssignment))] == [
        org["learner_a1"].id]


def test_reassigning_says_what_changed_and_keeps_a_history(db, client, org, login,
                                                           make_course):
    make_course()
    login(org["manager_a"])
    budi, citra, kabid = org["learner_a"], org["learner_a1"], org["manager_a"]
    first = _assign(client, employees=[budi.nip, citra.nip]).get_data(as_text=True)
    assert "“Kursus Uji” ditugaskan kepada 2 pegawai baru." in first
    later = (TODAY + timedelta(days=14)).isoformat()
    html = _assign(client, employees=[budi.nip, citra.nip, kabid.nip],
                   due_on=later).get_data(as_text=True)
    assert "ditugaskan kepada 1 pegawai baru" in html
    assert re.search(r"Tenggat 2 pegawai diubah dari [^<]+ menjadi [^<]+\.", html)
    html = _assign(client, employees=budi.nip, due_on=later).get_data(as_text=True)
    assert "1 pegawai sudah ditugaskan dengan tenggat yang sama: tidak berubah." in html
    changes = db.session.scalars(select(AssignmentChange).where(
        AssignmentChange.user_id == budi.id).order_by(AssignmentChange.id)).all()
    assert [(c.action, c.old_due_on and c.old_due_on.isoformat(),
             c.new_due_on.isoformat(), c.changed_by_id) for c in changes] == [
        ("assigned", None, NEXT_WEEK, kabid.id), ("due_changed", NEXT_WEEK, later, kabid.id)]
    # Each employee is told once per change.
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == budi.id).order_by(Notification.id)).all()
    assert kinds == ["assigned", "due_changed"]


def test_an_assignment_set_above_is_not_changed_by_a_lower_manager(db, client, app, org,
                                                                   login, make_course):
    make_course()
    login(org["manager_root"])
    _assign(client, employees=org["learner_a1"].nip)
    lower = app.test_client()
    login(org["manager_a"], target=lower)
    html = _assign(lower, employees=org["learner_a1"].nip,
                   due_on=(TODAY + timedelta(days=60)).isoformat()).get_data(as_text=True)
    assert "ditetapkan oleh atasan Anda atau admin dan tidak diubah: Citra" in html
    assert db.session.scalar(select(CourseAssignment.due_on)).isoformat() == NEXT_WEEK


def test_learner_sees_assigned_and_overdue(app, db, client, clock, org, login, make_course):
    make_course()
    login(org["manager_a"])
    _assign(client, nips=org["learner_a1"].nip, due_on=(TODAY + timedelta(days=1)).isoformat())
    clock.advance(timedelta(days=3))
    html = client.get("/atasan/").get_data(as_text=True)
    assert "1 pegawai punya pelatihan wajib yang lewat tenggat" in html
    # The manager's drill-down names the overdue course.
    html = client.get(f"/atasan/pegawai/{org['learner_a1'].nip}").get_data(as_text=True)
    assert "Pelatihan wajib" in html and "Kursus Uji" in html and "lewat tenggat" in html
    learner = app.test_client()
    login(org["learner_a1"], target=learner)
    html = learner.get("/").get_data(as_text=True)
    assert "Pelatihan wajib" in html and "lewat tenggat" in html


def test_needs_view_link_prefills_the_form(client, org, login, make_course):
    make_course()
    login(org["manager_root"])
    page = client.get("/atasan/penugasan/baru?kursus=kursus-uji&unit=BID-A").get_data(
        as_text=True)
    assert '<option value="kursus-uji" selected>' in page
    assert '<option value="BID-A" selected>' in page


def test_overdue_export_lists_each_late_course_in_scope(db, client, clock, org, login,
                                                        make_course):
    from tests.spreadsheet import export_rows

    make_course()
    login(org["manager_root"])
    due = TODAY + timedelta(days=1)
    _assign(client, nips=f"{org['learner_a1'].nip}\n{org['learner_b'].nip}",
            due_on=due.isoformat())
    _assign(client, nips=org["learner_a"].nip, due_on=(TODAY + timedelta(days=30)).isoformat())
    clock.advance(timedelta(days=4))  # three days past the first due date
    rows = export_rows(client.get("/atasan/ekspor/terlambat.csv").get_data(), keys=False)
    assert rows[0] == ["NIP", "Nama", "Unit", "Kursus", "Tenggat", "Hari terlambat",
                       "Ditugaskan oleh"]
    assert sorted(r[1] for r in rows[1:]) == ["Citra", "Dewi"]
    assert {(r[3], r[4], r[5], r[6]) for r in rows[1:]} == {
        ("Kursus Uji", due.isoformat(), "3", "Kepala Dinas")}
    # A manager of Bidang A sees only Citra; the XLSX carries the same rows.
    other = client.application.test_client()
    login(org["manager_a"], target=other)
    rows = export_rows(other.get("/atasan/ekspor/terlambat.csv").get_data())
    assert [r[1] for r in rows[1:]] == ["Citra"]
    xlsx = other.get("/atasan/ekspor/terlambat.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_two_managers_assigning_at_once_make_one_assignment_each(app, db, org, login,
                                                                 make_course):
    """Both read "nobody assigned yet" before either inserts (they wait for each other just
    before their flush); the loser's insert fails, it re-reads and re-dates instead of a 500."""
    import threading

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    make_course()
    clients = []
    for who in ("manager_root", "manager_a"):
        clients.append(app.test_client())
        login(org[who], target=clients[-1])
    arrived = threading.Barrier(2, timeout=5)

    def before_flush(session, _context, _instances):
        if any(isinstance(obj, CourseAssignment) for obj in session.new):
            try:
                arrived.wait()
            except threading.BrokenBarrierError:
                pass

    statuses = []

    def assign(client):
        statuses.append(client.post("/atasan/penugasan/baru", data={
            "course": "kursus-uji", "due_on": NEXT_WEEK, "unit": "BID-A"}).status_code)

    event.listen(Session, "before_flush", before_flush)
    try:
        threads = [threading.Thread(target=assign, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        event.remove(Session, "before_flush", before_flush)
    assert statuses == [302, 302]
    db.session.rollback()
    assert _count(db) == 2  # Kabid A and Budi, once each
    # Each was recorded as assigned once, whoever won.
    assert db.session.scalar(select(func.count()).select_from(AssignmentChange).where(
        AssignmentChange.action == "assigned")) == 2
