"""Measure the manager dashboard, the unit report and the exports at agency scale.

Usage: .venv/bin/python bench/bench_agency.py [--employees 1000,10000,50000] [--units 300]
       [--courses 20] [--runs 5] [--database-url URL] [--explain]

For each size, builds a fresh database with the real migrations and an agency of that many
employees (bench/agency_builder.py: unit tree, positions, imported courses, three years of
progress), signs in an admin and the head of an eselon-II unit, creates an API token with
the real token service, and times each page through the WSGI app (Flask's test client),
consuming every streamed body. Prints per page the median milliseconds of R runs, the ratio
to a bare Flask route timed in the same run, the SQL query count and the bytes. ``--explain``
also prints, per page, the slowest SQL statement with its plan (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN ANALYZE on PostgreSQL). Never point --database-url at a database you care about:
its schema is dropped."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.agency_builder import AgencySpec, build_agency  # noqa: E402
from lms import create_app  # noqa: E402
from lms.auth.models import User  # noqa: E402
from lms.auth.services import create_token  # noqa: E402
from lms.extensions import db  # noqa: E402

BARE_REQUESTS = 200


def pages(root: str) -> dict[str, tuple[str, str]]:
    """Page name -> (who asks, path)."""
    return {
        "dashboard (agency)": ("admin", "/atasan/"),
        "dashboard (eselon II)": ("manager", "/atasan/"),
        "unit report API": ("api", f"/api/v1/units/{root}/report"),
        "unit report API CSV": ("api", f"/api/v1/units/{root}/report?format=csv"),
        "report CSV export": ("admin", "/atasan/ekspor/laporan.csv"),
        "JP ledger CSV": ("admin", "/atasan/ekspor/jp.csv"),
        # Being added by another change: measured only when the app answers them.
        "matrix CSV": ("admin", "/atasan/ekspor/matriks.csv"),
        "needs page": ("admin", "/atasan/kebutuhan"),
    }


def build_app(url: str, folder: Path, spec: AgencySpec):
    """A fresh app and database (schema dropped and migrated), with the agency built."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(folder / "uploads")})
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        built = build_agency(db.session, spec, folder / "courses",
                             {"PNS": app.config["JP_TARGET_PNS"],
                              "PPPK": app.config["JP_TARGET_PPPK"]})
        db.session.commit()
        started = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does shortly after a bulk load; without it the planner guesses.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        built.seconds += time.perf_counter() - started
        admin = db.session.scalar(db.select(User).where(User.nip == built.admin_nip))
        token = create_token(db.session, admin)
        db.session.commit()
    return app, built, token


def sign_in(app, nip: str, password: str):
    """A test client signed in through the real login form."""
    client = app.test_client()
    response = client.post("/masuk", data={"nip": nip, "password": password})
    assert response.status_code == 302, ("sign-in failed", nip, response.status_code)
    return client


