"""Outside training through the pages: the form with its upload, the profile, the manager's
review, the certificate's access rule, and the API profile."""

from __future__ import annotations

import io
import re

import pytest
from flask import g
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.competency.external import review_external_training
from lms.competency.models import ExternalTraining, JpLedgerEntry
from tests.competency.certificates import PDF, PNG, TODAY, stored_files, training_input
from tests.conftest import PASSWORD


def _form(**changes) -> dict:
    data = training_input()
    fields = {
        "kind": data.kind, "title": data.title, "provider": data.provider,
        "started_on": data.started_on.isoformat(), "ended_on": data.ended_on.isoformat(),
        "jp": str(data.jp), "certificate_number": data.certificate_number,
        "competency_code": "", "level": "",
        "file": (io.BytesIO(PDF), "sertifikat.pdf", "application/pdf"),
    }
    fields.update(changes)
    return fields


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ExternalTraining))


def test_learner_records_a_training_through_the_form(client, db, login, make_user, store):
    learner = make_user()
    login(learner)
    page = client.get("/profil/pelatihan-luar/baru").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and '<optgroup label="Klasikal">' in page
    response = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                           data=_form(competency_code="M.03", level="2",
                                      title="Seminar Komunikasi Publik",
                                      kind="seminar/konferensi"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/profil")
    training = db.session.scalar(select(ExternalTraining))
    assert (training.user_id, training.recorded_by_id) == (learner.id, learner.id)
    assert (training.kind, training.competency_code, training.level) == (
        "seminar/konferensi", "M.03", 2)
    assert stored_files(store) == [training.file_name]

    profile = client.get("/profil").get_data(as_text=True)
    assert "Pelatihan di luar Kelas ASN" in profile
    assert "Seminar Komunikasi Publik" in profile and "Menunggu validasi" in profile
    assert f"/profil/pelatihan-luar/{training.id}/sertifikat" in profile
    assert "Riwayat JP per tahun" in profile


def test_form_errors_show_next_to_the_fields_and_change_nothing(client, db, login,
                                                                make_user, store):
    login(make_user())
    response = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                           data=_form(title="", jp="0",
                                      file=(io.BytesIO(b"<html>hai</html>"), "sertifikat.pdf",
                                            "application/pdf")))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="field-error"') == 3
    assert 'id="title-error"' in page and 'id="jp-error"' in page and 'id="file-error"' in page
    assert 'aria-invalid="true"' in page
    assert "Berkas harus PDF, PNG atau JPEG." in page
    assert _count(db) == 0 and stored_files(store) == []


def test_unparseable_fields_and_rule_errors_show_together(client, db, login, make_user):
    login(make_user())
    data = _form(started_on="kemarin", jp="dua", certificate_number="")
    del data["file"]
    page = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                       data=data).get_data(as_text=True)
    # The fields that did not parse and the service's rules are reported together.
    for field in ("file", "started_on", "jp", "certificate_number"):
        assert f'id="{field}-error"' in page, field
    assert "Tanggal tidak valid" in page and "bilangan bulat" in page
    assert _count(db) == 0


def test_the_form_states_its_limits_and_keeps_the_other_fields_after_an_error(
        app, client, db, login, make_user):
    app.config["EVIDENCE_MAX_BYTES"] = 2 * 1024 * 1024
    login(make_user())
    page = client.get("/profil/pelatihan-luar/baru").get_data(as_text=True)
    # Limits before the upload, for the reader and for the size check done in the browser.
    assert "PDF, PNG atau JPEG, maksimal 2 MB" in page
    assert f'data-max-bytes="{2 * 1024 * 1024}"' in page and "upload.js" in page
    assert "perlu dipilih lagi" not in page
    page = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                       data=_form(jp="0", title="Bimtek SIASN")).get_data(as_text=True)
    assert 'id="jp-error"' in page
    assert 'value="Bimtek SIASN"' in page and 'value="BPSDM Provinsi Jawa Barat"' in page
    assert "hanya berkas sertifikat yang perlu dipilih lagi" in page
    assert _count(db) == 0


def test_a_too_large_file_is_refused(app, client, db, login, make_user, store):
    app.config["EVIDENCE_MAX_BYTES"] = 100
    login(make_user())
    big = PDF + b"0" * 200
    page = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                       data=_form(file=(io.BytesIO(big), "s.pdf"))).get_data(as_text=True)
    assert "Berkas terlalu besar" in page
    assert _count(db) == 0 and stored_files(store) == []


def test_the_upload_form_needs_csrf(csrf_app, db, make_user, store):
    learner = make_user()
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": learner.nip, "password": PASSWORD,
                                "csrf_token": token})
    g.pop("csrf_token", None)  # the pre-sign-in token cached in the shared ``g``
    page = client.get("/profil/pelatihan-luar/baru").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                          data=_form())
    assert refused.status_code == 400
    assert _count(db) == 0 and stored_files(store) == []
    accepted = client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                           data=_form(csrf_token=token))
    assert accepted.status_code == 302
    assert _count(db) == 1


