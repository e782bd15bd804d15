"""What learners feel, over real HTTP: `lms serve` as the README deploys it, against a bare route.

Usage:
  .venv/bin/python bench/bench_http.py [--database-url URL] [--rounds 5] [--seconds 5]
      [--workers N] [--rate 150] [--quiz-seconds 10] [--learners 50]

Builds a fresh instance in a temp folder with the `lms` commands (init-db, import of the
starter courses, seed-demo; with --database-url that database is created or emptied first:
give it one of its own), adds the learners, then starts two servers with the same gunicorn settings
(lms/server.py): `lms serve`, and a bare Flask route. It prints:

- throughput of the lesson page and of the bare route, measured with wrk (Debian's package)
  in alternating rounds, and the lesson page's share of the bare route's;
- quiz submissions through the API one at a time (p50, p95): each learner's first submission
  (cold workers, the token's first use) apart, then the measured ones;
- quiz submissions arriving at a fixed rate from many learners (open loop: p50, p95, p99,
  errors). wrk keeps a fixed number of requests in flight and so hides queueing (a late
  answer delays the next request); this part uses the small asyncio client below, which sends
  each request at its scheduled time and measures from that time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LESSON = "/kursus/manajemen-waktu/materi/matriks-eisenhower"
COURSE = "manajemen-waktu"
DEMO_LEARNER = "198509252010012004"
UNIT = "DUKCAPIL-PIAK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_instance(folder: Path, database_url: str | None, learners: int) -> tuple[dict, list]:
    """A fresh instance made with the lms commands; returns its environment and API tokens
    (the demo learner's first, then one per added learner, all enrolled in the course)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.pop("DATABASE_URL", None)
    env["LMS_INSTANCE_PATH"] = str(folder)
    if database_url:
        env["DATABASE_URL"] = database_url
        _empty_postgresql(database_url)
    courses = sorted(str(p) for p in (ROOT / "courses").iterdir() if (p / "course.md").exists())
    for args in (["init-db"], ["import", *courses], ["seed-demo"]):
        subprocess.run([str(BIN / "lms"), *args], env=env, check=True, capture_output=True)
    os.environ.update(env)
    from lms import create_app
    from lms.auth.models import User
    from lms.auth.services import create_token, create_user
    from lms.courses.services import get_current_version
    from lms.extensions import db
    from lms.learning.services import enrol

    app = create_app(web=False)
    with app.app_context():
        version = get_current_version(db.session, COURSE)
        users = [db.session.scalar(db.select(User).where(User.nip == DEMO_LEARNER))]
        users += [create_user(db.session, nip=learner_nip(n),
                              name=f"Peserta Uji {n}", roles="learner", unit_code=UNIT,
                              password="bench-password") for n in range(1, learners + 1)]
        tokens = []
        for user in users:
            enrol(db.session, user, version)
            tokens.append(create_token(db.session, user))
        db.session.commit()
        db.engine.dispose()
    return env, tokens


def learner_nip(n: int) -> str:
    """The NIP of the n-th added learner (from 1)."""
    return f"19900101201501{1 if n % 2 else 2}{n:03d}"


def _empty_postgresql(url: str) -> None:
    """Create the database if it does not exist yet, else drop everything in it."""
    from sqlalchemy import create_engine, text

    from bench_two_hosts import ensure_database

    ensure_database(url)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start(command: list[str], env: dict, port: int, log: Path,
          new_session: bool = False) -> subprocess.Popen:
    """Start a server (in a process group of its own with new_session) and wait until it
    answers."""
    proc = subprocess.Popen(command, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=new_session)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc
        except OSError as exc:
            if getattr(exc, "code", None):  # an HTTP answer: it is up
                return proc
            time.sleep(0.3)
    proc.kill()
    sys.exit(f"server on port {port} did not start:\n{log.read_text()}")


def serve_bare(bind: str, workers: int) -> None:
    """The bare route under the gunicorn settings of lms serve (run in its own process)."""
    from flask import Flask

    from lms.server import Server, gunicorn_options

    def make_app() -> Flask:
        app = Flask("bare")
        app.add_url_rule("/bare", "bare", lambda: "ok")
        app.add_url_rule("/healthz", "healthz", lambda: "ok")
        return app

    Server(gunicorn_options(bind, workers), make_app).run()


# One browser for the sign-in and for wrk: Flask-Login ties a session to the User-Agent (and
# address) it was signed in with, and a cookie sent by another marks the session not fresh,
# so every view would sign and set a new cookie, which no browser causes.
USER_AGENT = "bench_http"


def session_cookie(port: int) -> str:
    """Sign the demo learner in through the form (CSRF included); the session cookie."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"http://127.0.0.1:{port}/masuk").read().decode()
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    from lms.demo import DEMO_PASSWORD

    data = f"nip={DEMO_LEARNER}&password={DEMO_PASSWORD}&csrf_token={csrf}".encode()
    opener.open(f"http://127.0.0.1:{port}/masuk", data=data).read()
    # The first page after signing in adds the form token to the session (a new cookie), as a
    # browser would keep it; wrk sends one cookie throughout, so it must be the settled one.
    opener.open(f"http://127.0.0.1:{port}{LESSON}").read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"http://127.0.0.1:{port}{LESSON}",
                                   headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    with urllib.request.urlopen(check) as response:
        assert response.status == 200 and response.url.endswith(LESSON), response.url
        assert response.headers.get("Set-Cookie") is None, "the session still changes per view"
    return cookie


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a server: its process and its children (Linux)."""
    pids, total = [pid], 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, server_pid: int, cookie: str | None = None) -> tuple[float, float]:
    """Requests per second of a closed-loop wrk run, and the server's CPU milliseconds per
    request (less sensitive than throughput to how busy the machine is); exits if any answer
    was not 2xx/3xx."""
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s", "--timeout", "30s",
               "-H", f"User-Agent: {USER_AGENT}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    cpu = cpu_seconds(server_pid)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = cpu_seconds(server_pid) - cpu
    if "Non-2xx" in out or "Socket errors" in out:
        sys.exit(f"wrk saw errors on {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, cpu * 1000 / max(requests, 1)


# A small HTTP/1.1 client over asyncio streams, with keep-alive connections per learner.

class Client:
    def __init__(self, port: int):
        self.port = port
        self.idle: dict[int, list] = {}

    async def post(self, who: int, path: str, headers: dict, body: bytes) -> tuple[int, bytes]:
        """POST and read the whole answer: its status and body."""
        pool = self.idle.setdefault(who, [])
        request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
                   + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        while True:
            reused = bool(pool)
            reader, writer = pool.pop() if pool else await asyncio.open_connection(
                "127.0.0.1", self.port)
            writer.write(request)
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionResetError):
                writer.close()
                if not reused:
                    raise
                # The server closed a kept-alive connection before reading: send it anew.
        status_line, *lines = head.decode().split("\r\n")
        fields = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines if ln)}
        if "content-length" in fields:
            answer = await reader.readexactly(int(fields["content-length"]))
        else:  # chunked
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                parts.append((await reader.readexactly(size + 2))[:-2])
            await reader.readuntil(b"\r\n")
            answer = b"".join(parts)
        if fields.get("connection", "").lower() == "close":
            writer.close()
        else:
            pool.append((reader, writer))
        return int(status_line.split()[1]), answer


