"""What a learner page costs in CPU instructions, counted by valgrind: the same figure on a
busy machine as on a quiet one, so two commits compare even while others share the cores.

Usage: .venv/bin/python bench/bench_instructions.py [--requests 50] [--pages lesson course]
           [--database-url URL]

Builds the demo instance of bench_pages.py (SQLite, starter courses, demo accounts) once, then
for each page runs a fresh process under ``valgrind --tool=callgrind`` that signs the demo
learner in, warms the page up, and counts only the instructions of N requests through the WSGI
app (Flask's test client; instrumentation is switched on and off around them with
``callgrind_control``). Prints instructions per request and the page's multiple of a bare
route on the same app. Needs valgrind (Debian: ``apt-get install valgrind``); about a minute
per page. User-space instructions only: the kernel's share (SQLite's file locks and reads, the
socket to PostgreSQL) is not counted, nor is PostgreSQL's own work, so this complements the
timings of bench_pages.py and bench_http.py. With ``--database-url`` (an empty PostgreSQL
database) the app's side of each view on PostgreSQL is counted the same way.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

PAGES = {"bare route": "/bench-bare", "lesson": "/kursus/manajemen-waktu/materi/matriks-eisenhower",
         "course": "/kursus/manajemen-waktu",
         "quiz": "/kursus/manajemen-waktu/kuis/kuis-prinsip-dan-prioritas"}
WARM_UP = 30


def measure(database: str, path: str, requests: int) -> None:
    """In the process valgrind runs: sign in, warm up, count ``requests`` views of ``path``."""
    from bench_pages import DEMO_PASSWORD

    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False})
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")
    client = app.test_client()
    client.post("/masuk", data={"nip": "198509252010012004", "password": DEMO_PASSWORD})
    app.config["WTF_CSRF_ENABLED"] = True  # the pages make their CSRF tokens, as in production
    for _ in range(WARM_UP):
        assert client.get(path).status_code == 200, path
    switch = ["callgrind_control", "--instr"]
    subprocess.run([*switch, "on", str(os.getpid())], check=True, capture_output=True)
    for _ in range(requests):
        client.get(path)
    subprocess.run([*switch, "off", str(os.getpid())], check=True, capture_output=True)


def count(database: str | Path, path: str, requests: int, folder: Path) -> float:
    """Instructions per request of ``path``, in a fresh copy of the database (SQLite: a file;
    on PostgreSQL the views only read, once the first one has stored the resume position)."""
    if isinstance(database, Path):
        copy = folder / "page.db"
        shutil.copy(database, copy)
        database = f"sqlite:///{copy}"
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no",
         f"--callgrind-out-file={folder / 'callgrind.out'}", sys.executable, __file__,
         "--measure", database, path, str(requests)],
        capture_output=True, text=True, env={**os.environ, "PYTHONMALLOC": "malloc"})
    collected = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode or not collected:
        sys.exit(f"valgrind run of {path} failed:\n{out.stdout}\n{out.stderr[-3000:]}")
    return int(collected.group(1)) / requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pages", nargs="+", choices=[p for p in PAGES if p != "bare route"],
                        default=["lesson", "course", "quiz"])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], args.measure[1], int(args.measure[2]))
        return
    if not shutil.which("valgrind"):
        sys.exit("valgrind is needed: apt-get install valgrind")
    from bench_pages import build_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build_app(args.database_url, folder)  # on SQLite, writes folder/bench.db
        database = args.database_url or folder / "bench.db"
        bare = count(database, PAGES["bare route"], args.requests, folder)
        print(f"{args.requests} requests per page through the WSGI app, "
              f"{'PostgreSQL' if args.database_url else 'SQLite'}")
        print(f"{'page':<12} {'M instructions':>15} {'x bare':>7}")
        print(f"{'bare route':<12} {bare / 1e6:>15.2f} {1:>7.1f}")
        for name in args.pages:
            per = count(database, PAGES[name], args.requests, folder)
            print(f"{name:<12} {per / 1e6:>15.2f} {per / bare:>7.1f}")


if __name__ == "__main__":
    main()
