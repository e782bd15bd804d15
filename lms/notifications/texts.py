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
}
KINDS = tuple(LINKS)


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
    return kind
