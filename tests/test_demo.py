"""`lms seed-demo` after the starter courses gives the demo manager true answers to show:
JP earned by completing courses, work in progress and an overdue mandatory course."""

from sqlalchemy import func, select

from lms.competency.models import ExternalTraining, JpLedgerEntry
from lms.demo import DEMO_PASSWORD
from lms.learning.models import Enrollment
from lms.planning.models import CourseAssignment

MANAGER = "198204102008011003"


def _counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Enrollment, JpLedgerEntry, CourseAssignment))


def test_demo_history_is_real_and_added_once(runner, db, client, starter_courses):
    result = runner.invoke(args=["lms", "seed-demo"])
    assert result.exit_code == 0 and "learning history added" in result.output
    enrollments, ledger, assignments = _counts(db)
    # 3 completed courses and Rina's validated classroom training; Andi's seminar is pending.
    assert (enrollments, ledger) == (6, 4) and assignments >= 4
    assert db.session.scalar(select(func.count()).select_from(ExternalTraining)) == 2
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert _counts(db) == (enrollments, ledger, assignments)

    client.post("/masuk", data={"nip": MANAGER, "password": DEMO_PASSWORD})
    page = client.get("/atasan/").get_data(as_text=True)
    assert "Rina Marlina" in page and "20 / 20" in page and "8 / 20" not in page
    assert "Siti Rahmawati" in page and "4 / 20" in page
    # Everyone in Dukcapil but Rina (who completed it) is overdue on the mandatory course.
    assert "3 pegawai punya pelatihan wajib yang lewat tenggat" in page


def test_demo_trainer_owns_the_starter_courses(runner, db, client, starter_courses):
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    client.post("/masuk", data={"nip": "197806202003122002", "password": DEMO_PASSWORD})
    page = client.get("/pengajar/").get_data(as_text=True)
    assert all(title in page for title in (
        "Layanan Publik Digital", "Komunikasi Publik yang Efektif", "Manajemen Waktu bagi ASN"))
    assert client.get("/pengajar/kursus/layanan-publik-digital").status_code == 200


def test_demo_history_waits_for_the_courses(runner, db):
    result = runner.invoke(args=["lms", "seed-demo"])
    assert result.exit_code == 0 and "learning history" not in result.output
    assert _counts(db) == (0, 0, 0)


def test_demo_aspiration_has_support(runner, db, client, starter_courses):
    from lms.planning.models import Aspiration, AspirationSupport

    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Aspiration)) == 2
    assert db.session.scalar(select(func.count()).select_from(AspirationSupport)) == 1
    client.post("/masuk", data={"nip": MANAGER, "password": DEMO_PASSWORD})
    page = client.get("/atasan/kebutuhan").get_data(as_text=True)
    assert "Pengelolaan data kependudukan dengan spreadsheet" in page
    assert "2 usulan menunggu jawaban" in page


def test_demo_plan_of_andi_is_approved(runner, db, app, starter_courses):
    from lms.planning.models import DevelopmentPlan, PlanItem

    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    plan = db.session.scalar(select(DevelopmentPlan))
    assert (plan.user.nip, plan.status, plan.decided_by.nip) == (
        "199103052015031005", "approved", MANAGER)
    assert sorted(db.session.scalars(select(PlanItem.kind))) == ["course", "course",
                                                                 "mentoring"]
    andi = app.test_client()
    andi.post("/masuk", data={"nip": "199103052015031005", "password": DEMO_PASSWORD})
    page = andi.get("/rencana").get_data(as_text=True)
    assert "Komunikasi Publik yang Efektif" in page and "12 JP" in page


def test_demo_mentoring_pair_is_running(runner, db, app, starter_courses):
    from lms.mentoring.models import MentoringProgramme, MentoringSession

    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    programme = db.session.scalar(select(MentoringProgramme))
    assert db.session.scalar(select(func.count()).select_from(MentoringProgramme)) == 1
    assert (programme.mentor.nip, [m.user.nip for m in programme.mentees],
            programme.competency_code) == ("199207142019032006", ["199103052015031005"], "M.05")
    sessions = db.session.scalars(select(MentoringSession)).all()
    assert len(sessions) == 2 and sum(s.confirmed_at is not None for s in sessions) == 1
    andi = app.test_client()
    andi.post("/masuk", data={"nip": "199103052015031005", "password": DEMO_PASSWORD})
    page = andi.get(f"/mentoring/{programme.id}").get_data(as_text=True)
    assert "Menangani warga yang marah di loket" in page and "Konfirmasi sesi ini" in page


def test_demo_transfer_evaluation_is_due_for_rina_and_budi(runner, db, app, starter_courses):
    from lms.evaluation.transfer import completion_opening_on
    from lms.timeutil import local_date, utcnow

    assert runner.invoke(args=["lms", "seed-demo"]).exit_code == 0
    from lms.auth.models import User
    from lms.courses.models import Course

    completed = db.session.scalar(
        select(Enrollment.completed_at)
        .join(User, User.id == Enrollment.user_id).join(Course, Course.id == Enrollment.course_id)
        .where(Course.slug == "komunikasi-publik", User.nip == "198509252010012004"))
    assert completed == completion_opening_on(local_date(utcnow()), 60)
    rina = app.test_client()
    rina.post("/masuk", data={"nip": "198509252010012004", "password": DEMO_PASSWORD})
    page = rina.get("/").get_data(as_text=True)
    assert "Evaluasi pasca pelatihan" in page and "Komunikasi Publik yang Efektif" in page
    budi = app.test_client()
    budi.post("/masuk", data={"nip": MANAGER, "password": DEMO_PASSWORD})
    queue = budi.get("/atasan/tindakan").get_data(as_text=True)
    assert "Evaluasi pasca pelatihan" in queue and "Rina Marlina" in queue
