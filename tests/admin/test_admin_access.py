"""Every admin route: anonymous → sign-in, learner/trainer/manager → 403, admin → served."""

import io
import re

import pytest
from flask import g
from sqlalchemy import func, select

from lms.org.models import Unit


def _routes(org):
    unit, position, nip = org["b"].id, org["position"].id, org["learner_a"].nip
    return [
        ("admin.index", "get", "/admin/", None, 200),
        ("admin.employees", "get", "/admin/pegawai?q=Budi", None, 200),
        ("admin.employee_new", "get", "/admin/pegawai/baru", None, 200),
        ("admin.employee_create", "post", "/admin/pegawai/baru",
         {"nip": "198503122010011001", "name": "Ani", "employee_type": "PNS", "roles": "learner",
          "unit": str(unit), "active": "y"}, 302),
        ("admin.employee_import_form", "get", "/admin/pegawai/impor", None, 200),
        ("admin.employee_import", "post", "/admin/pegawai/impor", {"file": None}, 422),
        ("admin.employee_edit", "get", f"/admin/pegawai/{nip}", None, 200),
        ("admin.employee_update", "post", f"/admin/pegawai/{nip}",
         {"nip": nip, "name": "Budi", "employee_type": "PNS", "roles": "learner",
          "unit": str(org["a"].id), "active": "y"}, 302),
        ("admin.employee_password", "post", f"/admin/pegawai/{nip}/kata-sandi",
         {"password": "sandi-baru-1", "confirm": "sandi-baru-1"}, 302),
        ("admin.employee_token_create", "post", f"/admin/pegawai/{nip}/token", {"name": "HR"},
         201),
        # A token that does not exist: 404 for the admin, 403 for everyone else.
        ("admin.employee_token_revoke", "post", f"/admin/pegawai/{nip}/token/999999/cabut", {},
         404),
        ("admin.units", "get", "/admin/unit", None, 200),
        ("admin.unit_new", "get", "/admin/unit/baru", None, 200),
        ("admin.unit_create", "post", "/admin/unit/baru", {"code": "BARU", "name": "Unit Baru"},
         302),
        ("admin.unit_edit", "get", f"/admin/unit/{unit}", None, 200),
        ("admin.unit_update", "post", f"/admin/unit/{unit}",
         {"name": "Bidang B", "parent": str(org["root"].id)}, 302),
        ("admin.unit_delete", "post", f"/admin/unit/{unit}/hapus", {}, 302),
        ("admin.positions", "get", "/admin/jabatan", None, 200),
        ("admin.position_new", "get", "/admin/jabatan/baru", None, 200),
        ("admin.position_create", "post", "/admin/jabatan/baru",
         {"code": "STAF", "name": "Staf", "type": "pelaksana"}, 302),
        ("admin.position_edit", "get", f"/admin/jabatan/{position}", None, 200),
        ("admin.position_update", "post", f"/admin/jabatan/{position}",
         {"code": "PRAKOM", "name": "Pranata Komputer", "type": "fungsional"}, 302),
        ("admin.framework", "get", "/admin/kompetensi", None, 200),
        ("admin.framework_export", "get", "/admin/kompetensi/ekspor.csv", None, 200),
        ("admin.framework_import", "post", "/admin/kompetensi/impor", {"file": None}, 302),
        ("admin.competency_new", "get", "/admin/kompetensi/baru", None, 200),
        ("admin.competency_create", "post", "/admin/kompetensi/baru",
         {"code": "T.05", "name": "Analisis Data", "group": "teknis"}, 302),
        ("admin.competency_edit", "get", "/admin/kompetensi/M.01", None, 200),
        ("admin.competency_update", "post", "/admin/kompetensi/M.01",
         {"name": "Integritas", "group": "manajerial"}, 302),
        ("admin.competency_delete", "post", "/admin/kompetensi/M.08/hapus", {}, 302),
        ("admin.sign_in_failures", "get", "/admin/percobaan-masuk", None, 200),
        ("admin.sign_in_release", "post", "/admin/percobaan-masuk/lepas", {"key": "ip:1.2.3.4"},
         302),
        ("audit.events", "get", "/admin/audit/?aksi=login.failed&dari=2026-01-01", None, 200),
        ("audit.export", "get", "/admin/audit/ekspor.csv", None, 200),
    ]


def test_every_admin_route_is_listed(app, org):
    listed = {endpoint for endpoint, *_ in _routes(org)}
    registered = {rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith(("admin.", "audit."))}
    assert registered == listed


def _fresh(data):
    """The request body; an upload needs a new file object for every request."""
    if data and "file" in data:
        return {"file": (io.BytesIO(b"code,name,group\nT.09,Uji,teknis\n"), "k.csv")}
    return data


@pytest.mark.parametrize("index", range(32))
def test_admin_route_access(app, org, login, index):
    endpoint, method, path, data, admin_status = _routes(org)[index]
    anonymous = getattr(app.test_client(), method)(path, data=_fresh(data))
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    for who in ("learner_a", "trainer", "manager_root"):
        client = app.test_client()
        login(org[who], target=client)
        assert getattr(client, method)(path, data=_fresh(data)).status_code == 403, who
    admin = app.test_client()
    login(org["admin"], target=admin)
    response = getattr(admin, method)(path, data=_fresh(data))
    assert response.status_code == admin_status, (endpoint, response.get_data(as_text=True))
    if admin_status == 302:
        assert "/masuk" not in response.headers["Location"]


def test_unknown_things_are_404(admin_client):
    for path in ("/admin/pegawai/199001012015011999", "/admin/unit/999999",
                 "/admin/jabatan/999999", "/admin/kompetensi/X.99"):
        assert admin_client.get(path).status_code == 404, path
    assert admin_client.post("/admin/unit/999999/hapus").status_code == 404
    assert admin_client.post("/admin/kompetensi/X.99/hapus").status_code == 404


def test_admin_nav_link_only_for_admins(app, org, login):
    for who, shown in (("admin", True), ("manager_root", False), ("learner_a", False)):
        client = app.test_client()
        login(org[who], target=client)
        page = client.get("/").get_data(as_text=True)
        assert ('href="/admin/"' in page) is shown, who


def test_admin_forms_need_csrf(csrf_app, org, db):
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": org["admin"].nip, "password": "rahasia-123",
                                "csrf_token": token})
    # Requests share the test's ``g``, where Flask-WTF cached the token of the session
    # before sign-in; forget it, as a new request in production would.
    g.pop("csrf_token", None)
    assert client.post("/admin/unit/baru", data={"code": "X", "name": "X"}).status_code == 400
    assert client.post(f"/admin/unit/{org['b'].id}/hapus").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 4
    form = client.get("/admin/unit/baru").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/admin/unit/baru", data={"code": "X", "name": "X",
                                                     "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 5
