"""What compression costs the server: the lesson page with and without each encoding.

Usage: .venv/bin/python bench/bench_compression.py [--requests 200] [--runs 5]

Builds the demo site as bench/bench_pages.py does (fresh SQLite, starter courses, demo
accounts), signs in as the demo learner and, in alternating rounds so that the machine's load
falls on all alike, times the lesson page through the WSGI app with ``Accept-Encoding``
identity (no compression), gzip, br and zstd. Prints per encoding the median milliseconds per
request, the difference to identity and the bytes sent; then the compression alone (the
page's HTML compressed by Flask-Compress's own function, at the app's settings, 2000 times:
the CPU it adds, without the noise of a whole request on a busy machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import PAGES, build_app  # noqa: E402

from lms.demo import DEMO_PASSWORD  # noqa: E402

ENCODINGS = ("identity", "gzip", "br", "zstd")
LEARNER = "198509252010012004"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(None, Path(folder))
        client = app.test_client()
        client.post("/masuk", data={"nip": LEARNER, "password": DEMO_PASSWORD})
        path = PAGES["lesson"]
        times: dict[str, list[float]] = {e: [] for e in ENCODINGS}
        sizes = {}
        for _run in range(args.runs):
            for encoding in ENCODINGS:
                headers = {"Accept-Encoding": encoding}
                response = client.get(path, headers=headers)
                assert response.status_code == 200, response.status_code
                sizes[encoding] = (len(response.get_data()),
                                   response.headers.get("Content-Encoding", "-"))
                start = time.perf_counter()
                for _ in range(args.requests):
                    client.get(path, headers=headers).get_data()
                times[encoding].append((time.perf_counter() - start) * 1000 / args.requests)
        html = client.get(path, headers={"Accept-Encoding": "identity"}).get_data()
        alone = {}
        from flask_compress.flask_compress import _compress_data

        for encoding in ENCODINGS[1:]:
            runs = []
            for _run in range(args.runs):
                start = time.perf_counter()
                for _ in range(2000):
                    _compress_data(app, html, encoding)
                runs.append((time.perf_counter() - start) * 1000 / 2000)
            alone[encoding] = statistics.median(runs)
        base = statistics.median(times["identity"])
        print(f"lesson page {path}; {args.runs} runs x {args.requests} requests")
        print(f"{'Accept-Encoding':<16}{'median ms':>10}{'vs identity':>13}{'bytes':>8}  encoding")
        for encoding in ENCODINGS:
            median = statistics.median(times[encoding])
            size, used = sizes[encoding]
            print(f"{encoding:<16}{median:>10.2f}{median - base:>+13.2f}{size:>8}  {used}")
        print(f"\ncompression alone of the {len(html)}-byte page, median ms per page:")
        for encoding, ms in alone.items():
            print(f"{encoding:<16}{ms:>10.3f}")


if __name__ == "__main__":
    main()
