"""How many worker processes `lms serve` should run: the lesson page and the bare route at
several worker counts, over real HTTP, in interleaved rounds.

Usage:
  .venv/bin/python bench/bench_workers.py [--database-url URL] [--counts 2 3 5]
      [--rounds 6] [--seconds 4]

One instance (as bench_http.py builds it); for each worker count an `lms serve` and a bare
Flask route under the same gunicorn settings, all started at once and measured with wrk in
turn, round after round (the order reversed every other round), so that a change in the
machine's load falls on every count alike. Prints each round, then per count the medians:
requests per second, the server's CPU per request, and the lesson page's share of the bare
route's throughput at the same count.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import (BIN, LESSON, build_instance, free_port, session_cookie,  # noqa: E402
                        start, wrk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--counts", type=int, nargs="+", default=[2, 3, 5])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=4, help="length of each wrk round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env, _ = build_instance(folder, args.database_url, 1)
        targets, servers = [], []
        try:
            for count in args.counts:
                port = free_port()
                servers.append(start([str(BIN / "lms"), "serve", "--port", str(port),
                                      "--workers", str(count)], env, port,
                                     folder / f"lms-{count}.log", new_session=True))
                targets.append((("lesson", count), servers[-1].pid,
                                f"http://127.0.0.1:{port}{LESSON}", session_cookie(port)))
                port = free_port()
                servers.append(start([sys.executable, str(Path(__file__).parent / "bench_http.py"),
                                      "--bare-server", f"127.0.0.1:{port}", str(count)], env,
                                     port, folder / f"bare-{count}.log", new_session=True))
                targets.append((("bare", count), servers[-1].pid,
                                f"http://127.0.0.1:{port}/bare", None))
            report(args, targets)
        finally:
            for proc in servers:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()


def report(args, targets: list) -> None:
    for _, pid, url, cookie in targets:  # warm-up, not counted
        wrk(url, 2, pid, cookie)
    results: dict[tuple, list] = {name: [] for name, *_ in targets}
    print(f"engine: {'postgresql' if args.database_url else 'sqlite'}; wrk -t1 -c8, "
          f"{args.rounds} rounds of {args.seconds} s; lesson/bare req/s per worker count")
    for n in range(args.rounds):
        for name, pid, url, cookie in (targets if n % 2 == 0 else targets[::-1]):
            results[name].append(wrk(url, args.seconds, pid, cookie))
        print(f"round {n + 1}: " + "  ".join(
            f"{count} workers {results['lesson', count][-1][0]:.0f}/"
            f"{results['bare', count][-1][0]:.0f}" for count in args.counts), flush=True)
    for count in args.counts:
        lesson, bare = results["lesson", count], results["bare", count]
        share = statistics.median(a[0] / b[0] for a, b in zip(lesson, bare))
        print(f"{count} workers: lesson page {statistics.median(r for r, _ in lesson):.0f} req/s,"
              f" {statistics.median(c for _, c in lesson):.2f} ms CPU/request; bare route "
              f"{statistics.median(r for r, _ in bare):.0f} req/s, "
              f"{statistics.median(c for _, c in bare):.2f} ms; share {share:.3f}")


if __name__ == "__main__":
    main()
