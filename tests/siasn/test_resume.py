"""A push that is killed, or loses SIASN's answer, never sends a record twice: the next push
finds it in the employee's SIASN history (or sends it once when it is not there)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.extensions import db as _db
from lms.siasn.lock import PushBusy, push_lock
from lms.siasn.models import SiasnRecord

ROOT = Path(__file__).resolve().parents[2]


def _records(db) -> dict[str, SiasnRecord]:
    db.session.expire_all()
    return {r.entry.certificate_number: r for r in db.session.scalars(select(SiasnRecord))}


def _past_the_grace(clock, db, number: str) -> None:
    """Move the clock past the moment the claim's request could still be in flight."""
    claimed = _records(db)[number].claimed_at
    clock.set(claimed + timedelta(minutes=5))


def test_a_lost_answer_is_reconciled_not_sent_again(runner, app, db, fake, person, completion,
                                                    make_user, clock):
    rina = person(make_user())
    first, slow, last = (completion(rina, title=t) for t in ("Satu", "Dua", "Tiga"))
    app.config["SIASN_TIMEOUT"] = 1
    fake.slow[slow.certificate_number] = ("store_then_hang", 3)

    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 1
    assert f"UNCERTAIN (checked by the next push): {rina.nip} {slow.certificate_number}" in \
        result.output
    assert _records(db)[slow.certificate_number].status == "sending"
    assert _records(db)[last.certificate_number].status == "sent"  # not blocked

    # Straight after, the request could still be in flight: it is left alone.
    del fake.slow[slow.certificate_number]
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert "claimed moments ago" in result.output
    assert _records(db)[slow.certificate_number].status == "sending"

    _past_the_grace(clock, db, slow.certificate_number)
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    assert "found in SIASN after an interrupted push" in result.output
    assert sorted(fake.numbers()) == sorted(e.certificate_number for e in (first, slow, last))
    stored = {r["nomorSertipikat"]: r["id"] for r in fake.records}
    assert _records(db)[slow.certificate_number].rw_kursus_id == stored[slow.certificate_number]


def _lms_push(app, fake, log) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    settings = {**{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY",
                                                "UPLOAD_FOLDER", "TIMEZONE")},
                **fake.settings(fake.base), "SIASN_TIMEOUT": 60}
    env.update({f"LMS_{k}": str(v) for k, v in settings.items()})
    env["LMS_INSTANCE_PATH"] = str(Path(app.config["UPLOAD_FOLDER"]).parent / "instance")
    return subprocess.Popen([sys.executable, "-c", "from lms.cli import main; main()",
                             "siasn", "push"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


@pytest.mark.parametrize("mode", ["store_then_hang", "hang"])
def test_killed_push_then_rerun_sends_each_record_exactly_once(
        runner, app, db, fake, person, completion, make_user, clock, mode, tmp_path):
    """``store_then_hang``: SIASN recorded it and the push died before storing the id;
    ``hang``: the push died before SIASN recorded anything."""
    rina, sari = person(make_user(name="Rina")), person(make_user(name="Sari"))
    entries = [completion(rina, title="Satu"), completion(sari, title="Dua"),
               completion(rina, title="Tiga")]
    killed = entries[1]
    fake.slow[killed.certificate_number] = (mode, 60)
    _db.session.commit()
    _db.engine.dispose()  # no connection of ours holds SQLite while the other process writes

    log = tmp_path / "push.log"
    with log.open("wb") as out:
        process = _lms_push(app, fake, out)
        try:
            assert fake.received.wait(60), log.read_text()
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    records = _records(db)
    assert records[killed.certificate_number].status == "sending"
    assert records[entries[0].certificate_number].status == "sent"
    assert entries[2].certificate_number not in records
    del fake.slow[killed.certificate_number]

    _past_the_grace(clock, db, killed.certificate_number)
    result = runner.invoke(args=["lms", "siasn", "push"])
    assert result.exit_code == 0, result.output
    expected = ("found in SIASN after an interrupted push" if mode == "store_then_hang"
                else "not found in SIASN after an interrupted push, sent again")
    assert f"{expected}: {sari.nip} {killed.certificate_number}" in result.output
    assert sorted(fake.numbers()) == sorted(e.certificate_number for e in entries)
    records = _records(db)
    stored = {r["nomorSertipikat"]: r["id"] for r in fake.records}
    assert {n: r.rw_kursus_id for n, r in records.items()} == stored
    assert all(r.status == "sent" for r in records.values())
    # And once more: nothing to do.
    assert runner.invoke(args=["lms", "siasn", "push"]).exit_code == 0
    assert len(fake.records) == 3


def test_one_push_at_a_time(app, runner, fake):
    with push_lock(app):
        with pytest.raises(PushBusy), push_lock(app):
            pass
        result = runner.invoke(args=["lms", "siasn", "push"])
        assert result.exit_code == 1 and "another `lms siasn push` is running" in result.output
    with push_lock(app):  # released
        pass
