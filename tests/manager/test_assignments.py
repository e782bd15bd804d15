"""Mandatory training: assigning by NIP, unit (with or without sub-units) and position."""

from datetime import timedelta

from sqlalchemy import func, select

from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, utcnow

TODAY = local_date(utcnow())


def _count(db):
    return db.session.scalar(select(func.count()).select_from(CourseAssignment))


def _assign(client, **data):
    form = {"course": "kursus-uji", "due_on": (TODAY + timedelta(days=7)).isoformat(), **data}
    return client.post("/atasan/penugasan", data=form)


def test_assign_routes_scope(app, db, org, login, make_course):
    make_course()
    for who, status in {"learner_a": 403, "manager_b": 404}.items():
        client = app.test_client()
        login(org[who], target=client)
        assert client.get("/atasan/penugasan").status_code == (403 if status == 403 else 200)
        assert _assign(client, unit="SEK-A1").status_code == status
    # A NIP of another unit is refused, and nothing is assigned.
    client = app.test_client()
    login(org["manager_b"], target=client)
    page = _assign(client, nips=org["learner_a1"].nip, follow_redirects=True)
    assert _count(db) == 0 and "dalam lingkup Anda" in page.get_data(as_text=True)


def test_assign_by_unit_position_and_nip(db, client, org, login, make_course):
    make_course()
    login(org["manager_root"])
    assert _assign(client, unit="BID-A").status_code == 302
    assert _count(db) == 2  # Kabid A and Budi, not Citra of the sub-unit
    assert _assign(client, unit="BID-A", with_subunits="y").status_code == 302
    assert _count(db) == 3
    _assign(client, position="PRAKOM", due_on=(TODAY - timedelta(days=1)).isoformat())
    assert _count(db) == 3  # Citra's assignment re-dated, not duplicated
    _assign(client, nips=f"{org['learner_b'].nip}\n")
    assert _count(db) == 4


def test_learner_sees_assigned_and_overdue(app, db, client, org, login, make_course):
    make_course()
    login(org["manager_a"])
    _assign(client, nips=org["learner_a1"].nip, due_on=(TODAY - timedelta(days=2)).isoformat())
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
    page = client.get("/atasan/penugasan?kursus=kursus-uji&unit=BID-A").get_data(as_text=True)
    assert 'value="kursus-uji"' in page and 'value="BID-A"' in page


def test_overdue_export_lists_each_late_course_in_scope(db, client, org, login, make_course):
    import csv
    import io

    make_course()
    login(org["manager_root"])
    late = (TODAY - timedelta(days=3)).isoformat()
    _assign(client, nips=f"{org['learner_a1'].nip}\n{org['learner_b'].nip}", due_on=late)
    _assign(client, nips=org["learner_a"].nip)  # due next week: not overdue
    rows = list(csv.reader(io.StringIO(
        client.get("/atasan/ekspor/terlambat.csv").get_data(as_text=True))))
    assert rows[0] == ["nip", "name", "unit", "course", "due_on", "days_overdue",
                       "assigned_by"]
    assert sorted(r[1] for r in rows[1:]) == ["Citra", "Dewi"]
    assert {(r[3], r[4], r[5], r[6]) for r in rows[1:]} == {
        ("Kursus Uji", late, "3", "Kepala Dinas")}
    # A manager of Bidang A sees only Citra; the XLSX carries the same rows.
    other = client.application.test_client()
    login(org["manager_a"], target=other)
    rows = list(csv.reader(io.StringIO(
        other.get("/atasan/ekspor/terlambat.csv").get_data(as_text=True))))
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
        statuses.append(_assign(client, unit="BID-A").status_code)

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
