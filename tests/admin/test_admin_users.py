"""Employees on the admin pages: list and search, create, edit, passwords, sessions."""

from sqlalchemy import func, select

from lms.auth.models import User
from tests.conftest import PASSWORD

NEW_NIP = "198503122010011001"


def _form(org, **changes):
    data = {"nip": NEW_NIP, "name": "Ani Suryani, S.E.", "employee_type": "PNS",
            "roles": "learner", "unit": str(org["a"].id), "position": "", "golongan": "III/a",
            "supervisor_nip": org["manager_a"].nip, "active": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _count(db):
    return db.session.scalar(select(func.count()).select_from(User))


def test_list_searches_by_name_and_nip(admin_client, org):
    page = admin_client.get("/admin/pegawai?q=budi").get_data(as_text=True)
    assert "Budi" in page and "Citra" not in page
    nip = org["learner_a1"].nip
    page = admin_client.get(f"/admin/pegawai?q={nip[:8]} {nip[8:14]}").get_data(as_text=True)
    assert "Citra" in page
    page = admin_client.get(f"/admin/pegawai?q={nip}").get_data(as_text=True)
    assert "Citra" in page and "Budi" not in page


def test_list_pages_with_a_constant_number_of_queries(page_queries, admin_client, db, org, make_person):
    small = page_queries(admin_client, "/admin/pegawai")[0]
    for n in range(55):
        make_person(org["a1"], name=f"Pegawai {n:02d}").position = org["position"]
    db.session.commit()
    assert page_queries(admin_client, "/admin/pegawai")[0] == small
    first = admin_client.get("/admin/pegawai").get_data(as_text=True)
    assert "Halaman 1 dari 2" in first
    second = admin_client.get("/admin/pegawai?hal=2").get_data(as_text=True)
    assert "Pegawai 54" in second and "Pegawai 00" not in second


def test_create_employee_without_password(find_user, admin_client, db, org):
    response = admin_client.post("/admin/pegawai/baru", data=_form(org))
    assert response.status_code == 302
    ani = find_user(NEW_NIP)
    assert ani.name == "Ani Suryani, S.E." and ani.unit.code == "BID-A"
    assert ani.golongan == "III/a" and ani.supervisor.nip == org["manager_a"].nip
    assert ani.active
    page = admin_client.get(f"/admin/pegawai/{NEW_NIP}").get_data(as_text=True)
    assert "belum punya kata sandi" in page


def test_create_accepts_spaces_and_dots_and_pppk(find_user, admin_client, db, org):
    spaced = "19850312 201001 1 001"
    assert admin_client.post("/admin/pegawai/baru",
                             data=_form(org, nip=spaced)).status_code == 302
    assert find_user(NEW_NIP) is not None
    pppk = "199301052024212003"
    response = admin_client.post("/admin/pegawai/baru", data=_form(
        org, nip=pppk, employee_type="PPPK", golongan="VII", supervisor_nip=""))
    assert response.status_code == 302
    assert find_user(pppk).employee_type == "PPPK"


def test_bad_inputs_are_refused_next_to_the_field(admin_client, db, org):
    before = _count(db)
    cases = [
        ({"nip": "19850312201013100"}, "18 digit"),
        ({"nip": "198513122010011001"}, "tanggal lahir"),
        ({"nip": "199301052024212003"}, "bulan pengangkatan"),  # a PPPK number typed as PNS
        ({"nip": org["learner_a"].nip}, "sudah terdaftar"),
        ({"golongan": "V/z"}, "Golongan V/z tidak berlaku"),
        ({"employee_type": "PPPK", "nip": "199301052024212003", "golongan": "III/a"},
         "tidak berlaku untuk PPPK"),
        ({"supervisor_nip": "199001012015011999"}, "Tidak ada pegawai dengan NIP itu"),
        ({"supervisor_nip": NEW_NIP}, "atasannya sendiri"),
        ({"unit": ""}, "Pilih unit kerja"),
        ({"password": "pendek", "confirm": "pendek"}, "minimal 8"),
        ({"password": "panjang-sekali", "confirm": "panjang-sekal1"}, "tidak sama"),
    ]
    for changes, message in cases:
        response = admin_client.post("/admin/pegawai/baru", data=_form(org, **changes))
        page = response.get_data(as_text=True)
        assert response.status_code == 422, changes
        assert message in page, (changes, message)
        assert 'class="field-error"' in page and 'aria-invalid="true"' in page
    assert _count(db) == before


def test_edit_employee(find_user, admin_client, db, org):
    budi = org["learner_a"]
    response = admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(
        org, nip=budi.nip, name="Budi Hartono", roles="trainer", unit=str(org["b"].id),
        position=str(org["position"].id), golongan="III/b"))
    assert response.status_code == 302
    budi = find_user(budi.nip)
    assert (budi.name, budi.roles, budi.unit.code, budi.position.code, budi.golongan) == (
        "Budi Hartono", {"trainer"}, "BID-B", "PRAKOM", "III/b")
    page = admin_client.get(f"/admin/pegawai/{budi.nip}").get_data(as_text=True)
    assert "Budi Hartono" in page and 'value="III/b"' in page


