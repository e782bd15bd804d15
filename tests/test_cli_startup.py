"""The ``lms`` console script loads only what a command needs (issue 15.5: fast start-up).

Each case runs the real entry point in a fresh interpreter and lists which heavy modules it
imported; start-up time itself is measured in docs/PERFORMANCE.md, not asserted here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter per case

HEAVY = ("sqlalchemy", "flask_sqlalchemy", "alembic", "flask_migrate", "markdown", "nh3",
         "openpyxl", "gunicorn", "argon2", "lms.models", "lms.api.views")

PROBE = """
import sys
from lms.cli import main
try:
    main()
except SystemExit as end:
    status = end.code or 0
print("loaded:", ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
sys.exit(status)
"""


def _lms(instance: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env["LMS_INSTANCE_PATH"] = str(instance)
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], env=env,
                          capture_output=True, text=True, timeout=120)
    loaded = done.stderr.strip().splitlines()[-1].removeprefix("loaded:").split(",")
    return done, {m.strip() for m in loaded if m.strip()}


def test_help_loads_nothing_heavy(tmp_path):
    done, loaded = _lms(tmp_path, "--help")
    assert done.returncode == 0 and "init-db" in done.stdout and "token" in done.stdout
    assert loaded == set()
    done, loaded = _lms(tmp_path, "users", "create", "--help")
    assert done.returncode == 0 and "--password-stdin" in done.stdout and loaded == set()


def test_commands_run_on_the_command_app_without_views_or_alembic(tmp_path):
    assert _lms(tmp_path, "init-db")[0].returncode == 0  # the one command that needs Alembic
    done, _ = _lms(tmp_path, "units", "create", "U1", "Unit Satu")
    assert done.returncode == 0 and done.stdout.strip() == "unit U1 created"
    done, _ = _lms(tmp_path, "users", "create", "--nip", "198001152005011001", "--name",
                   "Admin", "--role", "admin", "--unit", "U1")
    assert done.returncode == 0 and "user 198001152005011001 created" in done.stdout

    done, loaded = _lms(tmp_path, "token", "create", "198001152005011001")
    assert done.returncode == 0 and done.stdout.startswith("lms_")
    assert "lms.models" in loaded and "sqlalchemy" in loaded
    assert not loaded & {"alembic", "flask_migrate", "lms.api.views", "markdown",
                         "openpyxl", "gunicorn"}

    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kelas-asn.db'}",
                      "SECRET_KEY": "x"})
    response = app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {done.stdout.strip()}"})
    assert response.status_code == 200
    assert response.json["nip"] == "198001152005011001"  # outside an app context too


def test_unknown_user_fails_cleanly_on_the_command_app(tmp_path):
    assert _lms(tmp_path, "init-db")[0].returncode == 0
    done, _ = _lms(tmp_path, "token", "create", "199999999999999999")
    assert done.returncode == 1 and "no user with NIP 199999999999999999" in done.stderr
