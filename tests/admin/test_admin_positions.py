"""Positions on the admin pages: code, name, type and required levels in one form."""

from sqlalchemy import func, select

from lms.org.models import Position


def _position(db, code):
    db.session.expire_all()
    return db.session.scalar(select(Position).where(Position.code == code))


def test_list_shows_requirements(admin_client, org):
    page = admin_client.get("/admin/jabatan").get_data(as_text=True)
    assert "Pranata Komputer" in page and "M.03 · 3" in page and "T.01 · 2" in page


def test_form_has_a_level_per_competency(admin_client, org):
    page = admin_client.get(f"/admin/jabatan/{org['position'].id}").get_data(as_text=True)
    for code in ("M.01", "M.08", "SK.01", "T.01"):
        assert f'name="level_{code.replace(".", "_")}"' in page
    assert '<option selected value="3">' in page or 'value="3" selected' in page


def test_create_position_with_levels(admin_client, db, org):
    response = admin_client.post("/admin/jabatan/baru", data={
        "code": "analis-sdm", "name": "Analis SDM Aparatur", "type": "fungsional",
        "level_M_01": "2", "level_SK_01": "3", "level_T_01": ""})
    assert response.status_code == 302
    position = _position(db, "ANALIS-SDM")
    assert position.type == "fungsional"
    assert position.required_levels == {"M.01": 2, "SK.01": 3}


def test_edit_replaces_levels_and_code(admin_client, db, org):
    position_id = org["position"].id
    response = admin_client.post(f"/admin/jabatan/{position_id}", data={
        "code": "PRAKOM-AP", "name": "Pranata Komputer Ahli Pertama", "type": "fungsional",
        "level_M_03": "2", "level_M_05": "1"})
    assert response.status_code == 302
    position = _position(db, "PRAKOM-AP")
    assert position.id == position_id
    assert position.required_levels == {"M.03": 2, "M.05": 1}
    assert _position(db, "PRAKOM") is None


def test_bad_inputs_change_nothing(admin_client, db, org):
    admin_client.post("/admin/jabatan/baru", data={"code": "STAF", "name": "Staf",
                                                   "type": "pelaksana"})
    before = db.session.scalar(select(func.count()).select_from(Position))
    cases = [
        ({"code": "PRAKOM", "name": "Lagi", "type": "pelaksana"}, "sudah dipakai"),
        ({"code": "X", "name": "X", "type": "raja"}, "Pilih salah satu"),
        ({"code": "X", "name": "X", "type": "pelaksana", "level_M_01": "6"},
         "Pilih salah satu"),
        ({"code": "", "name": "X", "type": "pelaksana"}, "Wajib diisi"),
    ]
    for data, message in cases:
        response = admin_client.post("/admin/jabatan/baru", data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    response = admin_client.post(f"/admin/jabatan/{org['position'].id}", data={
        "code": "STAF", "name": "Pranata", "type": "fungsional"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Position)) == before
    assert _position(db, "PRAKOM").required_levels == {"M.03": 3, "T.01": 2}
