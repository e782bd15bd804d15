"""`lms seed-demo` after the starter courses: Rina completed "Layanan Publik Digital" and
reported on its application task; the report waits in Budi's work queue, once."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.application_tasks.models import TaskSubmission
from lms.demo import DEMO_PASSWORD

RINA, BUDI = "198509252010012004", "198204102008011003"


def test_rinas_report_waits_for_budi(runner, db, app, tmp_path, starter_courses):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0

    [report] = db.session.scalars(select(TaskSubmission)).all()
    assert (report.user.nip, report.status, report.file_type) == (
        RINA, "submitted", "application/pdf")
    budi = app.test_client()
    budi.post("/masuk", data={"nip": BUDI, "password": DEMO_PASSWORD})
    queue = budi.get("/atasan/tindakan").get_data(as_text=True)
    assert f"/atasan/tugas-penerapan/{report.id}" in queue
    page = budi.get(f"/atasan/tugas-penerapan/{report.id}").get_data(as_text=True)
    assert "Rina Marlina" in page and "formulir daring permohonan akta" in page
    with budi.get(f"/tugas-penerapan/{report.id}/berkas") as attachment:
        assert attachment.status_code == 200 and attachment.data.startswith(b"%PDF-")
    rina = app.test_client()
    rina.post("/masuk", data={"nip": RINA, "password": DEMO_PASSWORD})
    assert "menunggu penilaian atasan" in rina.get("/").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TaskSubmission)) == 1
