"""Time is the agency's: "today", due dates, JP years and displayed times follow the TIMEZONE
setting (LMS_TIMEZONE), and every reading of the time goes through the injected clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import format_datetime
from sqlalchemy import select

from lms import create_app
from lms.auth.nip import NipInvalid, normalise_nip
from lms.competency.models import JpLedgerEntry
from lms.courses.models import Course
from lms.config import from_environment
from lms.planning.models import CourseAssignment
from lms.timeutil import local_date, timezone_name, today, utcnow
from tests.conftest import PASSING_ANSWERS

# 16:30 UTC on 31 December: 23:30 in Jakarta (WIB), already 00:30 on 1 January in Makassar
# (WITA, e.g. Alak) and 01:30 in Jayapura (WIT, e.g. Sorong).
NEW_YEARS_EVE = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
ZONES = [("Asia/Jakarta", 2026), ("Asia/Makassar", 2027), ("Asia/Jayapura", 2027)]


def _complete(client, slug: str) -> None:
    import re

    assert client.post(f"/kursus/{slug}/daftar").status_code == 302
    for lesson in ("pengantar", "lanjutan"):
        client.post(f"/kursus/{slug}/materi/{lesson}/selesai")
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1)}
    form.update({f"q-{qid}": answer for qid, answer in PASSING_ANSWERS.items()})
    assert client.post(f"/kursus/{slug}/kuis/kuis", data=form).status_code == 302


@pytest.mark.parametrize(("zone", "year"), ZONES)
def test_a_completion_counts_for_the_year_of_the_agency(app, db, client, clock, make_user, login,
                                                        make_course, zone, year):
    app.config["TIMEZONE"] = zone
    slug = make_course()
    user = make_user()
    login(user)
    clock.freeze(NEW_YEARS_EVE)
    _complete(client, slug)
    entry = db.session.scalar(select(JpLedgerEntry))
    assert (entry.year, entry.ended_on) == (year, date(year, 1, 1) if year == 2027
                                            else date(2026, 12, 31))
    assert entry.certificate_number.startswith(f"KASN-{year}-")
    profile = client.get(f"/profil?tahun={year}").get_data(as_text=True)
    assert "2 / 20 JP" in profile


@pytest.mark.parametrize(("zone", "overdue"), [("Asia/Jakarta", False), ("Asia/Jayapura", True)])
def test_a_due_date_passes_at_the_agency_midnight(app, db, client, clock, make_user, login,
                                                  make_course, zone, overdue):
    app.config["TIMEZONE"] = zone
    make_course()
    user = make_user()
    clock.freeze(NEW_YEARS_EVE)
    # Due on 31 December: in Jakarta it is still that day; in Jayapura it is already past.
    course_id = db.session.scalar(select(Course.id))
    db.session.add(CourseAssignment(user_id=user.id, course_id=course_id, due_on=date(2026, 12, 31)))
    db.session.commit()
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert "Pelatihan wajib" in page
    assert ("lewat tenggat" in page) is overdue


@pytest.mark.parametrize(("zone", "shown"), [("Asia/Jakarta", "23:30"), ("Asia/Makassar", "00:30"),
                                             ("Asia/Jayapura", "01:30")])
def test_pages_show_times_in_the_agency_zone(app, zone, shown):
    app.config["TIMEZONE"] = zone
    with app.test_request_context():
        assert format_datetime(datetime(2026, 12, 31, 16, 30), "HH:mm") == shown


def test_today_and_this_year_come_from_the_clock_and_the_zone(app, clock):
    clock.freeze(datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC))
    assert (utcnow(), today()) == (datetime(2026, 12, 31, 16, 59, 59), date(2026, 12, 31))
    clock.advance(timedelta(seconds=1))  # midnight in Jakarta
    assert today() == date(2027, 1, 1)
    app.config["TIMEZONE"] = "Asia/Makassar"
    assert local_date(datetime(2026, 12, 31, 15, 59)) == date(2026, 12, 31)
    assert local_date(datetime(2026, 12, 31, 16, 0)) == date(2027, 1, 1)


def test_a_nip_appointed_next_year_is_judged_by_the_agency_year(app, clock):
    # Appointment month January 2028 is at most "next year": valid once 2027 has begun locally.
    nip = "199001012028011001"
    clock.freeze(datetime(2026, 12, 31, 16, 59, tzinfo=UTC))  # 23:59 WIB
    with pytest.raises(NipInvalid):
        normalise_nip(nip)
    clock.freeze(datetime(2026, 12, 31, 17, 0, tzinfo=UTC))  # 00:00 WIB
    assert normalise_nip(nip) == nip


def test_the_time_zone_is_one_setting(monkeypatch, tmp_path):
    assert from_environment({"LMS_TIMEZONE": "Asia/Jayapura"}) == {"TIMEZONE": "Asia/Jayapura"}
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "UPLOAD_FOLDER": str(tmp_path)}
    app = create_app({**config, "TIMEZONE": "Asia/Makassar"})
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Makassar"
    with app.app_context():
        assert timezone_name() == "Asia/Makassar"
    # Outside an app (a script using the services), LMS_TIMEZONE still decides.
    monkeypatch.setenv("LMS_TIMEZONE", "Asia/Jayapura")
    assert timezone_name() == "Asia/Jayapura"
    monkeypatch.delenv("LMS_TIMEZONE")
    assert timezone_name() == "Asia/Jakarta"


def test_an_unknown_time_zone_stops_start_up(tmp_path):
    with pytest.raises(ValueError, match="LMS_TIMEZONE: unknown time zone 'Asia/Atlantis'"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "UPLOAD_FOLDER": str(tmp_path), "TIMEZONE": "Asia/Atlantis"})


def test_the_app_reads_the_time_only_through_timeutil():
    # Anything else would escape the agency's time zone and the tests' clock. (Migrations run
    # outside the app and import none of it.)
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "lms"
    forbidden = re.compile(r"\b(?:datetime\.(?:now|utcnow|today)|date\.today)\(")
    offenders = [f"{path.relative_to(root.parent)}:{number}"
                 for path in root.rglob("*.py")
                 if path.name != "timeutil.py" and "migrations" not in path.parts
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if forbidden.search(line)]
    assert offenders == [], "use lms.timeutil.utcnow() or today() instead"
