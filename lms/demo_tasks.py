"""Demo application task for ``lms seed-demo``, made through the services: Rina, who
completed "Layanan Publik Digital", reports on its task (with a PDF attachment) and the report
waits for Budi's assessment in his work queue. Runs once: nothing is added when Rina has
reported on the course already, or when she has not completed it."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.application_tasks.models import TaskSubmission
from lms.application_tasks.services import get_task, submit_report
from lms.auth.models import User
from lms.competency.uploads import CertificateStore
from lms.courses.services import get_current_version
from lms.demo_activity import RINA, certificate_pdf
from lms.learning.models import Enrollment

COURSE = "layanan-publik-digital"
# As a person types it: one line per point (the page keeps the report's line breaks).
REPORT = "\n".join((
    "Layanan: formulir daring permohonan akta kelahiran di laman Disdukcapil.",
    "",
    "Yang saya ubah:",
    "1. Menghapus isian \"agama\" dan \"nama ibu kandung pelapor\" yang tidak diperlukan "
    "untuk akta (minimisasi data, UU 27/2022).",
    "2. Menambahkan teks alternatif pada gambar contoh dokumen dan mengganti petunjuk dengan "
    "bahasa sederhana.",
    "3. Menambahkan pemberitahuan singkat tentang untuk apa data dipakai dan berapa lama "
    "disimpan.",
    "",
    "Hasil: dalam dua minggu, permohonan yang dikembalikan karena isian salah turun dari 23 "
    "menjadi 9.",
    "Kendala: perubahan formulir harus menunggu persetujuan pengelola aplikasi di Diskominfo "
    "(5 hari).",
))


def seed_tasks(session: Session, store: CertificateStore) -> bool:
    """Rina's waiting report; False when it exists already or the course, its task or her
    completion is missing."""
    rina = session.scalar(select(User).where(User.nip == RINA))
    version = get_current_version(session, COURSE)
    if rina is None or version is None or get_task(session, version.id) is None:
        return False
    completed = session.scalar(select(Enrollment.completed_at).where(
        Enrollment.user_id == rina.id, Enrollment.course_id == version.course_id))
    reported = session.scalar(select(TaskSubmission.id).where(
        TaskSubmission.user_id == rina.id, TaskSubmission.course_id == version.course_id))
    if completed is None or reported is not None:
        return False
    attachment = io.BytesIO(certificate_pdf("Formulir akta kelahiran: sebelum dan sesudah"))
    submit_report(session, rina, version, REPORT, attachment, store=store)
    session.flush()
    return True
