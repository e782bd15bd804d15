"""`lms notify` as cron runs it: the real console script in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = "import sys; from lms.cli import main; sys.argv[0] = 'lms'; main()"


def _lms(instance, *args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    environ.update(LMS_INSTANCE_PATH=str(instance), **env)
    return subprocess.run([sys.executable, "-c", PROBE, *args], env=environ,
                          capture_output=True, text=True, timeout=120)


def test_console_script_runs_and_checks_its_settings(tmp_path):
    assert _lms(tmp_path, "init-db").returncode == 0
    done = _lms(tmp_path, "notify")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "notices created: 0 due soon, 0 overdue, 0 queue reminder(s), 0 transfer evaluation(s)",
        "LMS_SMTP_HOST is not set: no e-mail sent (notices stay in the app)"]
    done = _lms(tmp_path, "notify", LMS_SMTP_HOST="127.0.0.1")
    assert done.returncode == 1
    assert done.stderr.strip() == "lms notify: LMS_SMTP_HOST is set but LMS_MAIL_FROM is not"
