"""The ``lms`` command line as API.md describes it."""

from __future__ import annotations

import filecmp
from pathlib import Path

from sqlalchemy import func, select

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion
from lms.org.models import Unit
from tests.conftest import ROOT, write_course

STARTERS = sorted(str(p) for p in (ROOT / "courses").iterdir() if (p / "course.md").exists())


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_check_accepts_the_starter_courses(runner):
    result = runner.invoke(args=["lms", "check", *STARTERS])
    assert result.exit_code == 0, result.output


def test_check_works_before_the_database_exists(tmp_path):
    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}",
                      "SECRET_KEY": "x"})
    result = app.test_cli_runner().invoke(args=["lms", "check", *STARTERS])
    assert result.exit_code == 0, result.output
    assert "3 paket valid" in result.stdout and "lms init-db" in result.stderr


def test_check_reports_file_and_line(runner, tmp_path):
    folder = write_course(tmp_path, "rusak")
    quiz = folder / "01-dasar" / "03-kuis.quiz.md"
    quiz.write_text(quiz.read_text().replace("passing_score: 70", "passing_score: 170"))
    result = runner.invoke(args=["lms", "check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder}/01-dasar/03-kuis.quiz.md:3:" in result.output


def test_import_is_all_or_nothing(runner, db, tmp_path):
    good = write_course(tmp_path, "baik")
    bad = write_course(tmp_path, "buruk")
    (bad / "course.md").write_text("---\ntitle: Tanpa JP\nsummary: x\n---\n")
    result = runner.invoke(args=["lms", "import", str(good), str(bad)])
    assert result.exit_code == 1 and "course.md" in result.output
    assert _count(db, Course) == 0


def test_reimport_unchanged_creates_nothing(runner, db):
    assert runner.invoke(args=["lms", "import", *STARTERS]).exit_code == 0
    again = runner.invoke(args=["lms", "import", *STARTERS])
    assert again.exit_code == 0 and again.output.count("unchanged") == len(STARTERS)
    assert _count(db, CourseVersion) == len(STARTERS)


def test_export_import_export_gives_identical_files(runner, tmp_path):
    assert runner.invoke(args=["lms", "import", *STARTERS]).exit_code == 0
    for source in STARTERS:
        slug = Path(source).name
        first, second = tmp_path / "a" / slug, tmp_path / "b" / slug
        assert runner.invoke(args=["lms", "export", slug, str(first)]).exit_code == 0
        assert runner.invoke(args=["lms", "import", str(first)]).output.strip().endswith(
            "(version 1)")  # canonical export of unchanged content is not a new version
        assert runner.invoke(args=["lms", "export", slug, str(second)]).exit_code == 0
        _assert_same_tree(first, second)


def _assert_same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    _match, mismatch, errors = filecmp.cmpfiles(a, b, [str(f) for f in files_a], shallow=False)
    assert not mismatch and not errors


def test_seed_demo_is_idempotent(runner, db):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    users, units = _count(db, User), _count(db, Unit)
    assert users >= 6 and set().union(*(u.roles for u in db.session.scalars(select(User)))) == {
        "learner", "signer", "trainer", "manager", "admin"}
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert (_count(db, User), _count(db, Unit)) == (users, units)


def test_units_and_users_create(runner, db):
    assert runner.invoke(args=["lms", "units", "create", "INDUK", "Unit Induk"]).exit_code == 0
    result = runner.invoke(args=["lms", "units", "create", "ANAK", "Unit Anak", "--parent",
                                 "INDUK"])
    assert result.exit_code == 0
    assert runner.invoke(args=["lms", "units", "create", "X", "Y", "--parent", "NONE"]).exit_code == 1
    result = runner.invoke(
        args=["lms", "users", "create", "--nip", "19850312 201001 1 001", "--name", "Ani",
              "--role", "manager", "--unit", "ANAK", "--password-stdin"],
        input="kata-sandi-panjang\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.nip == "198503122010011001"))
    assert user.roles == {"manager"} and user.unit.code == "ANAK"
    generated = runner.invoke(
        args=["lms", "users", "create", "--nip", "198503122010012002", "--name", "Budi",
              "--role", "learner", "--unit", "ANAK"])
    assert "password:" in generated.output
    bad = runner.invoke(args=["lms", "users", "create", "--nip", "123", "--name", "X",
                              "--role", "learner", "--unit", "ANAK"])
    assert bad.exit_code == 1 and "18 digit" in bad.output


def test_import_employees_reports_every_bad_row_and_changes_nothing(runner, db, tmp_path):
    csv = tmp_path / "pegawai.csv"
    csv.write_text(
        "nip,name,employee_type,unit_code,unit_name,parent_unit_code,role\n"
        "198503122010011001,Ani,PNS,DINAS,Dinas Contoh,,learner\n"
        "198503122010131001,Budi,PNS,DINAS,,,learner\n"
        "199512012023211007,Yohanes,PPPK,SEKSI,Seksi Contoh,DINAS,boss\n")
    result = runner.invoke(args=["lms", "import-employees", str(csv)])
    assert result.exit_code == 1
    assert "line 3:" in result.output and "line 4:" in result.output
    assert _count(db, User) == 0 and _count(db, Unit) == 0
    csv.write_text(csv.read_text().replace("198503122010131001", "198703222012012003")
                   .replace("boss", "learner"))
    dry = runner.invoke(args=["lms", "import-employees", str(csv), "--dry-run"])
    assert dry.exit_code == 0 and _count(db, User) == 0
    assert runner.invoke(args=["lms", "import-employees", str(csv)]).exit_code == 0
    assert _count(db, User) == 3 and _count(db, Unit) == 2
    csv.write_text(csv.read_text().replace("Ani,", "Ani Lestari,"))
    assert "1 employee(s) created" not in runner.invoke(
        args=["lms", "import-employees", str(csv)]).output
    assert db.session.scalar(select(User.name).where(User.nip == "198503122010011001")) == \
        "Ani Lestari"


def test_token_create(runner, make_user):
    user = make_user()
    result = runner.invoke(args=["lms", "token", "create", user.nip])
    assert result.exit_code == 0 and result.output.startswith("lms_")
    assert runner.invoke(args=["lms", "token", "create", "198001012000011999"]).exit_code == 1
