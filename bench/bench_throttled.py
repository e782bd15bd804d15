"""A lesson on a bad line: Chromium with DevTools network throttling against `lms serve`.

Usage:
  .venv/bin/python bench/bench_throttled.py [--runs 5] [--kbps 400] [--rtt-ms 400]
      [--path /kursus/manajemen-waktu/materi/matriks-eisenhower]

Builds a fresh SQLite instance in a temp folder with the `lms` commands (init-db, import of the
starter courses, seed-demo), starts `lms serve` (gunicorn, the settings of lms/server.py) and,
per run, a headless Debian Chromium with an empty profile. The demo learner signs in at full
speed; then the browser's cache is emptied, the line is throttled through the DevTools
protocol (Network.emulateNetworkConditions: the given throughput both ways and round-trip
latency) and the lesson is opened twice:

- first view: nothing cached;
- repeat view: the same lesson opened again (as from a link or the home screen, not a reload).

For each view it prints the bytes the browser received for every request it sent (headers
included: DevTools' encodedDataLength, the favicon too), the load time (navigation start to
the end of the load event, Navigation Timing) and the time to the page's first byte
(responseStart: the round trip plus the server's time). Medians over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LESSON = "/kursus/manajemen-waktu/materi/matriks-eisenhower"
DEMO_LEARNER = "198509252010012004"
DEMO_PASSWORD = "kelasasn2026"
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_instance(folder: Path) -> dict:
    """A fresh SQLite instance made with the lms commands; returns its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.pop("DATABASE_URL", None)
    env["LMS_INSTANCE_PATH"] = str(folder)
    courses = sorted(str(p) for p in (ROOT / "courses").iterdir() if (p / "course.md").exists())
    for args in (["init-db"], ["import", *courses], ["seed-demo"]):
        subprocess.run([str(BIN / "lms"), *args], env=env, check=True, capture_output=True)
    return env


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    """`lms serve` with one worker, in a process group of its own; waits until it answers."""
    import urllib.request

    proc = subprocess.Popen([str(BIN / "lms"), "serve", "--port", str(port), "--workers", "1"],
                            env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=5) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, 15)
    sys.exit(f"lms serve did not start:\n{log.read_text()}")


def chromium(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--window-size=390,900",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(DRIVER))


def sign_in(driver, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/masuk")
    driver.find_element(By.ID, "nip").send_keys(DEMO_LEARNER)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/masuk" not in d.current_url)


def network_events(driver) -> list[dict]:
    """The DevTools Network.* events logged since the last call."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"].startswith("Network."):
            events.append(message)
    return events


def view(driver, url: str) -> tuple[int, float, float, list[str]]:
    """Open ``url``; (bytes received, load time in ms, time to the page's first byte in ms,
    what was fetched) once the load event
    ended and the network has been idle for a second (the favicon comes after the load)."""
    network_events(driver)  # drop what came before
    driver.get(url)
    while not driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return n && n.loadEventEnd > 0;"):
        time.sleep(0.05)
    load_ms, first_byte_ms = driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        "return [n.loadEventEnd, n.responseStart];")
    events, pending, quiet_since = [], set(), time.monotonic()
    while time.monotonic() - quiet_since < 1.0 or pending:
        fresh = network_events(driver)
        if fresh:
            quiet_since = time.monotonic()
        for event in fresh:
            request_id = event["params"].get("requestId")
            if event["method"] == "Network.requestWillBeSent":
                pending.add(request_id)
            elif event["method"] in ("Network.loadingFinished", "Network.loadingFailed"):
                pending.discard(request_id)
        events += fresh
        time.sleep(0.1)
    urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in events if e["method"] == "Network.requestWillBeSent"}
    cached = {e["params"]["requestId"] for e in events
              if e["method"] == "Network.requestServedFromCache"}
    received, fetched = 0, []
    for event in events:
        if event["method"] == "Network.loadingFinished":
            request_id = event["params"]["requestId"]
            size = int(event["params"]["encodedDataLength"])
            received += size
            name = urls.get(request_id, "?").split("/", 3)[-1]
            fetched.append(f"/{name} {'(cache) ' if request_id in cached else ''}{size} B")
    return received, float(load_ms), float(first_byte_ms), fetched


def run_once(base: str, path: str, profile: Path, kbps: int, rtt_ms: int):
    driver = chromium(profile)
    try:
        sign_in(driver, base)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt_ms,
            "downloadThroughput": kbps * 1000 / 8, "uploadThroughput": kbps * 1000 / 8})
        first = view(driver, base + path)
        repeat = view(driver, base + path)
        return first, repeat
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kbps", type=int, default=400)
    parser.add_argument("--rtt-ms", type=int, default=400)
    parser.add_argument("--path", default=LESSON)
    args = parser.parse_args()
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        sys.exit("needs Debian's chromium and chromium-driver (make test-deps)")
    folder = Path(tempfile.mkdtemp(prefix="bench-throttled-"))
    server = None
    try:
        env = build_instance(folder)
        port = free_port()
        server = serve(env, port, folder / "serve.log")
        base = f"http://127.0.0.1:{port}"
        firsts, repeats = [], []
        for n in range(args.runs):
            first, repeat = run_once(base, args.path, folder / f"profile-{n}", args.kbps,
                                     args.rtt_ms)
            firsts.append(first)
            repeats.append(repeat)
            print(f"run {n + 1}: first {first[0]} B {first[1]:.0f} ms; "
                  f"repeat {repeat[0]} B {repeat[1]:.0f} ms", flush=True)
        print(f"\n{args.kbps} kbps, {args.rtt_ms} ms round trip; {args.path}; "
              f"median of {args.runs} runs")
        print(f"{'view':<8}{'bytes received':>16}{'load ms':>10}{'first byte ms':>15}")
        for label, views in (("first", firsts), ("repeat", repeats)):
            print(f"{label:<8}{statistics.median(v[0] for v in views):>16.0f}"
                  f"{statistics.median(v[1] for v in views):>10.0f}"
                  f"{statistics.median(v[2] for v in views):>15.0f}")
        print("\nrequests of the last run:")
        for label, views in (("first", firsts), ("repeat", repeats)):
            print(f"  {label}: " + "; ".join(views[-1][3]))
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