def _fresh(app, login, user):
    client = app.test_client()
    login(user, target=client)
    return client


def test_certificate_access(app, org_tree, record, login):
    training = record(org_tree["learner_a1"], content=PDF)
    path = f"/profil/pelatihan-luar/{training.id}/sertifikat"
    expected = {"learner_a1": 200, "manager_a": 200, "manager_root": 200, "admin": 200,
                "manager_b": 404, "learner_a": 404, "learner_b": 404}
    for who, status in expected.items():
        with _fresh(app, login, org_tree[who]).get(path) as response:
            assert response.status_code == status, who
            if status == 200:
                assert response.data == PDF
                assert response.mimetype == "application/pdf"
                # Opened in the browser's viewer, still unable to run anything in our origin.
                assert response.headers["Content-Disposition"].startswith("inline;")
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert "sandbox" in response.headers["Content-Security-Policy"]
    with _fresh(app, login, org_tree["learner_a1"]).get(f"{path}?unduh=1") as response:
        assert response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response.headers["Content-Security-Policy"]
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert _fresh(app, login, org_tree["admin"]).get(
        "/profil/pelatihan-luar/999999/sertifikat").status_code == 404


def test_an_image_is_served_as_the_stored_type(app, org_tree, record, login):
    # Named .pdf by the client, PNG by its bytes: stored and served as PNG.
    training = record(org_tree["learner_a"], content=PNG)
    with _fresh(app, login, org_tree["learner_a"]).get(
            f"/profil/pelatihan-luar/{training.id}/sertifikat") as response:
        assert response.data == PNG
        assert response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_png_bytes_named_pdf_are_stored_as_png(client, db, login, make_user):
    login(make_user())
    client.post("/profil/pelatihan-luar/baru", content_type="multipart/form-data",
                data=_form(file=(io.BytesIO(PNG), "sertifikat.pdf", "application/pdf")))
    training = db.session.scalar(select(ExternalTraining))
    assert training.file_type == "image/png" and training.file_name.endswith(".png")


# ---- the manager's page -------------------------------------------------------------------

def test_manager_sees_and_validates_an_outside_training(client, db, org_tree, record, login):
    employee = org_tree["learner_a1"]
    training = record(employee, jp=20, title="Bimtek Arsip Digital")
    login(org_tree["manager_a"])
    page = client.get(f"/atasan/pegawai/{employee.nip}").get_data(as_text=True)
    assert "Bimtek Arsip Digital" in page
    assert f"/atasan/pelatihan-luar/{training.id}" in page
    assert f"/profil/pelatihan-luar/{training.id}/sertifikat" in page
    response = client.post(f"/atasan/pelatihan-luar/{training.id}",
                           data={"decision": "validasi"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.sum(JpLedgerEntry.jp))) == 20
    page = client.get(f"/atasan/pegawai/{employee.nip}").get_data(as_text=True)
    assert "Divalidasi oleh Kabid A" in page
    assert "20 / 20 JP" in page
    assert "<td>Pelatihan klasikal (tatap muka)</td>" in page  # the kind's label, not its key
    dashboard = client.get("/atasan/?unit=SEK-A1").get_data(as_text=True)
    assert "Citra" in dashboard
    # A second review is refused with a message, and changes nothing.
    again = client.post(f"/atasan/pelatihan-luar/{training.id}", data={"decision": "tolak"},
                        follow_redirects=True)
    assert "sudah ditinjau" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(JpLedgerEntry)) == 1


def test_manager_rejects(client, db, org_tree, record, login):
    training = record(org_tree["learner_a1"], jp=20)
    login(org_tree["manager_root"])
    response = client.post(f"/atasan/pelatihan-luar/{training.id}", data={"decision": "tolak"})
    assert response.headers["Location"].endswith(f"/atasan/pelatihan-luar/{training.id}/tolak")
    db.session.refresh(training)
    assert training.status == "pending"  # not without a reason
    client.post(f"/atasan/pelatihan-luar/{training.id}/tolak",
                data={"reason": "Sertifikat tidak terbaca.", "confirm": "y"})
    db.session.refresh(training)
    assert training.status == "rejected"
    assert training.rejection_reason == "Sertifikat tidak terbaca."
    assert db.session.scalar(select(func.count()).select_from(JpLedgerEntry)) == 0


def test_review_route_access(app, db, org_tree, record, login):
    expected = {"learner_a": 403, "learner_a1": 403, "manager_b": 404, "manager_a": 302,
                "manager_root": 302, "admin": 302}
    for who, status in expected.items():
        training = record(org_tree["learner_a1"])
        response = _fresh(app, login, org_tree[who]).post(
            f"/atasan/pelatihan-luar/{training.id}/tolak",
            data={"reason": "Tidak sesuai.", "confirm": "y"})
        assert response.status_code == status, who
        db.session.refresh(training)
        assert (training.status == "rejected") == (status == 302), who
    anonymous = app.test_client().post("/atasan/pelatihan-luar/1", data={"decision": "tolak"})
    assert anonymous.status_code == 302 and "/masuk" in anonymous.headers["Location"]
    assert _fresh(app, login, org_tree["admin"]).post(
        "/atasan/pelatihan-luar/999999", data={"decision": "tolak"}).status_code == 404
    training = record(org_tree["learner_a1"])
    assert _fresh(app, login, org_tree["manager_a"]).post(
        f"/atasan/pelatihan-luar/{training.id}", data={"decision": "lain"}).status_code == 400


