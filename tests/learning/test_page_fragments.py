"""The lesson page's cached fragments (the navigation for a set of roles, the lesson of a
published version) are rendered once per process, yet every learner still sees their own
page: their roles, their counts, their progress, their language."""

from __future__ import annotations

from lms.notifications.services import notify


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
    # The manager's navigation and tools, and the mark-done form with its offline note (Rina
    # had done the lesson); the same lesson and pager.
    assert _fragments(app) == cached + 4

    notify(db.session, budi, "assigned", "assigned:1",
           {"course": "Kursus Uji", "due_on": "2030-01-31"})
    db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert '<span class="count">1</span><span class="sr-only"> belum dibaca' in page

    client.get("/bahasa/en")
    page = client.get(path).get_data(as_text=True)
    assert ">My Courses<" in page and "Mark as done" in page and ">Kursus Saya<" not in page
