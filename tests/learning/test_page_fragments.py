"""The lesson page's cached fragments (the navigation for a set of roles, the lesson of a
published version) and the page itself with its holes (lms.pages) are rendered once per
process, yet every learner still sees their own page: their roles, their counts, their
progress, their name, their language; the kept page is the page rendered afresh."""

from __future__ import annotations

import re

from lms.auth.models import User
from lms.notifications.services import notify
from lms.org.models import Unit
from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def _fragments(app) -> int:
    return len(app.jinja_env.fragment_cache)


def test_learners_share_the_lesson_and_navigation_but_see_their_own_page(
        app, client, db, make_course, make_user, make_unit, login):
    slug = make_course()
    unit = make_unit()
    rina, budi = make_user(unit=unit, name="Rina"), make_user("manager", unit=unit, name="Budi")
    path = f"/kursus/{slug}/materi/pengantar"

    login(rina)
    client.post(f"/kursus/{slug}/daftar")
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    page = client.get(path).get_data(as_text=True)
    assert "Materi ini sudah selesai" in page and ">Atasan<" not in page
    cached = _fragments(app)
    assert cached >= 3  # navigation, tools, lesson, pager

    client.post("/keluar")
    login(budi)
    client.post(f"/kursus/{slug}/daftar")
    page = client.get(path).get_data(as_text=True)
    assert "Tandai selesai" in page and "Materi ini sudah selesai" not in page
    assert ">Atasan<" in page and "Budi" in page and "Rina" not in page
    # The manager's navigation and tools, the mark-done form with its offline note, one
    # fragment (Rina had done the lesson), and the kept page; the same lesson and pager.
    assert _fragments(app) == cached + 4

    notify(db.session, budi, "assigned", "assigned:1",
           {"course": "Kursus Uji", "due_on": "2030-01-31"})
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert '<span class="count">1</span><span class="sr-only"> belum dibaca' in page

    client.get("/bahasa/en")
    page = client.get(path).get_data(as_text=True)
    assert ">My Courses<" in page and "Mark as done" in page and ">Kursus Saya<" not in page


def _kept_and_fresh(app, client, path: str) -> tuple[str, str]:
    """The page served from its kept copy and rendered afresh, form tokens aside (they carry
    the second they were made)."""
    client.get(path)  # the first view keeps the page
    kept = client.get(path).get_data(as_text=True)
    app.config["PAGE_SHELLS"] = False
    fresh = client.get(path).get_data(as_text=True)
    app.config["PAGE_SHELLS"] = True
    assert "\x00" not in kept and "\x00" not in fresh
    return TOKEN.sub("", kept), TOKEN.sub("", fresh)


def test_the_kept_page_is_the_page_rendered_afresh_whoever_views_it(
        app, client, db, make_course, make_user, make_unit, login):
    slug = make_course()
    unit = make_unit()
    rina = make_user(unit=unit, name="Rina <Staf> & Co")
    budi = make_user("manager", unit=unit, name="Budi")
    path = f"/kursus/{slug}/materi/pengantar"
    login(rina)
    client.post(f"/kursus/{slug}/daftar")
    kept, fresh = _kept_and_fresh(app, client, path)
    assert kept == fresh and "Rina &lt;Staf&gt; &amp; Co · " in kept and "Tandai selesai" in kept
    assert f" · {unit.name} · " in kept  # the unit's name, read with the user
    assert '<progress max="100" value="0"' in kept
    # An address with a query string: the language link leads back to it, escaped.
    kept, fresh = _kept_and_fresh(app, client, path + "?dari=<katalog>")
    assert kept == fresh and "next=/kursus/" in kept and "%3Ckatalog%3E" in kept

    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    client.get(path)  # shows the flash message once, rendered as usual
    kept, fresh = _kept_and_fresh(app, client, path)
    assert kept == fresh and "Materi ini sudah selesai" in kept
    assert '<progress max="100" value="33"' in kept
    # A new name is shown at once: the footer is a hole.
    db.session.get(User, rina.id).name = "Rina Wulandari"
    db.session.get(Unit, unit.id).name = "Bidang <Baru>"
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Rina Wulandari · " in page and " · Bidang &lt;Baru&gt; · " in page

    client.get("/bahasa/en")
    kept, fresh = _kept_and_fresh(app, client, path)
    assert kept == fresh and "You have completed this lesson" in kept

    client.get("/bahasa/id")
    client.post("/keluar")
    login(budi)
    client.post(f"/kursus/{slug}/daftar")
    kept_before, _ = _kept_and_fresh(app, client, path)
    notify(db.session, budi, "assigned", "assigned:1",
           {"course": "Kursus Uji", "due_on": "2030-01-31"})
    db.session.commit()
    kept, fresh = _kept_and_fresh(app, client, path)
    assert kept == fresh and ">Atasan<" in kept
    assert '<span class="count zero">0</span><span class="sr-only"> belum dibaca' in kept_before
    assert '<span class="count">1</span><span class="sr-only"> belum dibaca' in kept


def test_the_form_token_is_flask_wtf_s_own(app, monkeypatch):
    """``lms.pages.csrf_token`` keeps what it can, and makes the very string Flask-WTF makes."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf, validate_csrf
    from itsdangerous import TimestampSigner

    from lms.pages import csrf_token

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_780_000_000)
    with app.test_request_context():
        first = csrf_token()  # no token in the session yet: Flask-WTF makes it
        assert session["csrf_token"] and first == generate_csrf()
        g.pop("csrf_token")
        ours = csrf_token()
        g.pop("csrf_token")
        assert ours == generate_csrf() == first
        monkeypatch.undo()
        validate_csrf(csrf_token())


def test_the_form_token_of_a_kept_page_is_accepted(csrf_app, client, db, make_course,
                                                  make_user):
    slug = make_course()
    user = make_user()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"nip": user.nip, "password": PASSWORD, "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get(f"/kursus/{slug}").get_data(as_text=True)).group(1)
    client.post(f"/kursus/{slug}/daftar", data={"csrf_token": token})
    path = f"/kursus/{slug}/materi/pengantar"
    client.get(path)
    page = client.get(path).get_data(as_text=True)  # from the kept page
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert len(tokens) == 1  # the sign-out form's and the mark-done form's
    answer = client.post(f"{path}/selesai", data={"csrf_token": tokens.pop()})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert "Materi ini sudah selesai" in client.get(path).get_data(as_text=True)


def test_the_course_page_keeps_its_item_list_per_set_of_done_items(
        app, client, make_course, make_user, make_unit, login):
    slug = make_course()
    unit = make_unit()
    rina, budi = make_user(unit=unit, name="Rina"), make_user(unit=unit, name="Budi")

    def marks() -> list[str]:
        page = client.get(f"/kursus/{slug}").get_data(as_text=True)
        return re.findall(r'<span class="state ?(\w*)"', page)

    login(rina)
    client.post(f"/kursus/{slug}/daftar")
    assert marks() == ["", "", ""]
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    assert marks() == ["done", "", ""]
    kept = len(app.jinja_env.fragment_cache)

    client.post("/keluar")
    login(budi)
    client.post(f"/kursus/{slug}/daftar")
    assert marks() == ["", "", ""]  # the list kept for nothing done, not Rina's
    client.post(f"/kursus/{slug}/materi/pengantar/selesai")
    assert marks() == ["done", "", ""]
    assert len(app.jinja_env.fragment_cache) == kept  # the same list as Rina's
