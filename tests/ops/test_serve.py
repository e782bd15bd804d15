"""`lms serve` checks, before it starts any worker, that the database takes writes."""

from __future__ import annotations

import pytest

from tests.ops.conftest import run_cli


def _serve_on(app, *args):
    return run_cli(app, "serve", *args)


@pytest.fixture
def started(monkeypatch):
    """Record the calls that would start gunicorn instead of starting it."""
    calls = []
    monkeypatch.setattr("lms.server.run", lambda *args: calls.append(args))
    return calls


def test_serve_starts_on_a_writable_database(runner, started):
    result = runner.invoke(args=["lms", "serve", "--port", "5099", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert started == [("127.0.0.1", 5099, 2)]


def test_serve_refuses_a_read_only_database_with_one_line(read_only_app, started):
    result = _serve_on(read_only_app)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "lms serve: not starting: the database is read-only; fix it, or start with --read-only"]
    assert started == []


def test_read_only_flag_serves_anyway(read_only_app, started):
    result = _serve_on(read_only_app, "--read-only")
    assert result.exit_code == 0, result.output
    assert "serving read-only" in result.output
    assert len(started) == 1
