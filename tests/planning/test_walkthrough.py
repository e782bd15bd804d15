"""Issue 11's walk, the planning steps, through the HTML pages with the demo people and the
starter courses: Andi proposes a need and Rina supports it; Budi answers it, drafts Andi's
plan from his gaps and approves it; Andi completes a planned course and the plan updates."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.courses.importer import quiz_from_item
from lms.courses.models import Course
from lms.courses.services import get_current_version, ordered_items
from lms.demo import DEMO_PASSWORD, seed
from lms.planning.models import Aspiration, DevelopmentPlan
from lms.timeutil import local_date, utcnow
from tests.learning.test_starter_courses_walkthrough import passing_form

ANDI, RINA, BUDI = "199103052015031005", "198509252010012004", "198204102008011003"
SLUG = "layanan-publik-digital"  # T.01 2, M.05 2: two of Andi's gaps


def _signed_in(app, nip):
    client = app.test_client()
    assert client.post("/masuk", data={"nip": nip, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _complete(client, db, slug):
    version = get_current_version(db.session, slug)
    client.post(f"/kursus/{slug}/daftar")
    for item in ordered_items(version):
        if item.kind == "lesson":
            client.post(f"/kursus/{slug}/materi/{item.key}/selesai")
            continue
        page = client.get(f"/kursus/{slug}/kuis/{item.key}").get_data(as_text=True)
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        client.post(f"/kursus/{slug}/kuis/{item.key}",
                    data={"token": token, **passing_form(quiz_from_item(item))})


def test_planning_walk(app, db, starter_courses):
    seed(db.session)
    db.session.commit()
    year = local_date(utcnow()).year
    andi, rina, budi = (_signed_in(app, nip) for nip in (ANDI, RINA, BUDI))

    # Andi proposes a need; Rina, in the same unit, supports it.
    assert "Usulan" in andi.get("/").get_data(as_text=True)
    andi.post("/usulan", data={"topic": "Keamanan data pribadi", "competency_code": "T.01",
                               "reason": "Banyak permintaan salinan data.", "colleagues": "3"})
    need = db.session.scalar(select(Aspiration))
    page = rina.get("/usulan").get_data(as_text=True)
    assert "Keamanan data pribadi" in page and "+1 Dukung" in page
    rina.post(f"/usulan/{need.id}/dukung")
    assert "1 dukungan" in rina.get("/usulan").get_data(as_text=True)

    # Budi sees it beside the gaps, and answers it with a course.
    needs = budi.get("/atasan/kebutuhan").get_data(as_text=True)
    assert "Keamanan data pribadi" in needs
    course_id = db.session.scalar(select(Course.id).where(Course.slug == SLUG))
    budi.post(f"/atasan/usulan/{need.id}/jawab",
              data={"status": "covered", "course_id": str(course_id), "note": ""})
    page = andi.get("/usulan").get_data(as_text=True)
    assert "Sudah ada kursusnya" in page and "Layanan Publik Digital" in page

    # Budi drafts Andi's plan from his gaps and approves it.
    assert "belum punya rencana" in budi.get(f"/atasan/pegawai/{ANDI}/rencana").get_data(
        as_text=True)
    budi.post(f"/atasan/pegawai/{ANDI}/rencana")
    page = budi.get(f"/atasan/pegawai/{ANDI}/rencana").get_data(as_text=True)
    picks = [f"course:{course_id}:T.01", "mentoring::M.05"]
    assert all(f'value="{key}"' in page for key in picks)
    plan = db.session.scalar(select(DevelopmentPlan))
    response = budi.post(f"/rencana/{plan.id}/saran",
                         data={"pilih": picks, "target_on": f"{year}-12-31"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    response = budi.post(f"/rencana/{plan.id}/setujui", follow_redirects=True)
    assert "Rencana disetujui." in response.get_data(as_text=True)
    page = andi.get("/rencana").get_data(as_text=True)
    assert "Disetujui oleh Budi Santoso" in page
    assert re.search(r'class="planned-jp">8 JP', page)  # 4 JP course + 4 JP mentoring
    assert re.search(r'class="achieved-jp">0 JP', page)
    assert "0 dari 2 kegiatan tercapai." in page

    # Andi completes the planned course: the plan updates by itself.
    _complete(andi, db, SLUG)
    page = andi.get("/rencana").get_data(as_text=True)
    assert re.search(r'class="achieved-jp">4 JP', page)
    assert "1 dari 2 kegiatan tercapai." in page
    notices = andi.get("/notifikasi").get_data(as_text=True)
    assert "disetujui oleh Budi Santoso" in notices and "Layanan Publik Digital" in notices
