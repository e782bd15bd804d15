"""Several roles per account: what a combined account may do (and nothing more), the roles
page and navigation, the API's /me, and ``lms users`` setting roles as a set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.auth.models import User, UserRole
from lms.auth.policy import can_see_unit
from lms.auth.roles import RoleError, check_roles, split_roles
from lms.auth.services import AccountError, create_token, create_user
from lms.authoring.services import add_owner, can_edit_course
from lms.courses.models import Course
from tests.conftest import PASSWORD


@pytest.fixture
def head_who_teaches(org_tree, make_user):
    """The head of Bidang A, who is also a trainer."""
    return make_user({"manager", "trainer"}, org_tree["a"], name="Kabid yang mengajar")


def _fresh(db, user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_roles_are_a_set_and_changing_them_keeps_rows_of_kept_roles(db, make_user):
    user = make_user({"manager", "trainer"})
    assert user.roles == {"manager", "trainer"} and user.primary_role == "manager"
    kept = next(row for row in user.role_rows if row.role == "manager")
    user.roles = {"manager", "learner"}
    db.session.commit()
    user = _fresh(db, user)
    assert user.roles == {"manager", "learner"}
    assert next(row for row in user.role_rows if row.role == "manager") is kept
    assert sorted(db.session.scalars(select(UserRole.role).where(UserRole.user_id == user.id))) \
        == ["learner", "manager"]


def test_has_role_holds_each_role_held_and_admin_holds_all(make_user):
    both, admin, learner = (make_user({"manager", "trainer"}), make_user("admin"),
                            make_user("learner"))
    assert both.has_role("manager") and both.has_role("trainer") and not both.has_role("admin")
    assert all(admin.has_role(r) for r in ("learner", "trainer", "manager", "admin"))
    assert not learner.has_role("trainer", "manager", "admin")


def test_role_lists_are_checked(db, make_unit):
    assert split_roles(" Trainer;manager, ADMIN ") == ["trainer", "manager", "admin"]
    assert check_roles(["trainer", "trainer"]) == {"trainer"}
    for bad in ([], ["boss"], ["manager", "root"]):
        with pytest.raises(RoleError):
            check_roles(bad)
    unit = make_unit()
    with pytest.raises(AccountError, match="unknown role"):
        create_user(db.session, nip="198503122010011001", name="X", roles={"superuser"},
                    unit_code=unit.code, password=PASSWORD)


def test_sql_filter_by_role_finds_holders_of_combined_roles(db, org_tree, head_who_teaches,
                                                            make_user):
    trainer = make_user("trainer")
    holders = set(db.session.scalars(select(User.name).where(User.holding("trainer"))))
    assert holders == {head_who_teaches.name, trainer.name}
    managers = set(db.session.scalars(select(User.name).where(User.holding("manager"))))
    assert managers == {"Kepala Dinas", "Kabid A", "Kabid B", head_who_teaches.name}


def test_a_manager_who_teaches_gets_both_pages_and_nothing_more(client, login, org_tree,
                                                                head_who_teaches):
    login(head_who_teaches)
    for path in ("/", "/kursus", "/atasan/", "/atasan/tindakan", "/pengajar/"):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/pegawai").status_code == 403
    assert client.post("/pengajar/kursus-baru", data={}).status_code != 403
    page = client.get("/").get_data(as_text=True)
    for link in ('href="/atasan/"', 'href="/pengajar/"'):
        assert link in page
    assert 'href="/admin/"' not in page


@pytest.mark.parametrize("roles, pages, refused", [
    ({"manager"}, ["/atasan/"], ["/pengajar/", "/admin/"]),
    ({"trainer"}, ["/pengajar/"], ["/atasan/", "/admin/"]),
    ({"learner", "trainer"}, ["/pengajar/", "/"], ["/atasan/", "/admin/"]),
])
def test_each_role_opens_only_its_pages(client, login, make_user, roles, pages, refused):
    login(make_user(roles))
    assert [client.get(p).status_code for p in pages] == [200] * len(pages)
    assert [client.get(p).status_code for p in refused] == [403] * len(refused)


def test_scope_of_a_combined_account_stays_its_subtree(db, org_tree, head_who_teaches,
                                                       client, login):
    assert can_see_unit(db.session, head_who_teaches, org_tree["a1"].id)
    assert not can_see_unit(db.session, head_who_teaches, org_tree["b"].id)
    login(head_who_teaches)
    assert client.get(f"/atasan/pegawai/{org_tree['learner_a1'].nip}").status_code == 200
    assert client.get(f"/atasan/pegawai/{org_tree['learner_b'].nip}").status_code == 404


def test_a_manager_who_teaches_edits_only_courses_they_own(db, make_course, org_tree,
                                                           head_who_teaches, make_user):
    make_course("milik-sendiri")
    make_course("milik-orang-lain")
    own, other = (db.session.scalar(select(Course).where(Course.slug == s))
                  for s in ("milik-sendiri", "milik-orang-lain"))
    add_owner(db.session, own, head_who_teaches)
    manager_only = org_tree["manager_a"]
    add_owner(db.session, own, manager_only)  # an owner without the trainer role edits nothing
    db.session.commit()
    assert can_edit_course(db.session, head_who_teaches, own)
    assert not can_edit_course(db.session, head_who_teaches, other)
    assert not can_edit_course(db.session, manager_only, own)


def test_roles_page_and_navigation_name_the_roles_and_what_they_give(client, login,
                                                                     head_who_teaches):
    login(head_who_teaches)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/peran"' in home and "Peran: Pengajar · Atasan" in home
    assert 'title="Memantau pegawai unitnya' in home  # the manager link says what it gives
    page = client.get("/peran").get_data(as_text=True)
    assert page.count("Peran Anda</span>") == 2  # trainer and manager rows
    assert "Menyusun dan menerbitkan kursus" in page and 'href="/pengajar/"' in page
    assert 'href="/admin/"' not in page


def test_roles_page_needs_sign_in(client):
    assert client.get("/peran").status_code == 302


def test_me_lists_the_roles_and_keeps_the_most_powerful_as_role(client, db, head_who_teaches):
    token = create_token(db.session, head_who_teaches)
    db.session.commit()
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["roles"] == ["trainer", "manager"] and body["role"] == "manager"
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Me"]
    assert "roles" in schema["required"] and "role" in schema["required"]


def _events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_cli_creates_a_user_with_several_roles(runner, db, make_unit):
    make_unit("DINAS")
    for nip, args in (("198503122010011001", ["--role", "manager", "--role", "trainer"]),
                      ("198503122010011002", ["--role", "manager,trainer"])):
        result = runner.invoke(args=["lms", "users", "create", "--nip", nip, "--name", "Ani",
                                     "--unit", "DINAS", *args])
        assert result.exit_code == 0, result.output
        user = db.session.scalar(select(User).where(User.nip == nip))
        assert user.roles == {"manager", "trainer"}
    bad = runner.invoke(args=["lms", "users", "create", "--nip", "198503122010011003",
                              "--name", "X", "--unit", "DINAS", "--role", "boss"])
    assert bad.exit_code == 1 and "unknown role(s) boss" in bad.output
    assert _events(db, "user.created")[0].details["roles"] == ["trainer", "manager"]


def test_cli_sets_roles_ends_access_and_is_audited(app, runner, db, make_user, login):
    user = make_user("learner")
    token = create_token(db.session, user)
    db.session.commit()
    web = app.test_client()
    login(user, target=web)
    result = runner.invoke(args=["lms", "users", "set-roles", user.nip, "trainer", "manager"])
    assert result.exit_code == 0, result.output
    assert "learner -> trainer, manager" in result.output
    assert _fresh(db, user).roles == {"trainer", "manager"}
    assert web.get("/").status_code == 302  # the session ended
    assert app.test_client().get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    [event] = _events(db, "user.role_changed")
    assert (event.actor_id, event.target_id, event.details) == (
        None, user.nip, {"from": ["learner"], "to": ["trainer", "manager"], "via": "cli"})
    same = runner.invoke(args=["lms", "users", "set-roles", user.nip, "manager;trainer"])
    assert same.exit_code == 0 and "unchanged" in same.output
    assert len(_events(db, "user.role_changed")) == 1
    for args, message in (([user.nip, "root"], "unknown role(s) root"),
                          (["199001012015011999", "trainer"], "no user with NIP")):
        refused = runner.invoke(args=["lms", "users", "set-roles", *args])
        assert refused.exit_code == 1 and message in refused.output
    assert _fresh(db, user).roles == {"trainer", "manager"}


def test_demo_has_a_manager_who_also_teaches(runner, db):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    hendra = db.session.scalar(select(User).where(User.nip == "198711302011011008"))
    assert hendra.roles == {"manager", "trainer"}