def test_nobody_reviews_their_own_training(client, db, org_tree, record, login):
    training = record(org_tree["manager_a"])
    login(org_tree["manager_a"])
    page = client.get(f"/atasan/pegawai/{org_tree['manager_a'].nip}").get_data(as_text=True)
    assert f"/atasan/pelatihan-luar/{training.id}" not in page
    assert client.post(f"/atasan/pelatihan-luar/{training.id}",
                       data={"decision": "validasi"}).status_code == 403
    db.session.refresh(training)
    assert training.status == "pending"


def test_review_needs_csrf(csrf_app, db, org_tree, record):
    training = record(org_tree["learner_a1"])
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": org_tree["manager_a"].nip, "password": PASSWORD,
                                "csrf_token": token})
    assert client.post(f"/atasan/pelatihan-luar/{training.id}",
                       data={"decision": "validasi"}).status_code == 400
    db.session.refresh(training)
    assert training.status == "pending"


def test_admin_records_on_behalf_of_an_employee(app, db, org_tree, login, store):
    employee = org_tree["learner_a1"]
    admin = _fresh(app, login, org_tree["admin"])
    path = f"/atasan/pegawai/{employee.nip}/pelatihan-luar/baru"
    assert path in admin.get(f"/atasan/pegawai/{employee.nip}").get_data(as_text=True)
    page = admin.get(path).get_data(as_text=True)
    assert "Citra" in page and 'enctype="multipart/form-data"' in page
    response = admin.post(path, content_type="multipart/form-data", data=_form())
    assert response.status_code == 302
    training = db.session.scalar(select(ExternalTraining))
    assert (training.user_id, training.recorded_by_id) == (employee.id, org_tree["admin"].id)
    assert "dicatat oleh Admin" in admin.get(
        f"/atasan/pegawai/{employee.nip}").get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [
    ("learner_a1", 403), ("manager_a", 403), ("manager_root", 403), ("admin", 200)])
def test_only_admins_record_for_others(app, org_tree, login, who, status):
    path = f"/atasan/pegawai/{org_tree['learner_a1'].nip}/pelatihan-luar/baru"
    client = _fresh(app, login, org_tree[who])
    assert client.get(path).status_code == status
    assert client.post(path, content_type="multipart/form-data",
                       data=_form()).status_code in (status, 302)


def test_admin_record_for_unknown_employee_is_404(app, org_tree, login):
    client = _fresh(app, login, org_tree["admin"])
    assert client.get("/atasan/pegawai/199001012015011999/pelatihan-luar/baru").status_code == 404


# ---- the profile with outside evidence ------------------------------------------------------

def test_outside_evidence_in_the_profiles_and_the_api(app, db, org_tree, record, login):
    employee = org_tree["learner_a1"]
    training = record(employee, title="Coaching Pelayanan", provider="LAN RI",
                      kind="coaching", competency_code="M.05", level=3)
    review_external_training(db.session, training, org_tree["manager_a"], accept=True)
    db.session.commit()

    own = _fresh(app, login, employee).get("/profil").get_data(as_text=True)
    assert "Coaching Pelayanan (LAN RI)" in own
    assert "Divalidasi oleh Kabid A" in own
    manager_page = _fresh(app, login, org_tree["manager_a"]).get(
        f"/atasan/pegawai/{employee.nip}").get_data(as_text=True)
    assert "Coaching Pelayanan (LAN RI)" in manager_page

    token = create_token(db.session, org_tree["manager_a"])
    db.session.commit()
    response = app.test_client().get(f"/api/v1/employees/{employee.nip}/profile",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    row = next(c for c in response.get_json()["competencies"] if c["code"] == "M.05")
    assert row["level"] == row["validated_level"] == 3
    (evidence,) = row["evidence"]
    assert evidence["course"] is None and evidence["version"] is None
    assert evidence["training"] == {"title": "Coaching Pelayanan", "provider": "LAN RI",
                                    "kind": "coaching",
                                    "certificate_number": training.certificate_number}
    assert evidence["status"] == "validated"
    assert evidence["validated_by"] == org_tree["manager_a"].nip
    assert response.get_json()["jp"]["attained"] == 8
    assert response.get_json()["jp"]["year"] == TODAY.year


def test_openapi_describes_outside_evidence(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "training" in schemas["Evidence"]["properties"]
    assert "training" in schemas["Evidence"]["required"]
    assert set(schemas["OutsideTraining"]["properties"]) >= {"title", "provider", "kind"}
