"""Walk the demo site as each role in Debian's Chromium and refresh the guides' screenshots.

    make run PORT=5077                      # a fresh demo (LMS_INSTANCE_PATH=$(mktemp -d) for a new one)
    .venv/bin/python bench/doc_screenshots.py http://127.0.0.1:5077 docs/screenshots
    .venv/bin/python bench/doc_screenshots.py http://127.0.0.1:5077 /tmp/walk --walk

The first form takes the screenshots listed in SHOTS (the pages the guides show from the demo
data; the ones of test scenarios come from the browser tests run with LMS_SCREENSHOTS=…). With
``--walk`` it opens every page of ROLES at 1280 and 360 px instead, saves each whole page and
prints what a person would stumble on: a page that scrolls sideways, an element running past the
screen's edge outside a scroll region, text under 11 px. Needs the test tools (selenium).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PASSWORD = "kelasasn2026"
RINA, ANDI, BUDI = "198509252010012004", "199103052015031005", "198204102008011003"
SRI, ADMIN, SIGNER = "197806202003122002", "198001152005011001", "197503122000031009"
COURSE = "manajemen-waktu"

# file, who (None: signed out), path, viewport width × height, element scrolled to the top.
SHOTS = [
    ("catalog-mobile.png", RINA, "/kursus", (500, 701), None),
    ("lesson-mobile.png", RINA, f"/kursus/{COURSE}/materi/matriks-eisenhower", (500, 701), None),
    ("quiz-mobile.png", ANDI, f"/kursus/{COURSE}/kuis/kuis-prinsip-dan-prioritas", (500, 701), None),
    ("learner-aspirations.png", RINA, "/usulan", (1200, 857), None),
    ("learner-plan.png", ANDI, "/rencana", (1200, 957), None),
    ("manager-dashboard.png", BUDI, "/atasan/", (1280, 1257), None),
    ("manager-needs-aspirations.png", BUDI, "/atasan/kebutuhan", (1200, 857), "#usulan"),
    ("manager-plans.png", BUDI, "/atasan/rencana", (1200, 657), None),
    ("manager-compiled-plan.png", BUDI, "/atasan/rencana/rekap", (1200, 857), None),
    ("manager-plan-approved.png", BUDI, f"/atasan/pegawai/{ANDI}/rencana", (1200, 857), None),
    ("notifications.png", BUDI, "/notifikasi", (1000, 817), None),
    ("password-reset-mobile.png", None, "/lupa-kata-sandi", (500, 701), None),
    ("mentoring-mentee.png", ANDI, "/mentoring/1", (1200, 857), None),
    ("manager-mentoring.png", BUDI, "/atasan/mentoring", (1200, 657), None),
    ("manager-queue.png", BUDI, "/atasan/tindakan", (1200, 857), None),
    ("learner-transfer-due-mobile.png", RINA, "/", (500, 701), "#evaluasi-pasca"),
    ("learner-transfer-evaluation.png", RINA, "/evaluasi-pasca/2", (1000, 957), None),
    ("trainer-evaluation-report.png", SRI, "/pengajar/kursus/komunikasi-publik/evaluasi",
     (1200, 1057), None),
]

ROLES = {
    None: ["/masuk", "/bantuan", "/lupa-kata-sandi", "/lupa-kata-sandi/terkirim", "/offline"],
    RINA: ["/", "/kursus", "/kursus?q=rapat", f"/kursus/{COURSE}",
           f"/kursus/{COURSE}/materi/matriks-eisenhower", f"/kursus/{COURSE}/kuis/kuis-prinsip-dan-prioritas",
           "/profil", "/profil/pelatihan-luar/baru", "/notifikasi", "/rencana", "/usulan", "/peran",
           "/token-api", "/mentoring", "/evaluasi-pasca/2", "/kursus/layanan-publik-digital/tugas"],
    BUDI: ["/atasan/", "/atasan/tindakan", "/atasan/kebutuhan", "/atasan/penugasan",
           "/atasan/penugasan/baru", "/atasan/usulan", "/atasan/rencana", "/atasan/rencana/rekap",
           f"/atasan/pegawai/{RINA}", f"/atasan/pegawai/{ANDI}/rencana", "/atasan/mentoring",
           "/atasan/mentoring/baru", "/atasan/evaluasi-pasca/2", "/atasan/tugas-penerapan/1"],
    SRI: ["/pengajar/", f"/pengajar/kursus/{COURSE}", f"/pengajar/kursus/{COURSE}/statistik",
          f"/pengajar/kursus/{COURSE}/umpan-balik", "/pengajar/kursus/komunikasi-publik/evaluasi",
          "/pengajar/kursus/komunikasi-publik/evaluasi-pasca"],
    ADMIN: ["/admin/", "/admin/pegawai", f"/admin/pegawai/{RINA}", "/admin/unit", "/admin/jabatan",
            "/admin/kompetensi", "/admin/percobaan-masuk", "/admin/sertifikat", "/admin/audit/",
            "/admin/siasn/"],
    SIGNER: ["/", "/tandatangan"],
}

# What a person would stumble on: sideways scrolling, things past the edge, tiny text.
PROBE = """
const doc = document.documentElement, edge = doc.clientWidth + 1;
const tiny = [], past = [];
for (const el of document.querySelectorAll('body *')) {
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  if (!box.width || style.visibility === 'hidden' || el.closest('.sr-only')) continue;
  const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (text && parseFloat(style.fontSize) < 11) tiny.push(el.tagName + ' ' + style.fontSize);
  if (box.right > edge && el.closest('main') && !el.closest('.table-scroll, figure.chart'))
    past.push(el.tagName + '.' + el.getAttribute('class') + ' to ' + Math.round(box.right) + 'px');
}
return {sideways: doc.scrollWidth - doc.clientWidth, tiny: tiny.slice(0, 3), past: past.slice(0, 3)};
"""


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--lang=id-ID"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.implicitly_wait(3)
    return driver


def _size(browser, width: int, height: int) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def _sign_in(browser, base: str, nip: str | None) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    if nip is None:
        return
    _size(browser, 1280, 900)
    browser.get(base + "/masuk")
    browser.find_element(By.ID, "nip").send_keys(nip)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    deadline = time.monotonic() + 15
    while "/masuk" in browser.current_url:
        if time.monotonic() > deadline:
            raise SystemExit(f"cannot sign in as {nip}: is this the demo site?")
        time.sleep(0.1)


def shots(base: str, out: Path) -> None:
    """Take every screenshot of SHOTS into ``out``."""
    browser = _browser()
    try:
        who = "-"
        for name, nip, path, (width, height), anchor in SHOTS:
            if nip != who:
                _sign_in(browser, base, nip)
                who = nip
            _size(browser, width, height)
            browser.get(base + path)
            if anchor:
                browser.execute_script(
                    "document.querySelector(arguments[0]).scrollIntoView()", anchor)
            time.sleep(0.3)  # web fonts and the scripts' last paint
            browser.save_screenshot(str(out / name))
            print(f"{name}: {path} at {width}×{height}")
    finally:
        browser.quit()


def walk(base: str, out: Path) -> int:
    """Every page of ROLES at 1280 and 360 px: whole-page screenshots and what is wrong."""
    browser, problems = _browser(), 0
    try:
        for nip, paths in ROLES.items():
            _sign_in(browser, base, nip)
            for path in paths:
                for width in (1280, 360):
                    _size(browser, width, 900)
                    browser.get(base + path)
                    found = browser.execute_script(PROBE)
                    height = browser.execute_script(
                        "return Math.min(document.documentElement.scrollHeight, 6000)")
                    _size(browser, width, height)
                    slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                    browser.save_screenshot(str(out / f"{nip or 'visitor'}-{slug}-{width}.png"))
                    bad = found["sideways"] > 0 or found["tiny"] or found["past"]
                    problems += bool(bad)
                    print(f"{'!!' if bad else 'ok'} {nip or 'visitor':18} {width:4} {path}"
                          + (f"  {found}" if bad else ""))
    finally:
        browser.quit()
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    base, out = argv[0].rstrip("/"), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    if "--walk" in argv[2:]:
        return 1 if walk(base, out) else 0
    shots(base, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
