"""Every starter course can be taken from the first lesson to a passed last quiz through the
HTML pages, and completing each feeds the profile and the JP ledger."""

import re

from sqlalchemy import func, select

from lms.competency.models import JpLedgerEntry
from lms.content import Quiz
from lms.courses.importer import quiz_from_item
from lms.courses.services import get_current_version, ordered_items
from lms.demo_activity import correct_answers


def passing_form(quiz: Quiz) -> dict[str, object]:
    """What a learner who knows the material would submit, as form fields."""
    return {f"q-{qid}": answer for qid, answer in correct_answers(quiz).items()}


def test_every_starter_course_can_be_completed(client, db, make_user, login, starter_courses):
    user = make_user()
    login(user)
    total_jp = 0
    for slug in starter_courses:
        version = get_current_version(db.session, slug)
        assert client.post(f"/kursus/{slug}/daftar").status_code == 302
        for item in ordered_items(version):
            if item.kind == "lesson":
                page = client.get(f"/kursus/{slug}/materi/{item.key}")
                assert page.status_code == 200 and item.title in page.get_data(as_text=True)
                client.post(f"/kursus/{slug}/materi/{item.key}/selesai")
                continue
            page = client.get(f"/kursus/{slug}/kuis/{item.key}").get_data(as_text=True)
            token = re.search(r'name="token" value="([^"]+)"', page).group(1)
            response = client.post(f"/kursus/{slug}/kuis/{item.key}",
                                   data={"token": token, **passing_form(quiz_from_item(item))})
            result = client.get(response.headers["Location"]).get_data(as_text=True)
            assert "LULUS" in result and "BELUM LULUS" not in result, (slug, item.key)
        course_page = client.get(f"/kursus/{slug}").get_data(as_text=True)
        assert "Anda menyelesaikan kursus ini" in course_page
        total_jp += version.jp
    assert db.session.scalar(select(func.sum(JpLedgerEntry.jp))) == total_jp
    profile = client.get("/profil").get_data(as_text=True)
    assert f"{total_jp} / 20 JP" in profile
