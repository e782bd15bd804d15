"""An employee's e-mail address on the admin pages: created, changed, checked, cleared."""

from lms.audit.models import AuditEvent
from sqlalchemy import select

NEW_NIP = "198503122010011001"


def _form(org, **changes):
    data = {"nip": NEW_NIP, "name": "Ani Suryani, S.E.", "employee_type": "PNS",
            "roles": "learner", "unit": str(org["a"].id), "position": "", "golongan": "",
            "supervisor_nip": "", "active": "y", "email": "Ani.Suryani@Kominfo.EXAMPLE"}
    data.update(changes)
    return data


def test_create_and_change_an_address(admin_client, db, org, find_user):
    assert admin_client.post("/admin/pegawai/baru", data=_form(org)).status_code == 302
    ani = find_user(NEW_NIP)
    assert ani.email == "Ani.Suryani@kominfo.example"  # the domain in lower case
    page = admin_client.get(f"/admin/pegawai/{NEW_NIP}").get_data(as_text=True)
    assert 'type="email"' in page and 'value="Ani.Suryani@kominfo.example"' in page
    admin_client.post(f"/admin/pegawai/{NEW_NIP}", data=_form(org, email="ani@kominfo.example"))
    assert find_user(NEW_NIP).email == "ani@kominfo.example"
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.changed")).all()[-1]
    assert event.details["fields"] == ["email"]
    admin_client.post(f"/admin/pegawai/{NEW_NIP}", data=_form(org, email="  "))
    assert find_user(NEW_NIP).email is None  # cleared: notices stay in the app


def test_a_bad_address_is_shown_next_to_the_field(admin_client, db, org, find_user):
    for bad in ("ani suryani@kominfo.example", "ani@kominfo", "ani@@kominfo.example",
                "ani.@kominfo.example", "ani@-kominfo.example"):
        response = admin_client.post("/admin/pegawai/baru", data=_form(org, email=bad))
        assert response.status_code == 422, bad
        page = response.get_data(as_text=True)
        assert 'id="email-error"' in page and "Alamat e-mail tidak sah" in page
        assert find_user(NEW_NIP) is None
    long = admin_client.post("/admin/pegawai/baru", data=_form(org, email="a" * 250 + "@x.id"))
    assert long.status_code == 422 and "Paling panjang 254 karakter" in long.get_data(
        as_text=True)
    ok = admin_client.post("/admin/pegawai/baru", data=_form(org, email=""))
    assert ok.status_code == 302 and find_user(NEW_NIP).email is None
