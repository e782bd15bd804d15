"""Measure `lms backup` and `lms restore` at agency scale, the writes that wait while a backup
runs, and GET /healthz.

Usage: .venv/bin/python bench/bench_backup.py [--employees 10000] [--runs 3]
       [--database-url URL --restore-url URL]

Builds a fresh database with the real migrations and an agency (bench/agency_builder.py), then
R times: backs it up while a thread commits one small row after another (the site keeps
writing), and restores the archive into a fresh database. Prints the median seconds of backup
and restore, the archive and database sizes, the writer's commits per second and its slowest
commit during the backups against the same writer alone, and the median milliseconds of
/healthz. Never point either URL at a database you care about: both schemas are dropped."""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.agency_builder import AgencySpec, build_agency  # noqa: E402
from lms import create_app  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.ops.backup import create_backup  # noqa: E402
from lms.ops.restore import restore_backup  # noqa: E402
from lms.org.services import create_unit  # noqa: E402


def fresh_app(url: str, folder: Path):
    """An app on an emptied database with its own upload folder."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "UPLOAD_FOLDER": str(folder / "uploads")})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
    return app


class Writer(threading.Thread):
    """Commits one unit at a time and records how long each commit took."""

    def __init__(self, app, prefix: str) -> None:
        super().__init__(daemon=True)
        self.app, self.prefix = app, prefix
        self.stop, self.latencies = threading.Event(), []

    def run(self) -> None:
        with self.app.app_context():
            while not self.stop.is_set():
                started = time.perf_counter()
                create_unit(db.session, f"{self.prefix}{len(self.latencies)}", "Bench", None)
                db.session.commit()
                self.latencies.append(time.perf_counter() - started)
            db.session.remove()


def writing(app, prefix: str, work) -> tuple[float, Writer]:
    """Run ``work()`` while a Writer commits; returns work's seconds and the writer."""
    writer = Writer(app, prefix)
    writer.start()
    while not writer.latencies:
        time.sleep(0.001)
    started = time.perf_counter()
    try:
        work()
    finally:
        seconds = time.perf_counter() - started
        writer.stop.set()
        writer.join()
    return seconds, writer


def main() -> None:
    """Run the measurement in a scratch folder, removed afterwards (it holds GBs at scale)."""
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    try:
        measure(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(work: Path) -> None:
    """Build, then time backups under writes, restores and the health check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--restore-url")
    args = parser.parse_args()
    if bool(args.database_url) != bool(args.restore_url):
        parser.error("give both --database-url and --restore-url, or neither (SQLite)")
    url = args.database_url or f"sqlite:///{work / 'source.db'}"
    app = fresh_app(url, work / "source")
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        build_agency(db.session, AgencySpec(employees=args.employees,
                                            units=min(300, args.employees // 4)), work / "courses")
        db.session.commit()
        engine = db.engine.dialect.name
        size = (Path(db.engine.url.database).stat().st_size if engine == "sqlite" else
                db.session.execute(text("SELECT pg_database_size(current_database())")).scalar())
        db.engine.dispose()

    alone_seconds, alone = writing(app, "A", lambda: time.sleep(2))
    backups, restores, slowest, rates, archive_size = [], [], [], [], 0
    for run in range(args.runs):
        folder = work / f"archives-{run}"
        folder.mkdir()
        seconds, writer = writing(app, f"B{run}-", lambda f=folder: create_backup(app, f))
        backups.append(seconds)
        slowest.append(max(writer.latencies))
        rates.append(len(writer.latencies) / seconds)
        archive = next(folder.glob("*.tar.gz"))
        archive_size = archive.stat().st_size
        target_url = args.restore_url or f"sqlite:///{work / f'restored-{run}.db'}"
        target = fresh_app(target_url, work / f"restored-{run}")
        started = time.perf_counter()
        restore_backup(target, archive)
        restores.append(time.perf_counter() - started)

    client = app.test_client()
    health = []
    for _ in range(50):
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        health.append(time.perf_counter() - started)

    print(f"engine: {engine}; {args.employees} employees; {args.runs} runs")
    print(f"database {size / 1024 / 1024:.1f} MB; archive {archive_size / 1024 / 1024:.1f} MB")
    print(f"backup   median {statistics.median(backups):6.2f} s (while a writer commits)")
    print(f"restore  median {statistics.median(restores):6.2f} s (integrity check and row counts "
          "included, migrations not)")
    print(f"writer alone:          {len(alone.latencies) / alone_seconds:7.0f} commits/s, "
          f"slowest commit {max(alone.latencies) * 1000:7.1f} ms")
    print(f"writer during backups: {statistics.median(rates):7.0f} commits/s, "
          f"slowest commit {statistics.median(slowest) * 1000:7.1f} ms (median of runs)")
    print(f"/healthz median {statistics.median(health) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
