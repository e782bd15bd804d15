"""Every manager route: a learner gets 403, a manager of another unit 404."""

import re

import pytest
from flask import g
from sqlalchemy import select

from lms.competency.models import CompetencyEvidence


@pytest.fixture
def evidence_of_a1(org, credit, db):
    credit(org["learner_a1"])
    return db.session.scalar(select(CompetencyEvidence.id))


def _routes(org, evidence_id):
    nip = org["learner_a1"].nip
    return [
        ("get", "/atasan/?unit=SEK-A1", {}),
        ("get", f"/atasan/pegawai/{nip}", {}),
        ("post", f"/atasan/bukti/{evidence_id}", {"decision": "validasi"}),
        ("get", "/atasan/ekspor/laporan.csv?unit=SEK-A1", {}),
        ("get", "/atasan/ekspor/laporan.xlsx?unit=SEK-A1", {}),
        ("get", "/atasan/ekspor/jp.csv?unit=SEK-A1", {}),
        ("get", "/atasan/ekspor/jp.xlsx?unit=SEK-A1", {}),
        ("get", "/atasan/ekspor/matriks.csv?unit=SEK-A1", {}),
        ("get", "/atasan/ekspor/matriks.xlsx?unit=SEK-A1", {}),
        ("get", "/atasan/kebutuhan?unit=SEK-A1", {}),
    ]


@pytest.mark.parametrize("index", range(10))
def test_manager_routes_scope(app, org, login, evidence_of_a1, index):
    method, path, data = _routes(org, evidence_of_a1)[index]
    expected = {"learner_a": 403, "learner_a1": 403, "manager_b": 404, "manager_a": None,
                "manager_root": None, "admin": None}
    for who, status in expected.items():
        client = app.test_client()
        login(org[who], target=client)
        response = getattr(client, method)(path, data=data)
        response.get_data()  # exports stream: read them to the end
        if status is None:
            assert response.status_code in (200, 302), (who, path)
        else:
            assert response.status_code == status, (who, path)


def test_unknown_unit_and_employee_are_404(client, org, login):
    login(org["manager_root"])
    assert client.get("/atasan/?unit=TIDAK-ADA").status_code == 404
    assert client.get("/atasan/pegawai/199001012015011999").status_code == 404
    assert client.post("/atasan/bukti/999999", data={"decision": "validasi"}).status_code == 404
    assert client.get("/atasan/ekspor/lain.csv").status_code == 404



def test_parent_unit_is_outside_a_sub_unit_managers_scope(client, org, login):
    login(org["manager_a"])
    assert client.get("/atasan/?unit=DINAS").status_code == 404
    assert client.get(f"/atasan/pegawai/{org['manager_root'].nip}").status_code == 404
    assert client.get("/atasan/ekspor/jp.csv?unit=BID-B").status_code == 404
    assert client.get("/atasan/ekspor/matriks.csv?unit=DINAS").status_code == 404
    assert client.get("/atasan/kebutuhan?unit=DINAS").status_code == 404


def test_managers_cannot_review_their_own_evidence(client, org, login, credit, db):
    credit(org["manager_a"])
    evidence_id = db.session.scalar(select(CompetencyEvidence.id))
    login(org["manager_a"])
    assert client.post(f"/atasan/bukti/{evidence_id}",
                       data={"decision": "validasi"}).status_code == 403


def test_review_needs_csrf(csrf_app, org, credit, db):
    credit(org["learner_a1"], levels=(("M.03", 2), ("M.05", 1)))
    first, second = db.session.scalars(select(CompetencyEvidence.id).order_by(
        CompetencyEvidence.id)).all()
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": org["manager_a"].nip, "password": "rahasia-123",
                                "csrf_token": token})
    # Requests share the test's app context and so ``g``, where Flask-WTF caches the token of
    # the session before sign-in; forget it, as a new request in production would.
    g.pop("csrf_token", None)
    page = client.get(f"/atasan/pegawai/{org['learner_a1'].nip}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/atasan/bukti/{first}",
                           data={"decision": "validasi", "csrf_token": token})
    assert response.status_code == 302
    assert client.post(f"/atasan/bukti/{second}", data={"decision": "tolak"}).status_code == 400
    assert db.session.get(CompetencyEvidence, second).rejected_at is None