def quiz_request(port: int, tokens: list[str]) -> tuple[str, bytes]:
    """The quiz of the course, answered blank: graded, stored and sent to xAPI like any other
    attempt, and failed, so the same learners may submit again and again (the starter quiz
    allows unlimited attempts but no retake after a pass)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/courses/{COURSE}",
                                     headers={"Authorization": f"Bearer {tokens[0]}"})
    course = json.load(urllib.request.urlopen(request))
    quiz_id = next(item["id"] for module in course["modules"] for item in module["items"]
                   if item["type"] == "quiz")
    return f"/api/v1/quizzes/{quiz_id}/attempts", json.dumps({"answers": {}}).encode()


async def submit(client: Client, path: str, body: bytes, tokens: list[str], n: int) -> int:
    who = n % len(tokens)
    status, _ = await client.post(who, path, {
        "Authorization": f"Bearer {tokens[who]}", "Content-Type": "application/json",
        "Idempotency-Key": f"bench-{time.time_ns()}-{n}"}, body)
    return status


async def one_at_a_time(port: int, path: str, body: bytes, tokens: list[str], n: int) -> list:
    client, seconds = Client(port), []
    for i in range(n):
        start = time.perf_counter()
        status = await submit(client, path, body, tokens, i)
        assert status == 201, status
        seconds.append(time.perf_counter() - start)
    return seconds


async def open_loop(port: int, path: str, body: bytes, tokens: list[str], rate: float,
                    duration: float) -> tuple[list, int, float]:
    """Send rate requests per second for duration seconds, each at its scheduled time; the
    latency of each from that time, the number of failures, and the rate they were sent at."""
    client, loop = Client(port), asyncio.get_running_loop()
    latencies, failures = [], 0

    async def one(at: float, n: int) -> None:
        nonlocal failures
        try:
            status = await asyncio.wait_for(submit(client, path, body, tokens, n), 30)
            if status != 201:
                failures += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            failures += 1
        latencies.append(loop.time() - at)

    begin, tasks = loop.time() + 0.1, []
    for n in range(int(rate * duration)):
        at = begin + n / rate
        await asyncio.sleep(max(0.0, at - loop.time()))
        tasks.append(asyncio.create_task(one(at, n)))
    sending = loop.time() - begin
    await asyncio.gather(*tasks)
    return latencies, failures, len(tasks) / sending


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk round")
    parser.add_argument("--workers", type=int, help="default: lms serve's own default")
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--quiz-seconds", type=float, default=10)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--bare-server", nargs=2, metavar=("BIND", "WORKERS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.bare_server[0], int(args.bare_server[1]))
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    from lms.server import default_workers

    workers = args.workers or default_workers()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env, tokens = build_instance(folder, args.database_url, args.learners)
        lms_port, bare_port = free_port(), free_port()
        servers = [
            start([str(BIN / "lms"), "serve", "--port", str(lms_port), "--workers", str(workers)],
                  env, lms_port, folder / "lms.log"),
            start([sys.executable, __file__, "--bare-server", f"127.0.0.1:{bare_port}",
                   str(workers)], env, bare_port, folder / "bare.log")]
        try:
            report(args, workers, (lms_port, servers[0].pid), (bare_port, servers[1].pid),
                   tokens)
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait(timeout=30)


def report(args, workers: int, lms: tuple[int, int], bare: tuple[int, int],
           tokens: list[str]) -> None:
    engine = "postgresql" if args.database_url else "sqlite"
    (lms_port, lms_pid), (bare_port, bare_pid) = lms, bare
    cookie = session_cookie(lms_port)
    bare_url = f"http://127.0.0.1:{bare_port}/bare"
    lesson_url = f"http://127.0.0.1:{lms_port}{LESSON}"
    wrk(bare_url, 3, bare_pid)  # warm both up
    wrk(lesson_url, 3, lms_pid, cookie)
    rounds = {"bare route": [], "lesson page": []}
    for _ in range(args.rounds):  # alternate, so a busy moment hits both alike
        rounds["bare route"].append(wrk(bare_url, args.seconds, bare_pid))
        rounds["lesson page"].append(wrk(lesson_url, args.seconds, lms_pid, cookie))
    print(f"engine: {engine}; lms serve with {workers} gevent workers; wrk -t1 -c8, "
          f"{args.rounds} alternating rounds of {args.seconds} s")
    for name, results in rounds.items():
        print(f"{name:<12} {statistics.median(r for r, _ in results):8.0f} req/s "
              f"{statistics.median(c for _, c in results):7.2f} ms CPU/request   rounds: "
              + " ".join(f"{r:.0f}" for r, _ in results))
    ratios = [p / b for (p, _), (b, _) in zip(rounds["lesson page"], rounds["bare route"])]
    cpu = [b / p for (_, p), (_, b) in zip(rounds["lesson page"], rounds["bare route"])]
    print(f"lesson page / bare route: throughput {statistics.median(ratios):.3f} (rounds: "
          f"{' '.join(f'{r:.3f}' for r in ratios)}); by CPU per request "
          f"{statistics.median(cpu):.3f}")

    path, body = quiz_request(lms_port, tokens)
    # Each learner's first submission opens a connection, finds workers that have not run this
    # path yet (statements compiled, psycopg preparing them after five uses) and writes the
    # token's first use: shown apart, as the lesson page's warm-up round is not counted either.
    first = asyncio.run(one_at_a_time(lms_port, path, body, tokens[1:], len(tokens) - 1))
    print(f"quiz submission, first of each learner ({len(first)}, one at a time): "
          f"p50 {percentile(first, 50):.1f} ms, p95 {percentile(first, 95):.1f} ms")
    before = cpu_seconds(lms_pid)
    seconds = asyncio.run(one_at_a_time(lms_port, path, body, tokens[1:], args.sequential))
    cpu_ms = (cpu_seconds(lms_pid) - before) * 1000 / args.sequential
    print(f"quiz submission, one at a time ({args.sequential}): "
          f"p50 {percentile(seconds, 50):.1f} ms, p95 {percentile(seconds, 95):.1f} ms, "
          f"{cpu_ms:.1f} ms CPU each")
    latencies, failures, achieved = asyncio.run(open_loop(
        lms_port, path, body, tokens[1:], args.rate, args.quiz_seconds))
    print(f"quiz submissions at {args.rate:.0f}/s for {args.quiz_seconds:.0f} s from "
          f"{len(tokens) - 1} learners (open loop): sent {len(latencies)} at {achieved:.0f}/s, "
          f"errors {failures}, p50 {percentile(latencies, 50):.1f} ms, "
          f"p95 {percentile(latencies, 95):.1f} ms, p99 {percentile(latencies, 99):.1f} ms")


if __name__ == "__main__":
    main()
