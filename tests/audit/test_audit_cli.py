"""Account, token, employee and framework changes made on the command line are recorded."""

from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEvent
from tests.conftest import valid_nip


def _actions(db) -> list[tuple[str, str | None, dict]]:
    return [(e.action, e.target_id, e.details)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_cli_account_and_token_changes_are_recorded(db, runner, make_unit):
    make_unit("PEMKOT")
    nip = valid_nip()
    created = runner.invoke(args=["lms", "users", "create", "--nip", nip, "--name", "Ani",
                                  "--role", "manager", "--unit", "PEMKOT"])
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["lms", "users", "set-password", nip]).exit_code == 0
    assert runner.invoke(args=["lms", "token", "create", nip]).exit_code == 0
    actions = _actions(db)
    assert actions[:2] == [
        ("user.created", nip, {"roles": ["manager"], "unit": "PEMKOT", "via": "cli"}),
        ("user.password_changed", nip, {"via": "cli"}),
    ]
    assert [(a, t, d["via"]) for a, t, d in actions[2:]] == [("token.created", nip, "cli")]


def test_cli_framework_import_is_recorded_but_not_a_dry_run(db, runner, tmp_path):
    csv_file = tmp_path / "k.csv"
    csv_file.write_text("code,name,group\nT.09,Uji,teknis\n", encoding="utf-8")
    assert runner.invoke(args=["lms", "framework", "import", str(csv_file),
                               "--dry-run"]).exit_code == 0
    assert _actions(db) == []
    assert runner.invoke(args=["lms", "framework", "import", str(csv_file)]).exit_code == 0
    [(action, _target, details)] = _actions(db)
    assert action == "framework.changed" and details["added"] == 1


def test_cli_employee_import_is_recorded(db, runner, tmp_path):
    sample = tmp_path / "pegawai.csv"
    sample.write_text(
        "nip,name,employee_type,unit_code,unit_name,parent_unit_code,role,position_code,"
        "golongan,supervisor_nip\n"
        f"{valid_nip()},Ani,PNS,PEMKOT,Pemerintah Kota,,learner,,III/a,\n", encoding="utf-8")
    result = runner.invoke(args=["lms", "import-employees", str(sample)])
    assert result.exit_code == 0, result.output
    [(action, target, details)] = _actions(db)
    assert (action, target, details["via"]) == ("employees.imported", "pegawai.csv", "cli")
