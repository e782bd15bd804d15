"""A course's trainers edit its transfer questions in the browser; answers keep the questions
they answered; the defaults come back on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from lms.evaluation.models import TransferResponse

COMPLETED = datetime(2026, 6, 17, 3, 0, tzinfo=UTC)


def _rows(role, questions, total=8):
    data = {}
    for n in range(total):
        kind, text = questions[n] if n < len(questions) else ("scale", "")
        data[f"{role}-{n}-kind"], data[f"{role}-{n}-text"] = kind, text
    return data


def test_trainer_edits_the_questions_and_learners_get_them(client, login, db, org_tree,
                                                          owned_course, complete, clock):
    slug, trainer = owned_course()
    learner = org_tree["learner_a"]
    first = complete(learner)
    clock.set(COMPLETED + timedelta(days=60))
    login(learner)
    client.post(f"/evaluasi-pasca/{first.id}", data={"q0": "4", "q1": "4"})

    client.post("/keluar")
    login(trainer)
    url = f"/pengajar/kursus/{slug}/evaluasi-pasca"
    page = client.get(url).get_data(as_text=True)
    assert "Kursus ini memakai pertanyaan bawaan." in page
    assert 'value="Seberapa jauh Anda sudah menerapkan' in page
    assert page.count("<fieldset") == 16 and "60 hari setelah menyelesaikan kursus" in page
    # No 1–5 question: refused, with the reason, the rows kept.
    response = client.post(url, data={**_rows("learner", [("text", "Apa yang berubah?")]),
                                      **_rows("supervisor", [("scale", "Seberapa berguna?")])})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Perlu sedikitnya satu pertanyaan berskala 1–5." in page
    assert 'value="Apa yang berubah?"' in page
    response = client.post(url, data={
        **_rows("learner", [("scale", "Seberapa sering Anda memakai  materi ini?"),
                            ("text", "Apa yang berubah?")]),
        **_rows("supervisor", [("scale", "Seberapa berguna?")])})
    assert response.status_code == 302
    assert "Kursus ini memakai pertanyaannya sendiri." in client.get(url).get_data(as_text=True)

    # A learner who completes now is asked the new questions (spaces tidied).
    clock.reset()
    other = org_tree["learner_a1"]
    second = complete(other)
    clock.set(COMPLETED + timedelta(days=60))
    client.post("/keluar")
    login(other)
    form = client.get(f"/evaluasi-pasca/{second.id}").get_data(as_text=True)
    assert "Seberapa sering Anda memakai materi ini?" in form and "Apa yang berubah?" in form
    assert form.count('type="radio"') == 5
    # The first learner's answer keeps the questions it answered.
    kept = db.session.scalar(select(TransferResponse))
    assert kept.questions[0]["text"].startswith("Seberapa jauh Anda sudah menerapkan")

    client.post("/keluar")
    login(trainer)
    assert client.post(f"/pengajar/kursus/{slug}/evaluasi-pasca/bawaan").status_code == 302
    assert "Kursus ini memakai pertanyaan bawaan." in client.get(url).get_data(as_text=True)


def test_question_pages_are_for_the_course_trainers(client, login, db, make_user,
                                                    owned_course):
    slug, _owner = owned_course()
    url = f"/pengajar/kursus/{slug}/evaluasi-pasca"
    for role in ("learner", "manager", "trainer"):  # the trainer does not own this course
        client.post("/keluar")
        login(make_user(role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, data=_rows("learner", [("scale", "X")])).status_code == 403
        assert client.post(f"{url}/bawaan").status_code == 403
    client.post("/keluar")
    login(make_user("admin"))
    assert client.get(url).status_code == 200
    assert client.get("/pengajar/kursus/tidak-ada/evaluasi-pasca").status_code == 404
