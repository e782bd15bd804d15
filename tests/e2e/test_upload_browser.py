"""Certificate uploads in Chromium with JavaScript: a file over the limit is refused before it
is sent, a good one goes through the progress path to the profile, and the scan then opens in
the browser's own viewer."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.competency.models import ExternalTraining
from tests.competency.certificates import PDF, TODAY
from tests.e2e.waits import heading_becomes


def _fill(browser, path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, "kind")).select_by_value("pelatihan klasikal")
    for field, value in (("title", "Pelatihan Pelayanan Prima"),
                         ("provider", "BPSDM Provinsi Jawa Barat"),
                         ("jp", "8"), ("certificate_number", "BPSDM/0042/2026")):
        element = browser.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    for field in ("started_on", "ended_on"):
        browser.find_element(By.ID, field).send_keys(f"{TODAY:%m%d%Y}")  # en-US order
    browser.find_element(By.ID, "file").send_keys(str(path))


def test_size_checked_before_sending_then_uploaded_and_viewed_inline(
        app, db, live_server, browser, sign_in, make_user, tmp_path):
    from selenium.webdriver.common.by import By

    app.config["EVIDENCE_MAX_BYTES"] = 2000
    learner = make_user()
    sign_in(browser, learner)
    big, small = tmp_path / "besar.pdf", tmp_path / "sertifikat.pdf"
    big.write_bytes(PDF + b"0" * 3500)  # 4 KB
    small.write_bytes(PDF)

    browser.get(f"{live_server}/profil/pelatihan-luar/baru")
    _fill(browser, big)
    browser.find_element(By.CSS_SELECTOR, "form.card button.primary").click()
    error = browser.find_element(By.ID, "file-error")
    # The browser's own message (the server's would be "Berkas terlalu besar"): nothing sent.
    assert error.text.startswith("Berkas ini 4 KB; batasnya 2 KB. Perkecil pindaiannya")
    assert browser.find_element(By.ID, "file").get_attribute("aria-invalid") == "true"
    assert browser.find_element(By.ID, "title").get_attribute("value") == \
        "Pelatihan Pelayanan Prima"
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 0

    browser.find_element(By.ID, "file").send_keys(str(small))
    browser.find_element(By.CSS_SELECTOR, "form.card button.primary").click()
    assert heading_becomes(browser, "Profil Kompetensi")
    assert "menunggu validasi atasan" in browser.page_source
    assert browser.current_url.endswith("/profil")
    training = db.session.scalar(select(ExternalTraining))
    assert training.title == "Pelatihan Pelayanan Prima"

    browser.find_element(By.PARTIAL_LINK_TEXT, "Lihat sertifikat").click()
    assert browser.execute_script("return document.contentType") == "application/pdf"
    assert browser.current_url.endswith(f"/profil/pelatihan-luar/{training.id}/sertifikat")
