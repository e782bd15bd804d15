"""Positions, employee placement and the extended employee CSV import."""

from pathlib import Path

import pytest

from sqlalchemy import func, select

from lms.auth.models import User
from lms.org.models import Position, Unit
from lms.org.services import PositionError, save_position

ROOT = Path(__file__).resolve().parents[2]
HEADER = ("nip,name,employee_type,unit_code,unit_name,parent_unit_code,role,position_code,"
          "golongan,supervisor_nip\n")


def _user(db, nip):
    return db.session.scalar(select(User).where(User.nip == nip))


def test_seed_demo_places_employees_idempotently(runner, db):
    for _ in range(2):
        assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Position)) == 6
    rina = _user(db, "198509252010012004")
    assert rina.position.code == "PRAKOM-AP" and rina.golongan == "III/b"
    assert rina.supervisor.nip == "198204102008011003"
    assert rina.position.required_levels["T.01"] == 3
    dukcapil = db.session.scalar(select(Unit).where(Unit.code == "DUKCAPIL"))
    assert dukcapil.head.nip == "198204102008011003"


def test_sample_csv_imports_after_seed_demo(runner, db):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    sample = ROOT / "docs" / "sample-employees.csv"
    result = runner.invoke(args=["lms", "import-employees", str(sample)])
    assert result.exit_code == 0, result.output
    assert "6 employee(s) created" in result.output
    dewi = _user(db, "199204232017082001")
    assert dewi.position.code == "PRAKOM-AP" and dewi.golongan == "III/a"
    assert dewi.supervisor.nip == "198810172012021002"
    maria = _user(db, "199301052024212003")
    assert maria.employee_type == "PPPK" and maria.golongan == "VII"


def test_import_checks_position_golongan_and_supervisor(runner, db, tmp_path):
    save_position(db.session, "STAF", "Staf", "pelaksana", {"M.01": 1})
    db.session.commit()
    path = tmp_path / "pegawai.csv"
    path.write_text(
        HEADER
        + "198503122010011001,Ani,PNS,DINAS,Dinas,,learner,STAF,III/a,\n"
        + "198703222012012003,Budi,PNS,DINAS,,,learner,TIDAK-ADA,III/a,\n"
        + "198703222012012004,Citra,PNS,DINAS,,,learner,STAF,V/z,\n"
        + "198703222012012005,Dedi,PNS,DINAS,,,learner,,,199001012015011999\n"
        + "198703222012012006,Eko,PNS,DINAS,,,learner,,,198703222012012006\n")
    result = runner.invoke(args=["lms", "import-employees", str(path)])
    assert result.exit_code == 1
    for line, reason in [(3, "position TIDAK-ADA"), (4, "golongan V/z"),
                         (5, "supervisor 199001012015011999"), (6, "own supervisor")]:
        assert f"line {line}:" in result.output and reason in result.output
    assert "line 2:" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    # A supervisor later in the same file is fine; re-import updates in place.
    path.write_text(
        HEADER
        + "198503122010011001,Ani,PNS,DINAS,Dinas,,learner,STAF,III/a,198703222012012003\n"
        + "198703222012012003,Budi,PNS,DINAS,,,manager,STAF,III/c,\n")
    assert runner.invoke(args=["lms", "import-employees", str(path)]).exit_code == 0
    assert _user(db, "198503122010011001").supervisor.name == "Budi"
    path.write_text(path.read_text().replace("III/c", "III/d"))
    output = runner.invoke(args=["lms", "import-employees", str(path)]).output
    assert "0 employee(s) created, 2 updated" in output
    assert _user(db, "198703222012012003").golongan == "III/d"


def test_position_requirements_are_validated_and_replaced(db):
    position = save_position(db.session, "P1", "Analis", "fungsional", {"M.01": 2, "M.03": 3})
    assert position.required_levels == {"M.01": 2, "M.03": 3}
    save_position(db.session, "P1", "Analis Kebijakan", "fungsional", {"M.03": 4})
    assert position.required_levels == {"M.03": 4} and position.name == "Analis Kebijakan"
    for bad in ({"X.99": 1}, {"M.01": 6}):
        with pytest.raises(PositionError):
            save_position(db.session, "P2", "X", "fungsional", bad)
    with pytest.raises(PositionError, match="type"):
        save_position(db.session, "P3", "X", "eselon", {})