class Recorder:
    """Counts SQL statements and keeps them (text, parameters) for ``--explain``."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []
        event.listen(engine, "before_cursor_execute", self.before)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def reset(self) -> None:
        self.statements = []

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.before)


def fetch(client, path: str, headers: dict | None = None) -> int:
    """GET a path and consume the whole (possibly streamed) body; returns its size."""
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code)
    size = len(response.get_data())
    response.close()
    return size


def _run(cursor, statement: str, parameters) -> list:
    cursor.execute(statement, parameters)
    return cursor.fetchall()


def slowest(engine, statements: list) -> tuple[float, str, object, str]:
    """Re-run a page's statements, fetching every row (SQLite does its work while rows are
    fetched, not when the statement is executed), and explain the slowest as the engine
    runs it: EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        timed = []
        for statement, parameters in statements:
            start = time.perf_counter()
            _run(cursor, statement, parameters)
            timed.append(((time.perf_counter() - start) * 1000, statement, parameters))
        ms, statement, parameters = max(timed, key=lambda t: t[0])
        if engine.dialect.name == "postgresql":
            plan = "\n".join(r[0] for r in _run(cursor, "EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                 parameters))
        else:
            plan = "\n".join(f"{r[1]:>4} {r[3]}" for r in _run(
                cursor, "EXPLAIN QUERY PLAN " + statement, parameters))
        cursor.close()
        return ms, statement, parameters, plan
    finally:
        raw.rollback()
        raw.close()


def measure(url: str, spec: AgencySpec, runs: int, folder: Path, show_plans: bool) -> None:
    """Build one agency and print its table."""
    app, built, token = build_app(url, folder, spec)
    clients = {"admin": sign_in(app, built.admin_nip, built.password),
               "manager": sign_in(app, built.manager_nip, built.password),
               "api": app.test_client()}
    auth = {"Authorization": f"Bearer {token}"}
    targets = {}
    for name, (who, path) in pages(built.root_code).items():
        response = clients[who].get(path, headers=auth if who == "api" else {})
        if response.status_code == 200:
            targets[name] = (who, path)
        else:
            print(f"skipped {name} ({path}): HTTP {response.status_code}")
        response.close()
    with app.app_context():
        engine = db.engine
    # Requests run outside any app context of ours: a shared context would share ``g``, where
    # Flask-Login caches the signed-in user, and every client would be the first one.
    recorder = Recorder(engine)
    timings: dict[str, list[float]] = {name: [] for name in ["bare route", *targets]}
    for _run in range(runs):
        start = time.perf_counter()
        for _ in range(BARE_REQUESTS):
            fetch(clients["admin"], "/bench-bare")
        timings["bare route"].append((time.perf_counter() - start) * 1000 / BARE_REQUESTS)
        for name, (who, path) in targets.items():
            start = time.perf_counter()
            fetch(clients[who], path, auth if who == "api" else None)
            timings[name].append((time.perf_counter() - start) * 1000)
    rows, plans = [], []
    for name, (who, path) in [("bare route", ("admin", "/bench-bare")), *targets.items()]:
        recorder.reset()
        size = fetch(clients[who], path, auth if who == "api" else None)
        rows.append((name, len(recorder.statements), size))
        if show_plans and name != "bare route":
            plans.append((name, slowest(engine, recorder.statements)))
    recorder.close()
    bare = statistics.median(timings["bare route"])
    print(f"\nengine: {engine.dialect.name}; {spec.employees} employees "
          f"({built.active} active, {built.manager_scope} in {built.eselon2_code}), "
          f"{built.rows['units']} units, {built.rows['courses']} courses; "
          f"built in {built.seconds:.1f} s; {runs} runs")
    print("rows: " + ", ".join(f"{k} {v}" for k, v in sorted(built.rows.items())))
    print(f"{'page':<24} {'median ms':>10} {'x bare':>8} {'queries':>8} {'bytes':>10}")
    for name, count, size in rows:
        ms = statistics.median(timings[name])
        print(f"{name:<24} {ms:>10.2f} {ms / bare:>8.0f} {count:>8} {size:>10}")
    for name, (ms, statement, parameters, plan) in plans:
        print(f"\n--- {name}: slowest statement {ms:.0f} ms\n{statement}\n{parameters}\n{plan}")
    sys.stdout.flush()
    engine.dispose()


def main() -> None:
    """Parse the arguments and measure each size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", action="append",
                        help="sizes, repeatable or comma-separated (default 1000,10000,50000)")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--courses", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url",
                        help="default: a SQLite file in a temp folder; its schema is dropped")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    sizes = [int(n) for arg in (args.employees or ["1000,10000,50000"])
             for n in arg.split(",") if n.strip()]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            url = args.database_url or f"sqlite:///{folder / 'agency.db'}"
            measure(url, AgencySpec(size, args.units, args.courses, args.seed), args.runs,
                    folder, args.explain)


if __name__ == "__main__":
    main()
