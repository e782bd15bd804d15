"""E-mail addresses come in through the CSV import, `lms users` and the demo accounts."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth.models import User
from lms.demo import ACCOUNTS

HEADER = "nip,name,employee_type,unit_code,unit_name,role,email\n"


def _user(db, nip):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.nip == nip))


def test_csv_import_sets_checks_and_keeps_addresses(runner, db, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_text(HEADER + "198503122010011001,Ani,PNS,DINAS,Dinas,learner,"
                    "ani@Dinas.EXAMPLE\n")
    assert runner.invoke(args=["lms", "import-employees", str(path)]).exit_code == 0
    assert _user(db, "198503122010011001").email == "ani@dinas.example"
    # An empty cell, or a file without the column, keeps the stored address.
    path.write_text(HEADER + "198503122010011001,Ani S.,PNS,DINAS,,learner,\n")
    assert runner.invoke(args=["lms", "import-employees", str(path)]).exit_code == 0
    path.write_text("nip,name,unit_code\n198503122010011001,Ani Suryani,DINAS\n")
    assert runner.invoke(args=["lms", "import-employees", str(path)]).exit_code == 0
    assert _user(db, "198503122010011001").email == "ani@dinas.example"
    # A bad address is reported with its line, and nothing changes.
    path.write_text(HEADER + "198503122010011001,Ani,PNS,DINAS,,learner,ani@dinas.example\n"
                    "198703222012012003,Budi,PNS,DINAS,,learner,budi at dinas\n")
    result = runner.invoke(args=["lms", "import-employees", str(path)])
    assert result.exit_code == 1
    assert "line 3: email budi at dinas is not a valid e-mail address" in result.output
    assert _user(db, "198703222012012003") is None


def test_lms_users_create_and_set_email(runner, db, make_unit):
    make_unit("DINAS")
    result = runner.invoke(args=["lms", "users", "create", "--nip", "198503122010011001",
                                 "--name", "Ani", "--role", "learner", "--unit", "DINAS",
                                 "--email", "ani@dinas.example"])
    assert result.exit_code == 0, result.output
    assert _user(db, "198503122010011001").email == "ani@dinas.example"
    result = runner.invoke(args=["lms", "users", "create", "--nip", "198703222012012003",
                                 "--name", "Budi", "--role", "learner", "--unit", "DINAS",
                                 "--email", "budi@"])
    assert result.exit_code == 1 and "not a valid e-mail address" in result.output
    assert _user(db, "198703222012012003") is None
    result = runner.invoke(args=["lms", "users", "set-email", "19850312 201001 1 001",
                                 "ani.suryani@dinas.example"])
    assert result.exit_code == 0
    assert result.output.strip() == "e-mail of 198503122010011001: ani.suryani@dinas.example"
    assert _user(db, "198503122010011001").email == "ani.suryani@dinas.example"
    assert runner.invoke(args=["lms", "users", "set-email", "198503122010011001",
                               "no-at-sign"]).exit_code == 1
    assert _user(db, "198503122010011001").email == "ani.suryani@dinas.example"
    result = runner.invoke(args=["lms", "users", "set-email", "198503122010011001", ""])
    assert result.exit_code == 0 and _user(db, "198503122010011001").email is None
    assert runner.invoke(args=["lms", "users", "set-email", "199001012015011999",
                               "x@dinas.example"]).exit_code == 1


def test_every_demo_account_has_an_address(runner, db):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    users = {u.nip: u for u in db.session.scalars(select(User))}
    addresses = [users[nip].email for nip, *_rest in ACCOUNTS]
    assert all(a and a.endswith(".example") for a in addresses)
    assert len(set(addresses)) == len(ACCOUNTS)
    # An older demo database, seeded before accounts had addresses, gets them.
    users[ACCOUNTS[0][0]].email = None
    db.session.commit()
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert _user(db, ACCOUNTS[0][0]).email == addresses[0]
