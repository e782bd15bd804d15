"""Every trainer route: learners and managers get 403, trainers only on courses they own,
admins everywhere."""

from __future__ import annotations

import re

import pytest

from lms.authoring.drafts import start_draft
from lms.courses.models import Course

SLUG = "kursus-uji"
GET_ROUTES = [
    "/pengajar/",
    f"/pengajar/kursus/{SLUG}",
    f"/pengajar/kursus/{SLUG}/paket.zip",
    f"/pengajar/kursus/{SLUG}/beda?dari=1&ke=1",
    f"/pengajar/kursus/{SLUG}/statistik",
    f"/pengajar/kursus/{SLUG}/umpan-balik",
    f"/pengajar/draf/{SLUG}",
    f"/pengajar/draf/{SLUG}/berkas/course.md",
    f"/pengajar/draf/{SLUG}/aset/assets/x.png",
    f"/pengajar/draf/{SLUG}/gift",
]
POST_ROUTES_LIST = [
    "/pengajar/kursus-baru",
    "/pengajar/unggah",
    f"/pengajar/kursus/{SLUG}/draf",
    f"/pengajar/kursus/{SLUG}/pemilik",
    f"/pengajar/kursus/{SLUG}/versi/1/pulihkan",
    f"/pengajar/draf/{SLUG}/berkas/course.md",
    f"/pengajar/draf/{SLUG}/modul",
    f"/pengajar/draf/{SLUG}/butir",
    f"/pengajar/draf/{SLUG}/pindah",
    f"/pengajar/draf/{SLUG}/gambar",
    f"/pengajar/draf/{SLUG}/terbitkan",
    f"/pengajar/draf/{SLUG}/gift",
    f"/pengajar/draf/{SLUG}/tugas",
    f"/pengajar/draf/{SLUG}/hapus",
    f"/pengajar/draf/{SLUG}/buang",
]
POST_ROUTES = POST_ROUTES_LIST
ALL = [("get", r) for r in GET_ROUTES] + [("post", r) for r in POST_ROUTES]
COURSE_ROUTES = [(m, r) for m, r in ALL if SLUG in r and "/aset/" not in r]


def _call(client, method, route):
    return client.get(route) if method == "get" else client.post(route, data={})


@pytest.fixture
def course_with_draft(db, owned_course):
    slug, owner = owned_course(SLUG)
    start_draft(db.session, owner, db.session.scalar(db.select(Course)))
    db.session.commit()
    return owner


@pytest.mark.parametrize("role", ["learner", "manager"])
@pytest.mark.parametrize("method, route", ALL)
def test_learners_and_managers_are_refused(client, login, make_user, course_with_draft,
                                           role, method, route):
    login(make_user(role=role))
    assert _call(client, method, route).status_code == 403


@pytest.mark.parametrize("method, route", ALL)
def test_anonymous_visitors_are_sent_to_sign_in(client, course_with_draft, method, route):
    assert _call(client, method, route).status_code in (302, 401)


@pytest.mark.parametrize("method, route", COURSE_ROUTES)
def test_a_trainer_who_does_not_own_the_course_is_refused(client, login, make_user,
                                                          course_with_draft, method, route):
    login(make_user(role="trainer"))
    assert _call(client, method, route).status_code == 403


@pytest.mark.parametrize("route", [r for r in GET_ROUTES if "/aset/" not in r])
@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owners_and_admins_open_every_page(client, login, make_user, course_with_draft,
                                           route, who):
    login(course_with_draft if who == "owner" else make_user(role="admin"))
    assert client.get(route).status_code == 200


def test_a_trainer_lists_only_the_courses_they_own(client, login, make_user, owned_course):
    owned_course("kursus-saya")
    other = make_user(role="trainer")
    owned_course("kursus-lain", trainer=other)
    login(other)
    page = client.get("/pengajar/").get_data(as_text=True)
    assert "kursus-lain" in page and "kursus-saya" not in page


def test_an_owner_adds_another_trainer(client, login, make_user, owned_course):
    slug, owner = owned_course()
    colleague = make_user(role="trainer", name="Rekan Pengajar")
    login(owner)
    client.post(f"/pengajar/kursus/{slug}/pemilik", data={"nip": colleague.nip})
    client.post("/keluar")
    login(colleague)
    assert client.get(f"/pengajar/kursus/{slug}").status_code == 200


def test_the_nav_shows_pengajar_to_trainers_only(client, login, make_user):
    login(make_user(role="learner"))
    assert "/pengajar/" not in client.get("/kursus").get_data(as_text=True)
    client.post("/keluar")
    login(make_user(role="trainer"))
    assert "/pengajar/" in client.get("/kursus").get_data(as_text=True)


def test_every_trainer_route_is_listed_here(app):
    """A new route without an access test fails this test."""
    listed = {r.split("?")[0].replace(SLUG, "<slug>") for r in GET_ROUTES + POST_ROUTES}
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith(
        "authoring.")}
    normalised = {re.sub(r"<(?:int:|path:)?(\w+)>", lambda m: {
        "slug": "<slug>", "number": "1", "path": "x"}[m.group(1)], r) for r in routes}
    covered = {re.sub(r"/berkas/course\.md$", "/berkas/x", re.sub(r"/aset/assets/x\.png$",
                                                                  "/aset/x", r)) for r in listed}
    assert normalised <= covered, normalised - covered


def test_csrf_is_enforced_on_trainer_forms(csrf_app, login, make_user, owned_course):
    client = csrf_app.test_client()
    slug, owner = owned_course()
    client.post("/masuk", data={"nip": owner.nip, "password": "rahasia-123"})
    assert client.post(f"/pengajar/kursus/{slug}/draf").status_code == 400
