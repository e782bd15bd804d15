"""Who sees a mentoring programme and its notes, and who may do what: out of scope 404, in
scope but not one's to do 403, and nothing changes either way."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from flask import g
from sqlalchemy import func, select

from lms.competency.models import JpLedgerEntry
from lms.mentoring.models import MentoringProgramme, MentoringSession
from lms.mentoring.services import SessionInput, log_session
from tests.conftest import PASSWORD

NOTE = "Catatan rahasia: gugup berbicara"


@pytest.fixture
def second_mentee(db, org, make_user, programme):
    """Eko, also of Seksi A1, in the same programme, with a session of his own."""
    from lms.mentoring.models import MentoringMentee

    eko = make_user("learner", org["a1"], name="Eko")
    part = MentoringMentee(user_id=eko.id)
    programme.mentees.append(part)
    db.session.flush()
    log_session(db.session, part, org["learner_a"], SessionInput(
        date(2026, 6, 4), 45, "Sesi Eko", "Catatan Eko"))
    db.session.commit()
    return eko


def _urls(programme) -> dict[str, str]:
    part = programme.mentees[0]
    row = part.sessions[0]
    return {"page": f"/mentoring/{programme.id}",
            "log": f"/mentoring/{programme.id}/peserta/{part.id}/sesi",
            "confirm": f"/mentoring/sesi/{row.id}/konfirmasi",
            "validate": f"/mentoring/{programme.id}/peserta/{part.id}/validasi"}


def _log_data(programme) -> dict:
    part = programme.mentees[0]
    return {f"s{part.id}-held_on": "2026-06-05", f"s{part.id}-minutes": "60",
            f"s{part.id}-topic": "Sesi baru"}


def _unchanged(db) -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(MentoringSession)),
            db.session.scalar(select(func.count()).select_from(MentoringSession).where(
                MentoringSession.confirmed_at.is_not(None))),
            db.session.scalar(select(func.count()).select_from(JpLedgerEntry)))


@pytest.mark.parametrize("who", ["manager_b", "learner_b"])
def test_outsiders_get_404_everywhere(app, db, org, programme, as_user, clock, who):
    clock.set(datetime(2026, 7, 1, 3, 0))
    client, urls, before = as_user(org[who]), _urls(programme), _unchanged(db)
    assert client.get(urls["page"]).status_code == 404
    assert client.post(urls["log"], data=_log_data(programme)).status_code == 404
    assert client.post(urls["confirm"]).status_code == 404
    assert client.post(urls["validate"],
                       data={f"v{programme.mentees[0].id}-level": "3"}).status_code == 404
    assert _unchanged(db) == before
    assert "M.05" not in client.get("/mentoring").get_data(as_text=True)


def test_outside_manager_does_not_list_it(app, db, org, programme, as_user):
    assert "Menyusun agenda" not in as_user(org["manager_b"]).get(
        "/atasan/mentoring").get_data(as_text=True)
    assert "M.05 Pelayanan Publik" not in as_user(org["manager_b"]).get(
        "/atasan/mentoring").get_data(as_text=True)


@pytest.mark.parametrize("who", ["manager_a", "manager_root", "admin", "learner_a",
                                 "learner_a1"])
def test_mentor_mentee_supervisors_and_admins_see_the_notes(app, org, programme, as_user, who):
    page = as_user(org[who]).get(_urls(programme)["page"])
    assert page.status_code == 200 and NOTE in page.get_data(as_text=True)


def test_mentee_may_only_confirm_and_mentor_only_log(app, db, org, programme, as_user,
                                                     clock):
    clock.set(datetime(2026, 7, 1, 3, 0))
    urls, before = _urls(programme), _unchanged(db)
    level = {f"v{programme.mentees[0].id}-level": "3"}
    mentee, mentor = as_user(org["learner_a1"]), as_user(org["learner_a"])
    assert mentee.post(urls["log"], data=_log_data(programme)).status_code == 403
    assert mentee.post(urls["validate"], data=level).status_code == 403
    assert mentor.post(urls["confirm"]).status_code == 403
    assert mentor.post(urls["validate"], data=level).status_code == 403
    # A supervisor neither logs nor confirms.
    manager = as_user(org["manager_a"])
    assert manager.post(urls["log"], data=_log_data(programme)).status_code == 403
    assert manager.post(urls["confirm"]).status_code == 403
    assert _unchanged(db) == before


def test_a_mentee_sees_not_the_other_mentees_notes(app, db, org, programme, second_mentee,
                                                   as_user):
    eko = as_user(second_mentee)
    page = eko.get(_urls(programme)["page"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Catatan Eko" in text and NOTE not in text and "Citra" not in text
    before = _unchanged(db)
    assert eko.post(_urls(programme)["confirm"]).status_code == 404
    assert _unchanged(db) == before
    citra = as_user(org["learner_a1"]).get(_urls(programme)["page"]).get_data(as_text=True)
    assert NOTE in citra and "Catatan Eko" not in citra


def test_a_mentor_who_manages_does_not_validate_his_own_mentoring(app, db, org, as_user, clock):
    from lms.mentoring.services import ProgrammeInput, create_programme

    made = create_programme(db.session, ProgrammeInput(
        "coaching", org["manager_a"].nip, (org["learner_a1"].nip,), "M.03", "Tujuan",
        date(2026, 6, 1), date(2026, 6, 30)), org["manager_a"], None)
    part = made.mentees[0]
    row = log_session(db.session, part, org["manager_a"], SessionInput(
        date(2026, 6, 2), 60, "Topik"))
    row.confirmed_at = datetime(2026, 6, 2, 5)
    db.session.commit()
    clock.set(datetime(2026, 7, 1, 3, 0))
    own = as_user(org["manager_a"])
    assert "Validasi mentoring" not in own.get("/atasan/tindakan").get_data(as_text=True)
    assert own.post(f"/mentoring/{made.id}/peserta/{part.id}/validasi",
                    data={f"v{part.id}-level": "2"}).status_code == 403
    above = as_user(org["manager_root"])
    assert "Validasi mentoring" in above.get("/atasan/tindakan").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/atasan/mentoring", "/atasan/mentoring/baru"])
def test_learners_cannot_reach_the_manager_pages(app, org, as_user, path):
    client = as_user(org["learner_a"])
    assert client.get(path).status_code == 403
    if path.endswith("baru"):
        assert client.post(path, data={"kind": "mentoring"}).status_code == 403


def test_managers_pair_only_people_of_their_subtree(app, db, org, as_user):
    response = as_user(org["manager_b"]).post("/atasan/mentoring/baru", data={
        "kind": "mentoring", "mentor_nip": org["learner_b"].nip,
        "mentee_nips": org["learner_a1"].nip, "competency_code": "M.05", "goals": "T",
        "starts_on": "2026-06-01", "ends_on": "2026-06-30"})
    assert response.status_code == 422
    assert "di luar unit Anda" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MentoringProgramme)) == 0


def test_session_form_works_with_csrf_and_is_refused_without(csrf_app, db, org, programme):
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": org["learner_a"].nip, "password": PASSWORD,
                                "csrf_token": token})
    # Requests share the test's ``g``, where Flask-WTF caches the token of the session before
    # signing in (which began a new session): forget it, as a new request would.
    g.pop("csrf_token", None)
    part = programme.mentees[0]
    page = client.get(f"/mentoring/{programme.id}").get_data(as_text=True)
    field = re.search(rf'name="(s{part.id}-csrf_token)" type="hidden" value="([^"]+)"', page)
    url, data = _urls(programme)["log"], _log_data(programme)
    assert client.post(url, data=data).status_code == 400
    assert client.post(url, data={**data, field.group(1): field.group(2)}).status_code == 302
    assert _unchanged(db)[0] == 2
