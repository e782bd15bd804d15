"""The evaluation pages read in English when the visitor chose it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

COMPLETED = datetime(2026, 6, 17, 3, 0, tzinfo=UTC)


def test_questionnaire_queue_and_report_in_english(client, login, db, org_tree, owned_course,
                                                    complete, clock):
    slug, trainer = owned_course()
    enrollment = complete(org_tree["learner_a"])
    clock.set(COMPLETED + timedelta(days=60))
    client.get("/bahasa/en?next=/")
    login(org_tree["learner_a"])
    page = client.get("/").get_data(as_text=True)
    assert "Evaluation after training" in page and "Answer the questionnaire: Kursus Uji" in page
    form = client.get(f"/evaluasi-pasca/{enrollment.id}").get_data(as_text=True)
    assert "How far have you applied what you learned in this course" in form
    assert "1 · not at all" in form and "Seberapa" not in form
    client.post("/keluar")
    client.get("/bahasa/en?next=/")
    login(org_tree["manager_a"])
    queue = client.get("/atasan/tindakan").get_data(as_text=True)
    assert "how is it applied at work?" in queue and "Answer the questionnaire" in queue
    client.post("/keluar")
    client.get("/bahasa/en?next=/")
    login(trainer)
    report = client.get(f"/pengajar/kursus/{slug}/evaluasi").get_data(as_text=True)
    assert "Level 3 · Applying it at work" in report and "Pass rate per quiz" in report
    assert "Penerapan" not in report and "penilaian" not in report
    questions = client.get(f"/pengajar/kursus/{slug}/evaluasi-pasca").get_data(as_text=True)
    assert "Questionnaire for the supervisor" in questions and "Scale 1–5" in questions
