"""Level 1: learners rate a completed course; trainers read the comments without names and
averages only from the minimum group size; admins see who wrote what."""

from __future__ import annotations

import re


def _rate(client, login, user, slug, rating, comment=""):
    client.post("/keluar")
    login(user)
    return client.post(f"/kursus/{slug}/umpan-balik",
                       data={"rating": str(rating), "comment": comment})


def _row(page: str, header: str) -> str:
    return page.split(f'<th scope="row">{header}</th>')[1].split("</tr>")[0]


def test_a_learner_rates_a_completed_course_once_and_edits_it(client, login, db, make_user,
                                                             owned_course, complete):
    slug, _owner = owned_course()
    learner = make_user(name="Peserta Puas")
    login(learner)
    client.post(f"/kursus/{slug}/daftar")
    assert "umpan-balik" not in client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "5"}).status_code == 403
    complete(learner)
    form = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert 'name="rating"' in form
    # Five labelled choices in one row, the ends named, and a labelled comment box.
    assert form.count('<label class="option"><input') == 5
    assert "1 · kurang" in form and "5 · sangat baik" in form
    assert '<label for="comment">Komentar</label>' in form and 'id="comment"' in form
    client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "4", "comment": "Bagus"})
    client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "5", "comment": "Sangat bagus"})
    assert client.post(f"/kursus/{slug}/umpan-balik", data={"rating": "9"}).status_code == 302
    form = client.get(f"/kursus/{slug}").get_data(as_text=True)
    assert "Sangat bagus</textarea>" in form and "Ubah umpan balik" in form


def test_trainer_reads_comments_without_names_and_no_average_under_five(
        client, login, db, make_user, owned_course, complete):
    slug, owner = owned_course()
    raters = [make_user(name=f"Peserta Rahasia {n}") for n in range(5)]
    for person in raters:
        complete(person)
    for person, rating in zip(raters[:4], (5, 4, 2, 3), strict=True):
        _rate(client, login, person, slug, rating, f"Komentar <b>{person.name}</b>")
    client.post("/keluar")
    login(owner)
    page = client.get(f"/pengajar/kursus/{slug}/umpan-balik").get_data(as_text=True)
    # Four ratings: counted, but no average for the course nor for its version.
    assert "kurang dari 5 penilaian</span></td><td>4</td>" in _row(page, "Semua versi")
    assert "kurang dari 5 penilaian" in _row(page, "1") and "3,5" not in page
    # The text (escaped) is there, never the author's name nor the date.
    assert "Komentar &lt;b&gt;" in page and "Nilai 2 dari 5." in page
    assert "Peserta Rahasia" not in re.sub(r"Komentar &lt;b&gt;Peserta Rahasia \d", "", page)
    assert "tanpa nama dan tanggal" in page
    # Not in the order they were written either: by rating, highest first.
    stars = re.findall(r"Nilai (\d) dari 5\.", page)
    assert stars == ["5", "4", "3", "2"]

    _rate(client, login, raters[4], slug, 4)
    client.post("/keluar")
    login(owner)
    page = client.get(f"/pengajar/kursus/{slug}/umpan-balik").get_data(as_text=True)
    assert "<td>3,6</td><td>5</td>" in _row(page, "Semua versi")
    assert "<td>3,6</td><td>5</td>" in _row(page, "1")


def test_admin_sees_who_wrote_each_comment(client, login, db, make_user, owned_course,
                                           complete):
    slug, _owner = owned_course()
    rater = make_user(name="Peserta Terbuka")
    complete(rater)
    _rate(client, login, rater, slug, 2, "Terlalu cepat")
    client.post("/keluar")
    login(make_user("admin", name="Admin Pusat"))
    page = client.get(f"/pengajar/kursus/{slug}/umpan-balik").get_data(as_text=True)
    assert "— Peserta Terbuka, versi 1," in page and "Terlalu cepat" in page
    assert "Sebagai admin Anda melihat nama" in page
    assert "kurang dari 5 penilaian</span></td><td>1</td>" in _row(page, "Semua versi")


def test_minimum_group_size_is_a_setting(app, client, login, db, make_user, owned_course,
                                         complete):
    app.config["FEEDBACK_MIN_GROUP"] = 2
    slug, owner = owned_course()
    for rating in (5, 2):
        person = make_user()
        complete(person)
        _rate(client, login, person, slug, rating)
    client.post("/keluar")
    login(owner)
    page = client.get(f"/pengajar/kursus/{slug}/umpan-balik").get_data(as_text=True)
    assert "<td>3,5</td><td>2</td>" in _row(page, "Semua versi")


def test_feedback_page_is_for_the_course_trainers_and_admins(client, login, db, make_user,
                                                             owned_course):
    slug, _owner = owned_course()
    url = f"/pengajar/kursus/{slug}/umpan-balik"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    login(make_user())
    assert client.get(url).status_code == 403
    client.post("/keluar")
    login(make_user("manager"))
    assert client.get(url).status_code == 403
    client.post("/keluar")
    login(make_user("trainer"))  # a trainer, but not of this course
    assert client.get(url).status_code == 403
    assert client.get("/pengajar/kursus/tidak-ada/umpan-balik").status_code == 404