def test_disabling_ends_sessions_and_sign_in(find_user, app, admin_client, db, org, login):
    budi = org["learner_a"]
    own = app.test_client()
    login(budi, target=own)
    assert own.get("/").status_code == 200
    response = admin_client.post(f"/admin/pegawai/{budi.nip}",
                                 data=_form(org, nip=budi.nip, name=budi.name, active=None))
    assert response.status_code == 302
    assert not find_user(budi.nip).active
    assert own.get("/").status_code == 302  # the old session ended
    assert login(budi, target=app.test_client()).status_code == 403  # told: disabled
    admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(org, nip=budi.nip,
                                                                name=budi.name))
    assert find_user(budi.nip).active
    assert login(budi, target=app.test_client()).status_code == 302


def test_admin_cannot_disable_or_demote_themself(find_user, admin_client, db, org):
    me = org["admin"]
    for changes, message in (({"active": None, "roles": "admin"}, "menonaktifkan diri sendiri"),
                             ({"roles": "manager"}, "menurunkan peran sendiri"), ({"roles": ["manager", "trainer"]}, "menurunkan peran sendiri")):
        response = admin_client.post(f"/admin/pegawai/{me.nip}", data=_form(
            org, nip=me.nip, name=me.name, unit=str(org["b"].id), supervisor_nip="",
            **changes))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    me = find_user(me.nip)
    assert me.active and me.roles == {"admin"}
    assert admin_client.get("/admin/").status_code == 200


def test_set_password_lets_an_imported_employee_sign_in(find_user, app, admin_client, login,
                                                        runner, tmp_path):
    csv = tmp_path / "pegawai.csv"
    csv.write_text("nip,name,unit_code\n199204232017082001,Dewi,BID-A\n", encoding="utf-8")
    assert runner.invoke(args=["lms", "import-employees", str(csv)]).exit_code == 0
    dewi = find_user("199204232017082001")
    assert login(dewi, password="kata-sandi-dewi", target=app.test_client()).status_code == 401
    response = admin_client.post(f"/admin/pegawai/{dewi.nip}/kata-sandi",
                                 data={"password": "kata-sandi-dewi",
                                       "confirm": "kata-sandi-dewi"})
    assert response.status_code == 302
    assert login(dewi, password="kata-sandi-dewi", target=app.test_client()).status_code == 302


def test_set_password_ends_old_sessions(app, admin_client, db, org, login):
    budi = org["learner_a"]
    old = app.test_client()
    login(budi, target=old)
    assert old.get("/").status_code == 200
    response = admin_client.post(f"/admin/pegawai/{budi.nip}/kata-sandi",
                                 data={"password": "baru-12345", "confirm": "baru-12345"})
    assert response.status_code == 302
    assert old.get("/").status_code == 302
    assert login(budi, target=app.test_client()).status_code == 401  # the old password
    assert login(budi, password="baru-12345", target=app.test_client()).status_code == 302


def test_bad_password_changes_nothing(admin_client, db, org, login, app):
    budi = org["learner_a"]
    for data, message in (({"password": "pendek", "confirm": "pendek"}, "minimal 8"),
                          ({"password": "baru-12345", "confirm": "baru-54321"}, "tidak sama")):
        response = admin_client.post(f"/admin/pegawai/{budi.nip}/kata-sandi", data=data)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert login(budi, password=PASSWORD, target=app.test_client()).status_code == 302


def test_admin_setting_own_password_stays_signed_in(admin_client, db, org, login, app):
    me = org["admin"]
    response = admin_client.post(f"/admin/pegawai/{me.nip}/kata-sandi",
                                 data={"password": "admin-baru-1", "confirm": "admin-baru-1"})
    assert response.status_code == 302
    assert admin_client.get("/admin/").status_code == 200
    assert login(me, password="admin-baru-1", target=app.test_client()).status_code == 302
