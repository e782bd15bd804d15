"""Migration 0021 gives every existing xAPI row the statement that recording it today would
store: stepping down drops the stored statements, stepping up rebuilds them from what is known
(the learner's name of that moment, the course, the attempt's duration)."""

from __future__ import annotations

from datetime import datetime, timedelta

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from lms.auth.services import create_user
from lms.competency.services import seed_framework
from lms.courses.importer import import_packages
from lms.courses.services import find_item, get_version
from lms.extensions import db
from lms.learning.services import complete_course_if_done, complete_lesson, enrol
from lms.org.services import create_unit
from lms.quizzes.services import submit_attempt
from lms.xapi.models import XapiStatement
from tests.conftest import PASSING_ANSWERS, valid_nip, write_course


def test_existing_rows_get_the_statement_recording_would_store(scratch_url, tmp_path, clock):
    from lms import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "BASE_URL": "https://kelas.example.go.id"})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        seed_framework(db.session)
        create_unit(db.session, "DINAS", "Dinas")
        learner = create_user(db.session, nip=valid_nip(), name="Siti Rahma", roles="learner",
                              unit_code="DINAS", password="rahasia-123")
        import_packages(db.session, [write_course(tmp_path / "src")])
        db.session.commit()
        version = get_version(db.session, *_course_and_number(db.session))
        enrol(db.session, learner, version)
        for key in ("pengantar", "lanjutan"):
            complete_lesson(db.session, learner, version, find_item(version, key))
        clock.freeze(datetime(2026, 6, 17, 3, 30))
        submit_attempt(db.session, learner, version, find_item(version, "kuis"),
                       {"q-jp": "60"}, started_at=datetime(2026, 6, 17, 3, 21, 30))
        submit_attempt(db.session, learner, version, find_item(version, "kuis"),
                       PASSING_ANSWERS, started_at=datetime(2026, 6, 17, 3, 25))
        complete_course_if_done(db.session, learner, version)
        db.session.commit()
        recorded = {r.id: r.statement for r in db.session.scalars(select(XapiStatement))}
        assert len(recorded) == 5  # two lessons, two attempts, the course
        db.session.remove()

        downgrade(directory=directory, revision="0021")
        downgrade(directory=directory, revision=_before("0021", directory))
        columns = {c["name"] for c in inspect(db.engine).get_columns("xapi_statements")}
        assert {"statement", "parked_at", "parked_reason"}.isdisjoint(columns)
        upgrade(directory=directory)

        rebuilt = {r.id: r.statement for r in db.session.scalars(select(XapiStatement))}
        assert rebuilt == recorded
        durations = sorted(s["result"].get("duration", "") for s in rebuilt.values())
        assert durations == ["", "", "", "PT5M", "PT8M30S"]
        db.session.remove()
        db.engine.dispose()


def _course_and_number(session) -> tuple[int, int]:
    return session.execute(text("SELECT id, current_number FROM courses")).one()


def _before(revision: str, directory: str) -> str:
    """The revision 0021 follows (the chain is linear)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", directory)
    return ScriptDirectory.from_config(config).get_revision(revision).down_revision


def test_durations_are_iso_8601():
    from lms.xapi.statements import iso_duration

    assert [iso_duration(timedelta(seconds=s)) for s in (0, 5, 492.5, 3600, 3603.456, -3)] == [
        "PT0S", "PT5S", "PT8M12.5S", "PT1H", "PT1H3.46S", "PT0S"]
