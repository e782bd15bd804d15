"""The assignments page and one course's assignment page: progress per due date, moving
the due date, cancelling, the history of changes, scope on every route and CSRF."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.notifications.models import Notification
from lms.planning.models import AssignmentChange, CourseAssignment
from lms.timeutil import local_date, utcnow

TODAY = local_date(utcnow())
WEEK = TODAY + timedelta(days=7)
MONTH = TODAY + timedelta(days=30)
PAGE = "/atasan/penugasan/kursus/kursus-uji"
CHANGE = PAGE + "/ubah"


def _assign(client, due, **data):
    response = client.post("/atasan/penugasan/baru", data={
        "course": "kursus-uji", "due_on": due.isoformat(), **data})
    assert response.status_code == 302, response.get_data(as_text=True)


def _cells(html: str, label: str) -> list[str]:
    """The cells of the table row whose heading contains ``label``, as text."""
    row = re.search(rf"<tr>\s*<th scope=\"row\">[^\n]*{re.escape(label)}.*?</tr>", html, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip()
            for c in re.findall(r"<td>(.*?)</td>", row.group(0), re.S)]


def _due(db, user) -> str | None:
    db.session.expire_all()
    due = db.session.scalar(select(CourseAssignment.due_on).where(
        CourseAssignment.user_id == user.id))
    return due.isoformat() if due else None


@pytest.fixture
def assigned(db, client, org, login, make_course, credit):
    """Kabid A assigns the course to Budi and Citra (next week) and to himself (next month);
    Citra completed it, Budi started it."""
    make_course()
    login(org["manager_a"])
    _assign(client, WEEK, employees=[org["learner_a"].nip, org["learner_a1"].nip])
    _assign(client, MONTH, employees=org["manager_a"].nip)
    credit(org["learner_a1"])
    course = db.session.scalar(select(Course))
    db.session.add(Enrollment(user_id=org["learner_a"].id, course_id=course.id))
    db.session.commit()
    return org


def test_the_list_shows_each_course_and_due_date_with_its_progress(client, clock, assigned,
                                                                  login):
    html = client.get("/atasan/penugasan").get_data(as_text=True)
    week, month = re.findall(r'<th scope="row"><a href="/atasan/penugasan/kursus/kursus-uji">'
                             r"Kursus Uji</a></th>(.*?)</tr>", html, re.S)
    cells = lambda row: [re.sub(r"<[^>]+>|\s+", " ", c).strip()  # noqa: E731
                         for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    # target, due date, done, in progress, not started, overdue
    assert cells(week)[0].startswith("2 pegawai: Budi, Citra")
    assert cells(week)[2:] == ["1", "1", "0", "0"]
    assert cells(month)[0].startswith("1 pegawai: Kabid A") and cells(month)[2:] == [
        "0", "0", "1", "0"]
    clock.advance(timedelta(days=8))  # past next week's due date: Budi is overdue
    html = client.get("/atasan/penugasan").get_data(as_text=True)
    week = re.findall(r"Kursus Uji</a></th>(.*?)</tr>", html, re.S)[0]
    assert cells(week)[2:] == ["1", "1", "0", "1"]


def test_every_route_checks_the_scope(app, db, client, assigned, login, make_user):
    org = assigned
    budi = org["learner_a"].nip
    learner = app.test_client()
    login(org["learner_a"], target=learner)
    for path in ("/atasan/penugasan", "/atasan/penugasan/baru", PAGE):
        assert learner.get(path).status_code == 403, path
    assert learner.post(CHANGE, data={"action": "batal", "nips": budi,
                                      "confirm": "y"}).status_code == 403
    other = app.test_client()
    login(org["manager_b"], target=other)
    assert "Kursus Uji" not in other.get("/atasan/penugasan").get_data(as_text=True)
    assert other.get(PAGE).status_code == 404
    assert other.post(CHANGE, data={"action": "batal", "nips": budi,
                                    "confirm": "y"}).status_code == 404
    assert other.post(CHANGE, data={"action": "tenggat", "group_due": WEEK.isoformat(),
                                    "due_on": MONTH.isoformat()}).status_code == 404
    assert client.get("/atasan/penugasan/kursus/tidak-ada").status_code == 404
    # A manager of the sub-unit sees only Citra; the admin sees everyone.
    sub = app.test_client()
    login(make_user("manager", org["a1"], name="Kasi A1"), target=sub)
    html = sub.get(PAGE).get_data(as_text=True)
    assert "Citra" in html and "Budi" not in html
    assert sub.post(CHANGE, data={"action": "batal", "nips": budi,
                                  "confirm": "y"}).status_code == 404
    admin = app.test_client()
    login(org["admin"], target=admin)
    html = admin.get(PAGE).get_data(as_text=True)
    assert "Budi" in html and "Citra" in html and "Kabid A" in html
    assert _due(db, org["learner_a"]) == WEEK.isoformat()


def test_moving_a_due_date_group_is_kept_in_the_history_and_told(db, client, assigned):
    org = assigned
    response = client.post(CHANGE, data={"action": "tenggat", "group_due": WEEK.isoformat(),
                                         "due_on": MONTH.isoformat()}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Tenggat 2 pegawai diubah menjadi" in html
    assert _due(db, org["learner_a"]) == _due(db, org["learner_a1"]) == MONTH.isoformat()
    # One group now; the history names who changed what from what to what.
    assert len(re.findall(r"Kursus Uji</a></th>", client.get("/atasan/penugasan")
                          .get_data(as_text=True))) == 1
    history = html[html.index('id="riwayat"'):]
    assert re.search(r"Budi.*?tenggat [^<]+ → [^<]+</td>\s*<td>Kabid A</td>", history, re.S)
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == org["learner_a"].id, Notification.kind == "due_changed"))
    assert notice.params["old_due_on"] == WEEK.isoformat()
    assert notice.params["due_on"] == MONTH.isoformat()


def test_cancelling_one_employee_needs_a_confirmation(db, client, assigned):
    org = assigned
    budi = org["learner_a"]
    page = client.post(CHANGE, data={"action": "batal", "nips": budi.nip})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Centang untuk memastikan pembatalan." in html
    assert f'value="{budi.nip}" id="p-{budi.nip}" checked' in html  # the tick is kept
    assert _due(db, budi) == WEEK.isoformat()
    page = client.post(CHANGE, data={"action": "batal", "nips": budi.nip, "confirm": "y"},
                       follow_redirects=True)
    assert "Penugasan 1 pegawai dibatalkan." in page.get_data(as_text=True)
    assert _due(db, budi) is None and _due(db, org["learner_a1"]) == WEEK.isoformat()
    last = db.session.scalars(select(AssignmentChange).where(
        AssignmentChange.user_id == budi.id).order_by(AssignmentChange.id.desc())).first()
    assert (last.action, last.old_due_on, last.new_due_on, last.changed_by_id) == (
        "cancelled", WEEK, None, org["manager_a"].id)
    assert "dibatalkan (tenggat" in page.get_data(as_text=True)
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == budi.id, Notification.kind == "assignment_cancelled"))


def test_bad_changes_come_back_with_the_error_next_to_the_field(db, client, assigned):
    org = assigned
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    page = client.post(CHANGE, data={"action": "tenggat", "nips": org["learner_a"].nip,
                                     "due_on": yesterday})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert re.search(r'id="due-pegawai-error">Tenggat tidak boleh sebelum hari ini', html)
    assert f'value="{yesterday}"' in html
    page = client.post(CHANGE, data={"action": "tenggat", "group_due": WEEK.isoformat(),
                                     "due_on": ""})
    assert page.status_code == 422
    assert f'id="due-{WEEK.isoformat()}-error"' in page.get_data(as_text=True)
    page = client.post(CHANGE, data={"action": "tenggat", "due_on": MONTH.isoformat()})
    assert page.status_code == 422 and "Centang pegawai" in page.get_data(as_text=True)
    assert client.post(CHANGE, data={"action": "hapus-semua"}).status_code == 400
    assert _due(db, org["learner_a"]) == WEEK.isoformat()


def test_a_lower_manager_cannot_change_what_was_set_above(db, app, client, assigned, login):
    org = assigned
    boss = app.test_client()
    login(org["manager_root"], target=boss)
    _assign(boss, MONTH, employees=org["learner_b"].nip)  # outside Bidang A: not in its view
    _assign(boss, MONTH, employees=org["learner_a1"].nip)  # re-dated by the head of agency
    html = client.get(PAGE).get_data(as_text=True)
    assert f'name="nips" value="{org["learner_a1"].nip}"' not in html
    assert f'name="nips" value="{org["learner_a"].nip}"' in html
    page = client.post(CHANGE, data={"action": "batal", "group_due": MONTH.isoformat(),
                                     "confirm": "y"}, follow_redirects=True)
    assert "1 penugasan tidak diubah" in page.get_data(as_text=True)
    assert _due(db, org["learner_a1"]) == MONTH.isoformat()  # Citra's stays
    assert _due(db, org["manager_a"]) is None and _due(db, org["learner_b"]) == MONTH.isoformat()


def test_posts_need_the_csrf_token(app, client, assigned):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production, once signed in
    data = {"action": "batal", "nips": assigned["learner_a"].nip, "confirm": "y"}
    assert client.post(CHANGE, data=data).status_code == 400
    assert client.post("/atasan/penugasan/baru", data={
        "course": "kursus-uji", "due_on": WEEK.isoformat(), "unit": "BID-A"}).status_code == 400
    # With the token from the page, it goes through.
    html = client.get(PAGE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post(CHANGE, data={**data, "csrf_token": token}).status_code == 302
