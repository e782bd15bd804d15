"""The admin's audit trail: filter by action, actor and dates, a page at a time, or as CSV."""

from __future__ import annotations

from datetime import date

from flask import Response, flash, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.audit import bp
from lms.audit.services import (ACTIONS, CSV_HEADER, AuditFilter, audit_csv_rows,
                                list_audit_events, record_audit)
from lms.auth.policy import require_role
from lms.extensions import db
from lms.reports.exports import iter_csv

ACTION_LABELS = {
    "login.failed": _l("Gagal masuk"),
    "login.throttled": _l("Masuk ditahan (terlalu banyak gagal)"),
    "login.throttle_cleared": _l("Penahanan masuk dilepas"),
    "user.created": _l("Pegawai dibuat"),
    "user.changed": _l("Data pegawai diubah"),
    "user.role_changed": _l("Peran diubah"),
    "user.password_changed": _l("Kata sandi diubah"),
    "password.reset_requested": _l("Tautan atur ulang kata sandi diminta"),
    "user.disabled": _l("Akun dinonaktifkan"),
    "user.enabled": _l("Akun diaktifkan"),
    "employees.imported": _l("Pegawai diimpor dari CSV"),
    "token.created": _l("Token API dibuat"),
    "token.revoked": _l("Token API dicabut"),
    "evidence.validated": _l("Bukti kompetensi divalidasi"),
    "evidence.rejected": _l("Bukti kompetensi ditolak"),
    "outside_training.validated": _l("Pelatihan luar divalidasi"),
    "outside_training.rejected": _l("Pelatihan luar ditolak"),
    "assignment.created": _l("Kursus wajib ditugaskan"),
    "assignment.changed": _l("Penugasan diubah"),
    "assignment.removed": _l("Penugasan dihapus"),
    "framework.changed": _l("Kerangka kompetensi diubah"),
    "position.changed": _l("Jabatan diubah"),
    "certificate.revoked": _l("Sertifikat dicabut"),
    "certificate.tte_signed": _l("Sertifikat ditandatangani secara elektronik (BSrE)"),
    "certificate.tte_failed": _l("Penandatanganan elektronik gagal"),
    "export.personal_data": _l("Ekspor data pribadi"),
    "siasn.mapping_changed": _l("Pemetaan jenis diklat SIASN diubah"),
    "siasn.pushed": _l("Riwayat pelatihan dikirim ke SIASN"),
    "siasn.resolved": _l("Status SIASN diselesaikan manual"),
    "aspiration.answered": _l("Usulan kebutuhan pelatihan dijawab"),
    "plan.approved": _l("Rencana pengembangan disetujui"),
    "plan.returned": _l("Rencana pengembangan dikembalikan"),
    "mentoring.created": _l("Program mentoring dibuat"),
    "mentoring.validated": _l("Mentoring divalidasi"),
    "application_task.assessed": _l("Tugas penerapan dinilai"),
}


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()[:10]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        flash(_("Tanggal tidak valid: %(value)s (pakai TTTT-BB-HH).", value=raw), "error")
        return None


def _wanted() -> AuditFilter:
    action = request.args.get("aksi", "")
    return AuditFilter(action=action if action in ACTIONS else "",
                       actor=request.args.get("pelaku", "").strip()[:40],
                       start=_date("dari"), end=_date("sampai"))


def _args(wanted: AuditFilter) -> dict[str, str]:
    """The filter as query arguments again (for the pager and the CSV link)."""
    pairs = {"aksi": wanted.action, "pelaku": wanted.actor,
             "dari": wanted.start.isoformat() if wanted.start else "",
             "sampai": wanted.end.isoformat() if wanted.end else ""}
    return {k: v for k, v in pairs.items() if v}


@bp.get("/")
@require_role("admin")
def events():
    """The audit trail, newest first, filtered."""
    wanted = _wanted()
    page = list_audit_events(db.session, wanted,
                             min(max(request.args.get("hal", 1, type=int) or 1, 1), 10**6))
    return render_template("audit/events.html", page=page, wanted=wanted, args=_args(wanted),
                           actions=ACTION_LABELS)


@bp.get("/ekspor.csv")
@require_role("admin")
def export():
    """The filtered audit trail as CSV (streamed); the export itself is recorded."""
    wanted = _wanted()
    record_audit(db.session, "export.personal_data", actor=current_user,
                 target_type="audit_events", details={"filter": _args(wanted)},
                 remote=request.remote_addr)
    db.session.commit()
    return Response(stream_with_context(iter_csv(CSV_HEADER, audit_csv_rows(db.session, wanted))),
                    mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
