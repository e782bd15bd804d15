"""The admin's SIASN page (mapping, state, download), `lms siasn export`, pnsOrangId on the
employee form and in the CSV import, and the SIASN state in the profile API."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.models import User
from lms.siasn.mapping import DEFAULTS, get_mapping
from tests.conftest import PASSWORD


def _admin(client, make_user):
    admin = make_user("admin")
    client.post("/masuk", data={"nip": admin.nip, "password": PASSWORD})
    return admin


def test_admin_sees_and_changes_the_mapping_audited(client, db, make_user):
    admin = _admin(client, make_user)
    page = client.get("/admin/siasn/").get_data(as_text=True)
    assert 'name="code-course" value="16"' in page
    assert 'name="code-seminar/konferensi" value="9"' in page
    assert 'name="code-pelatihan klasikal" value=""' in page and "belum dipetakan" in page

    bad = client.post("/admin/siasn/pemetaan", data={"code-course": "enam belas"})
    assert bad.status_code == 422 and "bilangan bulat 1 sampai 999" in bad.get_data(True)
    assert get_mapping(db.session)["course"] == 16

    # The form sends every source, as the page shows them.
    form = {f"code-{s}": "" if c is None else str(c) for s, c in DEFAULTS.items()}
    response = client.post("/admin/siasn/pemetaan", data={
        **form, "code-pelatihan klasikal": "3", "code-seminar/konferensi": ""})
    assert response.status_code == 302
    mapping = get_mapping(db.session)
    assert mapping["pelatihan klasikal"] == 3 and mapping["seminar/konferensi"] is None
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "siasn.mapping_changed")).all()
    assert event.actor_id == admin.id
    assert event.details == {"pelatihan klasikal": "None -> 3", "seminar/konferensi": "9 -> None"}
    # Learners and managers do not reach the page.
    client.post("/keluar")
    learner = make_user()
    client.post("/masuk", data={"nip": learner.nip, "password": PASSWORD})
    assert client.get("/admin/siasn/").status_code in (302, 403)


def test_export_lists_the_records_not_yet_sent(runner, client, db, make_user, make_unit,
                                               person, completion, fake, tmp_path):
    unit = make_unit("BKPSDM", "BKPSDM")
    rina = person(make_user(name="Rina", unit=unit))
    other = make_user(name="Tanpa Id")
    mine, theirs = completion(rina, title="Etika ASN"), completion(other)
    completion(rina, year=2025)  # another year

    result = runner.invoke(args=["lms", "siasn", "export", "--year", "2026", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 record(s)" in result.output and "1 with problems" in result.output
    data = json.loads((tmp_path / "siasn-kursus-2026.json").read_text())
    by_number = {r["kursus"]["nomorSertipikat"]: r for r in data["records"]}
    assert set(by_number) == {mine.certificate_number, theirs.certificate_number}
    assert by_number[mine.certificate_number]["kursus"]["pnsOrangId"] == rina.siasn_person_id
    assert by_number[mine.certificate_number]["kursus"]["tanggalSelesaiKursus"] == "10-06-2026"
    assert by_number[theirs.certificate_number]["problems"] == ["no_person_id"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "siasn-kursus-2026.csv").read_text())))
    assert {r["nomorSertipikat"] for r in rows} == set(by_number)
    assert {r["jenisDiklatId"] for r in rows} == {"16"}

    result = runner.invoke(args=["lms", "siasn", "export", "--year", "2026", "--unit", "BKPSDM",
                                 "--out", str(tmp_path)])
    data = json.loads((tmp_path / "siasn-kursus-2026-BKPSDM.json").read_text())
    assert [r["kursus"]["nomorSertipikat"] for r in data["records"]] == [mine.certificate_number]

    # Sent records are no longer exported; the admin page downloads the same.
    assert runner.invoke(args=["lms", "siasn", "push", "--year", "2026"]).exit_code == 0
    _admin(client, make_user)
    body = client.get("/admin/siasn/ekspor?tahun=2026&format=json").get_json()
    assert [r["kursus"]["nomorSertipikat"] for r in body["records"]] == [
        theirs.certificate_number]
    download = client.get("/admin/siasn/ekspor?tahun=2026&format=csv")
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="siasn-kursus-2026.csv"'
    assert theirs.certificate_number in download.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "export.personal_data", AuditEvent.target_type == "siasn",
        AuditEvent.actor_id.is_not(None))) is not None
    page = client.get("/admin/siasn/?tahun=2026").get_data(as_text=True)
    assert "Tercatat di SIASN" in page


def test_person_id_on_the_employee_form_and_in_the_import(client, runner, db, make_user,
                                                          make_unit, tmp_path):
    admin = _admin(client, make_user)
    unit = admin.unit
    learner = make_user(unit=unit, name="Rina")
    form = {"nip": learner.nip, "name": "Rina", "employee_type": "PNS", "roles": "learner",
            "unit": str(unit.id), "position": "", "golongan": "", "supervisor_nip": "",
            "active": "y", "siasn_person_id": "A8ACA7A4ECE03912E040640A040269BB"}
    assert client.post(f"/admin/pegawai/{learner.nip}", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).siasn_person_id == form["siasn_person_id"]
    bad = client.post(f"/admin/pegawai/{admin.nip}", data={
        **form, "nip": admin.nip, "roles": "admin", "name": "Admin"})
    assert bad.status_code == 422 and "sudah dipakai pegawai lain" in bad.get_data(True)
    bad = client.post(f"/admin/pegawai/{learner.nip}", data={**form, "siasn_person_id": "a b"})
    assert bad.status_code == 422 and "hanya huruf, angka" in bad.get_data(True)

    sheet = tmp_path / "pegawai.csv"
    sheet.write_text("nip,name,unit_code,pnsOrangId\n"
                     f"{learner.nip},Rina,{unit.code},\n"
                     f"198703142010012001,Sari,{unit.code},4d16dbbd-340a-11ee-96e3-0a580a830008\n")
    result = runner.invoke(args=["lms", "import-employees", str(sheet)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    sari = db.session.scalar(select(User).where(User.nip == "198703142010012001"))
    assert sari.siasn_person_id == "4d16dbbd-340a-11ee-96e3-0a580a830008"
    # An empty column leaves what the admin set.
    assert db.session.get(User, learner.id).siasn_person_id == form["siasn_person_id"]
    sheet.write_text("nip,name,unit_code,siasn_person_id\n"
                     f"198703142010012001,Sari,{unit.code},{form['siasn_person_id']}\n")
    result = runner.invoke(args=["lms", "import-employees", str(sheet)])
    assert result.exit_code == 1 and f"belongs to NIP {learner.nip}" in result.output


def test_profile_api_shows_the_siasn_state_of_each_jp_record(
        runner, client, db, make_user, person, completion, fake):
    from lms.auth.services import create_token

    rina = person(make_user(name="Rina"))
    refused_user = person(make_user(name="Sari"))
    sent, refused = completion(rina), completion(refused_user)
    fake.refuse[refused_user.siasn_person_id] = (400, {"message": "Data PNS tidak ditemukan"})
    runner.invoke(args=["lms", "siasn", "push"])
    admin = make_user("admin")
    token = create_token(db.session, admin)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/employees/{rina.nip}/profile?year=2026",
                      headers=headers).get_json()
    [record] = body["jp"]["records"]
    assert record["certificate_number"] == sent.certificate_number
    assert record["siasn"]["status"] == "sent"
    assert record["siasn"]["rw_kursus_id"] == fake.records[0]["id"]
    assert record["siasn"]["document"] == "none"
    body = client.get(f"/api/v1/employees/{refused_user.nip}/profile?year=2026",
                      headers=headers).get_json()
    assert body["jp"]["records"][0]["siasn"]["status"] == "refused"
    assert body["jp"]["records"][0]["siasn"]["error"] == "Data PNS tidak ditemukan"
