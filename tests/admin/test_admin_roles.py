"""Several roles per account on the admin pages and in the employee CSV import: set as a set,
audited as old → new set, ending sessions and tokens, and no privilege from a crafted form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.services import create_token
from tests.admin.test_admin_users import NEW_NIP, _form


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_new_employee_form_offers_role_checkboxes_with_learner_ticked(admin_client):
    page = admin_client.get("/admin/pegawai/baru").get_data(as_text=True)
    for value in ("learner", "trainer", "manager", "admin"):
        assert f'name="roles" value="{value}"' in page
    assert 'value="learner" checked' in page and 'value="trainer" checked' not in page
    assert "Menyusun dan menerbitkan kursus" in page  # what the trainer role gives


def test_create_and_edit_an_employee_with_several_roles(admin_client, find_user, org):
    response = admin_client.post("/admin/pegawai/baru",
                                 data=_form(org, roles=["manager", "trainer"]))
    assert response.status_code == 302
    assert find_user(NEW_NIP).roles == {"manager", "trainer"}
    page = admin_client.get(f"/admin/pegawai/{NEW_NIP}").get_data(as_text=True)
    assert 'value="manager" checked' in page and 'value="trainer" checked' in page
    assert 'value="admin" checked' not in page
    response = admin_client.post(f"/admin/pegawai/{NEW_NIP}",
                                 data=_form(org, roles=["learner", "trainer", "manager"]))
    assert response.status_code == 302
    assert find_user(NEW_NIP).roles == {"learner", "trainer", "manager"}


def test_employee_list_shows_and_filters_by_roles(admin_client, db, org, make_person):
    make_person(org["a"], {"manager", "trainer"}, "Kabid Pengajar")
    page = admin_client.get("/admin/pegawai").get_data(as_text=True)
    assert "Pengajar, Atasan" in page
    trainers = admin_client.get("/admin/pegawai?peran=trainer").get_data(as_text=True)
    assert "Kabid Pengajar" in trainers and "Widyaiswara" in trainers
    assert "Kabid A" not in trainers and "Budi" not in trainers
    unknown = admin_client.get("/admin/pegawai?peran=boss").get_data(as_text=True)
    assert "Budi" in unknown  # an unknown role filters nothing


def test_role_change_ends_sessions_and_tokens_and_is_audited(app, admin_client, db, org,
                                                             find_user, login):
    budi, admin = org["learner_a"], org["admin"]
    token = create_token(db.session, budi)
    db.session.commit()
    own = app.test_client()
    login(budi, target=own)
    response = admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(
        org, nip=budi.nip, name=budi.name, roles=["learner", "trainer"]))
    assert response.status_code == 302
    assert own.get("/").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401
    [event] = _events(db, "user.role_changed")
    assert (event.actor_id, event.target_id, event.details) == (
        admin.id, budi.nip, {"from": ["learner"], "to": ["learner", "trainer"]})
    audit = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert "from: learner; to: learner, trainer" in audit
    # Saving the same set again changes nothing and ends nothing.
    login(budi, target=own)
    admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(
        org, nip=budi.nip, name=budi.name, roles=["trainer", "learner"]))
    assert own.get("/").status_code == 200
    assert len(_events(db, "user.role_changed")) == 1


@pytest.mark.parametrize("roles, message", [
    (None, "Pilih paling sedikit satu peran."),
    (["learner", "superadmin"], "Peran tidak dikenal."),
    ("ADMIN", "Peran tidak dikenal."),
])
def test_a_crafted_or_empty_role_list_is_refused(admin_client, db, org, find_user, roles,
                                                 message):
    budi = org["learner_a"]
    response = admin_client.post(f"/admin/pegawai/{budi.nip}", data=_form(
        org, nip=budi.nip, name="Nama Lain", roles=roles))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert find_user(budi.nip).roles == {"learner"} and find_user(budi.nip).name == "Budi"
    assert _events(db, "user.role_changed") == []


def test_the_old_single_role_field_gives_nothing(admin_client, org, find_user):
    budi = org["learner_a"]
    response = admin_client.post(f"/admin/pegawai/{budi.nip}", data={
        **_form(org, nip=budi.nip, name=budi.name), "role": "admin"})
    assert response.status_code == 302
    assert find_user(budi.nip).roles == {"learner"}


def test_a_combined_account_without_admin_cannot_post_the_admin_form(app, org, find_user,
                                                                     make_person, login):
    head = make_person(org["a"], {"manager", "trainer"}, "Kabid Pengajar")
    client = app.test_client()
    login(head, target=client)
    response = client.post(f"/admin/pegawai/{head.nip}", data=_form(
        org, nip=head.nip, name=head.name, roles=["manager", "trainer", "admin"]))
    assert response.status_code == 403
    assert client.post("/admin/pegawai/baru", data=_form(org, roles="admin")).status_code == 403
    assert find_user(head.nip).roles == {"manager", "trainer"}
    assert find_user(NEW_NIP) is None


def test_an_admin_may_add_roles_to_themself_but_not_drop_admin(admin_client, org, find_user):
    me = org["admin"]
    base = {"nip": me.nip, "name": me.name, "unit": str(org["b"].id), "supervisor_nip": ""}
    response = admin_client.post(f"/admin/pegawai/{me.nip}",
                                 data=_form(org, **base, roles=["admin", "trainer"]))
    assert response.status_code == 302
    assert find_user(me.nip).roles == {"admin", "trainer"}
    assert admin_client.get("/admin/").status_code == 200  # this session goes on, others end
    response = admin_client.post(f"/admin/pegawai/{me.nip}",
                                 data=_form(org, **base, roles=["trainer", "manager"]))
    assert response.status_code == 422
    assert "menurunkan peran sendiri" in response.get_data(as_text=True)
    assert find_user(me.nip).roles == {"admin", "trainer"}


HEADER = "nip,name,employee_type,unit_code,unit_name,parent_unit_code,{columns}\n"


def _import(runner, tmp_path, columns: str, *rows: str, dry_run: bool = False):
    path = tmp_path / "pegawai.csv"
    path.write_text(HEADER.format(columns=columns) + "".join(r + "\n" for r in rows),
                    encoding="utf-8")
    return runner.invoke(args=["lms", "import-employees", str(path),
                               *(["--dry-run"] if dry_run else [])])


def test_csv_roles_column_sets_several_roles_and_role_is_still_read(runner, db, tmp_path,
                                                                     find_user):
    result = _import(runner, tmp_path, "roles",
                     "198503122010011001,Ani,PNS,DINAS,Dinas,,trainer;manager",
                     "198503122010011002,Budi,PNS,DINAS,,,",
                     '198503122010011003,Citra,PNS,DINAS,,,"learner, trainer"')
    assert result.exit_code == 0, result.output
    assert find_user("198503122010011001").roles == {"trainer", "manager"}
    assert find_user("198503122010011002").roles == {"learner"}
    assert find_user("198503122010011003").roles == {"learner", "trainer"}
    result = _import(runner, tmp_path, "role", "198503122010011004,Dedi,PNS,DINAS,,,manager")
    assert result.exit_code == 0, result.output
    assert find_user("198503122010011004").roles == {"manager"}


def test_csv_role_change_ends_access_is_audited_and_empty_keeps_roles(app, runner, db,
                                                                      tmp_path, find_user,
                                                                      login):
    assert _import(runner, tmp_path, "roles",
                   "198503122010011001,Ani,PNS,DINAS,Dinas,,manager").exit_code == 0
    ani = find_user("198503122010011001")
    token = create_token(db.session, ani)
    db.session.commit()
    # A file without roles (or an empty cell) keeps what an admin set on the web.
    assert _import(runner, tmp_path, "golongan",
                   "198503122010011001,Ani,PNS,DINAS,,,III/a").exit_code == 0
    assert find_user(ani.nip).roles == {"manager"}
    assert _import(runner, tmp_path, "roles", "198503122010011001,Ani,PNS,DINAS,,,",
                   dry_run=True).exit_code == 0
    assert _import(runner, tmp_path, "roles", "198503122010011001,Ani,PNS,DINAS,,,manager;trainer",
                   dry_run=True).exit_code == 0
    assert find_user(ani.nip).roles == {"manager"} and _events(db, "user.role_changed") == []
    result = _import(runner, tmp_path, "roles",
                     "198503122010011001,Ani,PNS,DINAS,,,manager;trainer")
    assert result.exit_code == 0, result.output
    assert find_user(ani.nip).roles == {"manager", "trainer"}
    assert app.test_client().get("/api/v1/me", headers={
        "Authorization": f"Bearer {token}"}).status_code == 401
    [event] = _events(db, "user.role_changed")
    assert (event.target_id, event.details) == (
        ani.nip, {"from": ["manager"], "to": ["trainer", "manager"], "via": "cli"})


@pytest.mark.parametrize("columns, value, message", [
    ("roles", "trainer;boss", "unknown role(s) boss"),
    ("role", "root", "unknown role(s) root"),
    ("role,roles", "learner,manager", "the role and roles columns differ"),
])
def test_csv_bad_roles_are_refused_and_nothing_changes(runner, db, tmp_path, find_user,
                                                        columns, value, message):
    result = _import(runner, tmp_path, columns,
                     "198503122010011009,Eko,PNS,DINAS,Dinas,,learner" + "," * columns.count(","),
                     f"198503122010011001,Ani,PNS,DINAS,,,{value}")
    assert result.exit_code == 1 and f"line 3: {message}" in result.output
    assert find_user("198503122010011001") is None and find_user("198503122010011009") is None
