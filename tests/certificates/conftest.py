"""Fixtures for certificates: a learner who completed the small test course, with its
certificate; each test keeps its PDFs and signing key in folders of its own."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from tests.conftest import PASSING_ANSWERS


@pytest.fixture(autouse=True)
def _own_folders(app, tmp_path):
    app.config["SIGNING_KEY_FOLDER"] = str(tmp_path / "keys")
    app.config["AGENCY_NAME"] = "Pemerintah Kota Serang"
    app.config["CERT_SIGNER_NAME"] = "Dr. Ahmad Fauzi, M.Si."
    app.config["CERT_SIGNER_POSITION"] = "Kepala BKPSDM Kota Serang"
    app.config["BASE_URL"] = "https://kelas.serangkota.go.id"


def complete_course(client, slug: str):
    """Through the pages: enrol, mark both lessons done, pass the quiz; the result page."""
    client.post(f"/kursus/{slug}/daftar")
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    client.post(f"/kursus/{slug}/materi/lanjutan/selesai")
    page = client.get(f"/kursus/{slug}/kuis/kuis").get_data(as_text=True)
    form = {"token": re.search(r'name="token" value="([^"]+)"', page).group(1)}
    form.update({f"q-{qid}": answer for qid, answer in PASSING_ANSWERS.items()})
    response = client.post(f"/kursus/{slug}/kuis/kuis", data=form)
    return client.get(response.headers["Location"])


@pytest.fixture
def completed(client, db, org_tree, login, make_course):
    """Budi (Bidang A) completed the test course; returns (slug, certificate, result page)."""
    slug = make_course()
    login(org_tree["learner_a"])
    result = complete_course(client, slug)
    certificate = db.session.scalar(select(Certificate))
    return slug, certificate, result.get_data(as_text=True)
