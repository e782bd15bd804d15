"""`lms users set-password` and `lms framework export|import`."""

from sqlalchemy import func, select

from lms.auth.models import User
from lms.competency.models import Competency, CompetencyLevel


def _version(db, nip):
    db.session.expire_all()
    return db.session.scalar(select(User.session_version).where(User.nip == nip))


def test_set_password_from_stdin(runner, db, org, login, app):
    budi = org["learner_a"]
    before = _version(db, budi.nip)
    spaced = f"{budi.nip[:8]} {budi.nip[8:14]} {budi.nip[14]} {budi.nip[15:]}"
    result = runner.invoke(args=["lms", "users", "set-password", spaced, "--password-stdin"],
                           input="sandi-dari-cli\n")
    assert result.exit_code == 0, result.output
    assert "password:" not in result.output
    assert _version(db, budi.nip) == before + 1
    assert login(budi, password="sandi-dari-cli", target=app.test_client()).status_code == 302


def test_set_password_generated_and_printed(runner, db, org, login, app):
    result = runner.invoke(args=["lms", "users", "set-password", org["learner_b"].nip])
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].strip()
    assert len(password) >= 12
    assert login(org["learner_b"], password=password,
                 target=app.test_client()).status_code == 302


def test_set_password_failures(runner, db, org):
    result = runner.invoke(args=["lms", "users", "set-password", "199001012015011999"])
    assert result.exit_code == 1 and "no user with NIP" in result.output
    before = _version(db, org["learner_a"].nip)
    result = runner.invoke(args=["lms", "users", "set-password", org["learner_a"].nip,
                                 "--password-stdin"], input="pendek\n")
    assert result.exit_code == 1 and "minimal 8" in result.output
    assert _version(db, org["learner_a"].nip) == before


def test_framework_export_import_round_trip(runner, db, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    result = runner.invoke(args=["lms", "framework", "export", str(first)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["lms", "framework", "import", str(first)])
    assert result.exit_code == 0 and "0 competency(ies) added, 10 updated" in result.output
    assert runner.invoke(args=["lms", "framework", "export", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    stdout = runner.invoke(args=["lms", "framework", "export"])
    assert stdout.exit_code == 0
    assert stdout.output.replace("\r\n", "\n") == first.read_text(encoding="utf-8").replace(
        "\r\n", "\n")


def test_framework_import_all_or_nothing_and_dry_run(runner, db, tmp_path):
    levels = db.session.scalar(select(func.count()).select_from(CompetencyLevel))
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,group\nT.02,Analisis Data,teknis\nT3,X,teknis\nT.04,,teknis\n",
                   encoding="utf-8")
    result = runner.invoke(args=["lms", "framework", "import", str(bad)])
    assert result.exit_code == 1
    assert "baris 3: kode T3 tidak sesuai format" in result.output
    assert "baris 4: nama wajib diisi" in result.output
    assert db.session.get(Competency, "T.02") is None
    good = tmp_path / "good.csv"
    good.write_text("code,name,group,level_1\nT.02,Analisis Data,teknis,Membaca data.\n",
                    encoding="utf-8")
    result = runner.invoke(args=["lms", "framework", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "dry run: 1 competency(ies) added" in result.output
    db.session.expire_all()
    assert db.session.get(Competency, "T.02") is None
    result = runner.invoke(args=["lms", "framework", "import", str(good)])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(Competency, "T.02").level_descriptions == {1: "Membaca data."}
    assert db.session.scalar(select(func.count()).select_from(CompetencyLevel)) == levels + 1


def test_sample_framework_csv_imports(runner, db):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "docs" / "sample-framework.csv"
    result = runner.invoke(args=["lms", "framework", "import", str(sample)])
    assert result.exit_code == 0, result.output
    assert "1 competency(ies) added, 10 updated" in result.output
    db.session.expire_all()
    t02 = db.session.get(Competency, "T.02")
    assert t02.group == "teknis" and sorted(t02.level_descriptions) == [1, 2, 3, 4, 5]
    assert db.session.get(Competency, "M.03").description.startswith("Menyampaikan")
