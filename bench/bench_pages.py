"""Measure the learner pages against a bare Flask route on the same app, in one run.

Usage: .venv/bin/python bench/bench_pages.py [--requests N] [--runs R] [--database-url URL]

Builds a fresh database (SQLite in a temp folder by default), imports the starter courses,
seeds the demo accounts, signs in as a learner and times each page through the WSGI app
(Flask's test client: no network, so the figures are the app's own cost). Prints per page the
median milliseconds of R runs of N requests, the ratio to the bare route, the query count and
the page weight (HTML, plus the CSS it loads)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms import create_app  # noqa: E402
from lms.competency.services import seed_framework  # noqa: E402
from lms.courses.importer import import_packages  # noqa: E402
from lms.demo import DEMO_PASSWORD, seed  # noqa: E402
from lms.extensions import db  # noqa: E402

PAGES = {
    "catalogue": "/kursus",
    "course": "/kursus/manajemen-waktu",
    "lesson": "/kursus/manajemen-waktu/materi/matriks-eisenhower",
    "quiz": "/kursus/manajemen-waktu/kuis/kuis-prinsip-dan-prioritas",
    "dashboard": "/",
    "profile": "/profil",
}


def build_app(url: str | None, folder: Path):
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.db'}",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        seed_framework(db.session)
        import_packages(db.session, sorted(p for p in (ROOT / "courses").iterdir()
                                           if (p / "course.md").exists()))
        seed(db.session)
        db.session.commit()
    return app


def time_path(client, path: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        response.close()
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(args.database_url, Path(tmp))
        client = app.test_client()
        client.post("/masuk", data={"nip": "198509252010012004", "password": DEMO_PASSWORD})
        client.post("/kursus/manajemen-waktu/daftar")
        with app.app_context():
            engine = db.engine
        queries = {"n": 0}
        event.listen(engine, "before_cursor_execute", lambda *a, **k: queries.__setitem__(
            "n", queries["n"] + 1))
        css = len(client.get("/static/style.css").get_data())
        rows = []
        all_paths = {"bare route": "/bench-bare", **PAGES}
        medians = {name: [] for name in all_paths}
        for _run in range(args.runs):
            for name, path in all_paths.items():
                medians[name].append(time_path(client, path, args.requests))
        bare = statistics.median(medians["bare route"])
        for name, path in all_paths.items():
            queries["n"] = 0
            html = client.get(path).get_data()
            rows.append((name, statistics.median(medians[name]),
                         statistics.median(medians[name]) / bare, queries["n"], len(html)))
    print(f"engine: {engine.dialect.name}; {args.runs} runs x {args.requests} requests; "
          f"CSS {css} bytes; no JavaScript")
    print(f"{'page':<12} {'median ms':>10} {'x bare':>8} {'queries':>8} {'HTML bytes':>11} "
          f"{'HTML+CSS':>9}")
    for name, ms, ratio, nq, size in rows:
        print(f"{name:<12} {ms:>10.2f} {ratio:>8.1f} {nq:>8} {size:>11} {size + css:>9}")


if __name__ == "__main__":
    main()
