"""`lms serve` checks, before it starts any worker, that the database takes writes."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize(("cpus", "workers"), [(None, 2), (1, 2), (2, 2), (4, 4), (32, 9)])
def test_workers_default_to_one_per_core(runner, started, monkeypatch, cpus, workers):
    monkeypatch.delenv("LMS_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    result = runner.invoke(args=["lms", "serve", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert started == [("127.0.0.1", 5099, workers)]


def test_lms_workers_sets_the_count(runner, started, monkeypatch):
    monkeypatch.setenv("LMS_WORKERS", "7")
    assert runner.invoke(args=["lms", "serve", "--port", "5099"]).exit_code == 0
    assert started == [("127.0.0.1", 5099, 7)]


def test_psycopg_waits_in_c_unless_the_operator_chose(monkeypatch):
    import psycopg.waiting

    from lms.server import wait_for_postgresql_in_c

    monkeypatch.setenv("PSYCOPG_WAIT_FUNC", "")  # restored (or removed) after the test
    monkeypatch.delenv("PSYCOPG_WAIT_FUNC")
    wait_for_postgresql_in_c()
    # The name psycopg reads at import, and a function it has.
    assert os.environ["PSYCOPG_WAIT_FUNC"] == "wait_c" and callable(psycopg.waiting.wait_c)
    monkeypatch.setenv("PSYCOPG_WAIT_FUNC", "wait_poll")
    wait_for_postgresql_in_c()
    assert os.environ["PSYCOPG_WAIT_FUNC"] == "wait_poll"


def test_a_worker_freezes_what_the_app_built_at_start_up(monkeypatch):
    from flask import Flask

    from lms.server import BufferedExchange, Server, gunicorn_options

    built, frozen = [], []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append("app built" if built else "too soon"))

    def make_app():
        built.append(True)
        return Flask("worker")

    assert isinstance(Server(gunicorn_options("127.0.0.1:0", 1), make_app).load(),
                      BufferedExchange)
    assert frozen == ["app built"]
