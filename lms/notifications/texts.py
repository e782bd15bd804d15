"""What each kind of notification says, rendered in the reader's language when shown (the
stored notice keeps only its kind and parameters)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

# The page each kind of notice leads to.
LINKS = {
    "assigned": "learning.dashboard", "due_changed": "learning.dashboard",
    "assignment_cancelled": "learning.dashboard", "due_soon": "learning.dashboard",
    "overdue": "learning.dashboard", "validated": "competency.profile",
    "rejected": "competency.profile", "queue_waiting": "manager.queue",
    "aspiration_answered": "planning.aspirations", "plan_approved": "planning.my_plan",
    "plan_returned": "planning.my_plan", "mentoring_started": "mentoring.index",
    "mentoring_session": "mentoring.index", "mentoring_validated": "mentoring.index",
    "task_assessed": "learning.dashboard", "transfer_due": "learning.dashboard",
    "transfer_supervisor": "manager.queue",
}
KINDS = tuple(LINKS)
# The same pages by path, for e-mails: ``lms notify`` runs without the views (no url_for).
PATHS = {"learning.dashboard": "/", "competency.profile": "/profil",
         "manager.queue": "/atasan/tindakan", "notifications.index": "/notifikasi",
         "planning.aspirations": "/usulan", "planning.my_plan": "/rencana",
         "mentoring.index": "/mentoring"}


def _day(value: str | None) -> str:
    try:
        return format_date(date.fromisoformat(value or ""), "medium")
    except ValueError:
        return value or "—"


def _item(params: dict[str, Any]) -> str:
    if params.get("item") == "outside_training":
        return _("Pelatihan luar “%(title)s”", title=params.get("title", ""))
    return _("Bukti kompetensi “%(title)s”", title=params.get("title", ""))


def render(kind: str, params: dict[str, Any]) -> str:
    """The sentence a notice shows, in the current locale."""
    course, due = params.get("course", ""), _day(params.get("due_on"))
    if kind == "assigned":
        return _("Anda ditugaskan mengikuti kursus “%(course)s”, tenggat %(due)s.",
                 course=course, due=due)
    if kind == "due_changed":
        return _("Tenggat kursus wajib “%(course)s” diubah dari %(old)s menjadi %(due)s.",
                 course=course, old=_day(params.get("old_due_on")), due=due)
    if kind == "assignment_cancelled":
        return _("Penugasan kursus “%(course)s” dibatalkan.", course=course)
    if kind == "due_soon":
        return _("Kursus wajib “%(course)s” jatuh tempo %(due)s — tinggal %(days)s hari.",
                 course=course, due=due, days=params.get("days", 7))
    if kind == "overdue":
        return _("Kursus wajib “%(course)s” lewat tenggat (%(due)s). Selesaikan segera.",
                 course=course, due=due)
    if kind == "validated":
        return _("%(item)s telah divalidasi oleh %(by)s.", item=_item(params),
                 by=params.get("by", "—"))
    if kind == "rejected":
        return _("%(item)s ditolak oleh %(by)s. Alasan: %(reason)s", item=_item(params),
                 by=params.get("by", "—"), reason=params.get("reason", ""))
    if kind == "queue_waiting":
        return _("%(count)s item di daftar Perlu tindakan sudah menunggu lebih dari %(days)s "
                 "hari.", count=params.get("count", 0), days=params.get("days", 0))
    if kind == "aspiration_answered":
        return _aspiration_answer(params)
    if kind == "plan_approved":
        return _("Rencana pengembangan kompetensi %(year)s Anda disetujui oleh %(by)s.",
                 year=params.get("year", ""), by=params.get("by", "—"))
    if kind == "plan_returned":
        return _("Rencana pengembangan kompetensi %(year)s Anda dikembalikan oleh %(by)s. "
                 "Catatan: %(reason)s", year=params.get("year", ""), by=params.get("by", "—"),
                 reason=params.get("reason", ""))
    if kind.startswith("mentoring_"):
        return _mentoring(kind, params)
    if kind == "task_assessed":
        return _task_assessed(params)
    if kind == "transfer_due":
        return _("Evaluasi pasca pelatihan kursus “%(course)s”: seberapa jauh hasilnya Anda "
                 "terapkan dalam pekerjaan? Isi kuesioner singkatnya di Kursus Saya.",
                 course=course)
    if kind == "transfer_supervisor":
        return _("Evaluasi pasca pelatihan: %(name)s menyelesaikan kursus “%(course)s”. Sebagai "
                 "atasan, isi kuesioner singkat tentang penerapannya di Perlu tindakan.",
                 name=params.get("name", "—"), course=course)
    return kind


def _task_assessed(params: dict[str, Any]) -> str:
    course, by, feedback = params.get("course", ""), params.get("by", "—"), params.get("feedback")
    if params.get("status") == "met":
        text = _("Laporan tugas penerapan kursus “%(course)s” dinilai memenuhi oleh %(by)s; "
                 "bukti kompetensinya tervalidasi.", course=course, by=by)
    else:
        text = _("Laporan tugas penerapan kursus “%(course)s” dinilai belum memenuhi oleh "
                 "%(by)s. Anda dapat mengirim laporan baru.", course=course, by=by)
    return f"{text} {_('Umpan balik: %(text)s', text=feedback)}" if feedback else text


def _mentoring(kind: str, params: dict[str, Any]) -> str:
    competency = params.get("competency", "")
    if kind == "mentoring_started" and params.get("role") == "mentor":
        return _("Anda menjadi mentor program %(competency)s, %(start)s – %(end)s. Catat setiap "
                 "sesi di halaman Mentoring.", competency=competency,
                 start=_day(params.get("starts_on")), end=_day(params.get("ends_on")))
    if kind == "mentoring_started":
        return _("Anda mengikuti program %(competency)s bersama mentor %(mentor)s, %(start)s – "
                 "%(end)s.", competency=competency, mentor=params.get("mentor", "—"),
                 start=_day(params.get("starts_on")), end=_day(params.get("ends_on")))
    if kind == "mentoring_session":
        return _("%(mentor)s mencatat sesi “%(topic)s” (%(day)s, %(minutes)s menit). Mohon "
                 "konfirmasi bila sesuai.", mentor=params.get("mentor", "—"),
                 topic=params.get("topic", ""), day=_day(params.get("held_on")),
                 minutes=params.get("minutes", 0))
    return _("Program %(competency)s Anda divalidasi oleh %(by)s: %(jp)s JP dan bukti level "
             "%(level)s dicatat.", competency=competency, by=params.get("by", "—"),
             jp=params.get("jp", 0), level=params.get("level", "—"))


def _aspiration_answer(params: dict[str, Any]) -> str:
    topic, by, note = params.get("topic", ""), params.get("by", "—"), params.get("reason")
    status = params.get("status")
    if status == "covered":
        text = _("Usulan “%(topic)s” dijawab %(by)s: sudah ada kursusnya, “%(course)s”.",
                 topic=topic, by=by, course=params.get("course", ""))
    elif status == "not_now":
        text = _("Usulan “%(topic)s” dijawab %(by)s: belum sekarang.", topic=topic, by=by)
    else:
        text = _("Usulan “%(topic)s” dijawab %(by)s: direncanakan.", topic=topic, by=by)
    return f"{text} {note}" if note else text


def subject(kind: str, params: dict[str, Any]) -> str:
    """The subject line of a notice's e-mail, in the current locale."""
    course = params.get("course", "")
    if kind == "assigned":
        return _("Kursus wajib baru: %(course)s", course=course)
    if kind == "due_changed":
        return _("Tenggat kursus diubah: %(course)s", course=course)
    if kind == "assignment_cancelled":
        return _("Penugasan kursus dibatalkan: %(course)s", course=course)
    if kind == "due_soon":
        return _("Tenggat segera tiba: %(course)s", course=course)
    if kind == "overdue":
        return _("Lewat tenggat: %(course)s", course=course)
    if kind == "validated":
        return _("Pengajuan Anda divalidasi")
    if kind == "rejected":
        return _("Pengajuan Anda ditolak")
    if kind == "queue_waiting":
        return _("Ada item yang menunggu tindakan Anda")
    if kind == "aspiration_answered":
        return _("Usulan Anda dijawab")
    if kind == "plan_approved":
        return _("Rencana pengembangan Anda disetujui")
    if kind == "plan_returned":
        return _("Rencana pengembangan Anda dikembalikan")
    if kind == "mentoring_started":
        return _("Program mentoring baru")
    if kind == "mentoring_session":
        return _("Sesi mentoring menunggu konfirmasi Anda")
    if kind == "mentoring_validated":
        return _("Program mentoring Anda divalidasi")
    if kind == "task_assessed":
        return _("Tugas penerapan Anda dinilai")
    if kind == "transfer_due":
        return _("Evaluasi pasca pelatihan: %(course)s", course=course)
    if kind == "transfer_supervisor":
        return _("Evaluasi pasca pelatihan pegawai: %(course)s", course=course)
    return kind


def email_body(kind: str, params: dict[str, Any], name: str, base_url: str) -> str:
    """The plain-text e-mail of a notice: greeting, the notice, the page to open, and how to
    stop these e-mails."""
    base = base_url.rstrip("/")
    page = base + PATHS.get(LINKS.get(kind, ""), "/notifikasi")
    lines = [_("Yth. %(name)s,", name=name), "", render(kind, params), "",
             _("Buka: %(page)s", page=page), "", "-- ",
             _("Kelas ASN. E-mail ini dikirim otomatis; mohon tidak dibalas. Untuk berhenti "
               "menerima e-mail notifikasi, matikan di %(page)s",
               page=base + PATHS["notifications.index"])]
    return "\n".join(lines) + "\n"
