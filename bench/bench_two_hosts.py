"""Two app hosts behind nginx on one PostgreSQL: one host is killed mid-run, nothing is lost.

Usage:
  .venv/bin/python bench/bench_two_hosts.py [--database-url URL] [--learners 40]
      [--seconds 30] [--kill-after 10] [--workers 2]

Default database: postgresql://postgres@127.0.0.1:5432/bench_two_hosts (created if
missing, emptied first: give it a database of its own). Needs nginx (Debian's package); it runs
as a local instance with its own configuration in a temp folder on a free port.

The set-up follows docs/DEPLOY.md: two `lms serve` on different ports share the database, the
instance folder (secret key, uploads) and LMS_PROXY_COUNT=1; nginx balances between them and
passes a request to the other host only when it could not be sent. Learners work through the
course over the API (lessons completed, quizzes submitted with an Idempotency-Key), retrying a
failed request (connection error, 502, 503, 504) with the same key until it is acknowledged,
then keep submitting quizzes until the end. After --kill-after seconds, one host (gunicorn
master and workers) gets SIGKILL. Afterwards the database is compared with what was
acknowledged: every acknowledged attempt and lesson completion is there once, nothing is there
that was not acknowledged, and each learner who finished the course has exactly one completion
and one JP ledger entry. Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_http import (BIN, COURSE, Client, build_instance, free_port, learner_nip,  # noqa: E402
                        percentile, start)

RETRY_STATUSES = {502, 503, 504}

NGINX_CONF = """\
{user}worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream lms {{
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 20m;
        location / {{
            proxy_pass http://lms;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503 http_504;
        }}
    }}
}}
"""


def ensure_database(url: str) -> None:
    """Create the database if it does not exist (connecting to the server's postgres one)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                           {"d": target.database}):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()


def course_plan() -> list[tuple[str, str, bytes | None]]:
    """The course's items in order: (kind, API id, JSON body of a passing answer for quizzes)."""
    from lms import create_app
    from lms.api.serializers import public_id
    from lms.courses.importer import quiz_from_item
    from lms.courses.services import get_current_version, ordered_items
    from lms.demo_activity import correct_answers
    from lms.extensions import db

    with create_app(web=False).app_context():
        version = get_current_version(db.session, COURSE)
        plan = [(item.kind, public_id(COURSE, item.key),
                 json.dumps({"answers": correct_answers(quiz_from_item(item))}).encode()
                 if item.kind == "quiz" else None) for item in ordered_items(version)]
        db.engine.dispose()
    return plan


def start_nginx(tmp: Path, port: int, port_a: int, port_b: int) -> subprocess.Popen:
    folder = tmp / "nginx"
    folder.mkdir()
    os.chmod(tmp, 0o755)
    os.chmod(folder, 0o777)  # root's nginx runs its worker as nobody
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, tmp=folder, port=port, port_a=port_a,
                                      port_b=port_b))
    return start(["nginx", "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
                 os.environ.copy(), port, folder / "nginx.out")


class Learner:
    """One learner's session: the requests it had acknowledged, and its latencies."""

    def __init__(self, number: int, token: str):
        self.number, self.token = number, token
        self.attempts: dict[str, int] = {}  # Idempotency-Key → acknowledged attempt id
        self.lessons: set[str] = set()
        self.passed: set[str] = set()
        self.latencies: list[float] = []
        self.retries = 0

    async def call(self, client: Client, path: str, body: bytes, key: str | None = None,
                   ok: int = 200) -> dict:
        """POST until acknowledged, with the same Idempotency-Key on every retry."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        while True:
            start = time.monotonic()
            try:
                status, answer = await asyncio.wait_for(
                    client.post(self.number, path, headers, body), 60)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                client.idle.pop(self.number, None)
                status, answer = None, b""
            if status == ok:
                self.latencies.append(time.monotonic() - start)
                return json.loads(answer)
            if status is not None and status not in RETRY_STATUSES:
                raise RuntimeError(f"{path}: {status} {answer[:200]!r}")
            self.retries += 1
            await asyncio.sleep(0.2)

    async def run(self, client: Client, plan: list, deadline: float) -> None:
        sent = 0
        for kind, item_id, passing in plan:
            if kind == "lesson":
                await self.call(client, f"/api/v1/lessons/{item_id}/complete", b"{}")
                self.lessons.add(item_id)
            else:
                sent += 1
                key = f"learner{self.number}-{sent}"
                result = await self.call(client, f"/api/v1/quizzes/{item_id}/attempts",
                                         passing, key, ok=201)
                self.attempts[key] = result["attempt_id"]
                if result["passed"]:
                    self.passed.add(item_id)
        quizzes = [(item_id, body) for kind, item_id, body in plan if kind == "quiz"]
        while time.monotonic() < deadline:  # keep the hosts busy with more attempts
            item_id, body = quizzes[sent % len(quizzes)]
            sent += 1
            key = f"learner{self.number}-{sent}"
            result = await self.call(client, f"/api/v1/quizzes/{item_id}/attempts", body, key,
                                     ok=201)
            self.attempts[key] = result["attempt_id"]


async def drive(port: int, tokens: list[str], plan: list, seconds: float, kill_after: float,
                kill) -> tuple[list[Learner], float]:
    client = Client(port)
    learners = [Learner(n, token) for n, token in enumerate(tokens)]
    begin = time.monotonic()

    async def killer() -> None:
        await asyncio.sleep(kill_after)
        kill()

    tasks = [asyncio.create_task(learner.run(client, plan, begin + seconds))
             for learner in learners]
    await asyncio.gather(killer(), *tasks)
    return learners, time.monotonic() - begin


def compare(learners: list[Learner], plan: list) -> list[str]:
    """Differences between what was acknowledged and what the database holds."""
    from sqlalchemy import text

    from lms import create_app
    from lms.extensions import db

    lessons = {item_id for kind, item_id, _ in plan if kind == "lesson"}
    quizzes = {item_id for kind, item_id, _ in plan if kind == "quiz"}
    problems = []
    with create_app(web=False).app_context():
        rows = db.session.execute(text(
            "SELECT u.nip, a.id, a.idempotency_key FROM attempts a JOIN users u ON u.id = a.user_id"
            " WHERE a.idempotency_key LIKE 'learner%'")).all()
        stored: dict[str, list[int]] = {}
        for _nip, attempt_id, key in rows:
            stored.setdefault(key, []).append(attempt_id)
        acknowledged = {key: attempt for learner in learners
                        for key, attempt in learner.attempts.items()}
        lost = [k for k, a in acknowledged.items() if a not in stored.get(k, [])]
        doubled = [k for k, ids in stored.items() if len(ids) > 1]
        unacknowledged = [k for k in stored if k not in acknowledged]
        if lost or doubled or unacknowledged:
            problems.append(f"attempts: {len(lost)} acknowledged but missing, {len(doubled)} "
                            f"stored twice, {len(unacknowledged)} stored but never acknowledged")
        per_user = dict(db.session.execute(text(
            "SELECT u.nip, COUNT(*) FROM lesson_completions c JOIN users u ON u.id = c.user_id"
            " GROUP BY u.nip")).all())
        ledger = dict(db.session.execute(text(
            "SELECT u.nip, COUNT(*) FROM jp_ledger j JOIN users u ON u.id = j.user_id"
            " GROUP BY u.nip")).all())
        done = dict(db.session.execute(text(
            "SELECT u.nip, COUNT(*) FROM enrollments e JOIN users u ON u.id = e.user_id"
            " WHERE e.completed_at IS NOT NULL GROUP BY u.nip")).all())
        db.engine.dispose()
    for learner in learners:
        nip = learner_nip(learner.number + 1)
        if per_user.get(nip, 0) != len(learner.lessons):
            problems.append(f"{nip}: {len(learner.lessons)} lessons acknowledged, "
                            f"{per_user.get(nip, 0)} stored")
        finished = learner.lessons == lessons and learner.passed == quizzes
        if (ledger.get(nip, 0), done.get(nip, 0)) != ((1, 1) if finished else (0, 0)):
            problems.append(f"{nip}: finished={finished}, JP entries {ledger.get(nip, 0)}, "
                            f"completed enrolments {done.get(nip, 0)}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url",
                        default="postgresql://postgres@127.0.0.1:5432/bench_two_hosts")
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--kill-after", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ensure_database(args.database_url)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env, tokens = build_instance(folder / "instance", args.database_url, args.learners)
        env["LMS_PROXY_COUNT"] = "1"
        plan = course_plan()
        ports = free_port(), free_port(), free_port()
        hosts = [start([str(BIN / "lms"), "serve", "--port", str(port), "--workers",
                        str(args.workers)], env, port, folder / f"host-{name}.log",
                       new_session=True)
                 for name, port in zip("ab", ports[:2])]
        nginx = start_nginx(folder, ports[2], *ports[:2])
        killed = {}

        def kill() -> None:
            killed["at"] = time.monotonic()
            os.killpg(hosts[0].pid, signal.SIGKILL)  # master and workers, like a host dying

        try:
            learners, elapsed = asyncio.run(drive(ports[2], tokens[1:], plan, args.seconds,
                                                  args.kill_after, kill))
        finally:
            for proc in (nginx, *hosts):
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(timeout=30)
        problems = compare(learners, plan)
    report(args, learners, elapsed, problems)
    sys.exit(1 if problems else 0)


def report(args, learners: list[Learner], elapsed: float, problems: list[str]) -> None:
    latencies = [s for learner in learners for s in learner.latencies]
    attempts = sum(len(learner.attempts) for learner in learners)
    lessons = sum(len(learner.lessons) for learner in learners)
    print(f"two hosts x {args.workers} gevent workers behind nginx, PostgreSQL; "
          f"{len(learners)} learners for {elapsed:.0f} s; host A killed (SIGKILL) at "
          f"{args.kill_after:.0f} s")
    print(f"acknowledged: {attempts} quiz attempts, {lessons} lesson completions "
          f"({(attempts + lessons) / elapsed:.0f}/s); retried requests: "
          f"{sum(learner.retries for learner in learners)}")
    print(f"latency of acknowledged requests: p50 {percentile(latencies, 50):.0f} ms, "
          f"p95 {percentile(latencies, 95):.0f} ms, p99 {percentile(latencies, 99):.0f} ms, "
          f"median per learner {statistics.median(len(x.attempts) for x in learners):.0f} attempts")
    print("check: every acknowledged attempt and lesson completion stored once, nothing "
          "unacknowledged stored, one completion and JP entry per finished learner: "
          + ("OK" if not problems else "FAILED"))
    for problem in problems:
        print("  " + problem)


if __name__ == "__main__":
    main()
