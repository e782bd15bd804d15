"""The course evaluation report (``/pengajar/kursus/<slug>/evaluasi``) for the course's
trainers and the admins, filtered by period and unit, and its CSV/XLSX export."""

from __future__ import annotations

import re

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.application_tasks.services import task_of
from lms.audit.web import audit
from lms.auth.policy import can_see_feedback_authors, require_role
from lms.authoring.access import editable_course
from lms.courses.importer import current_version
from lms.courses.models import Course
from lms.evaluation import bp
from lms.evaluation.report import (REPORT_HEADER, ReportFilter, get_report, parse_day,
                                   report_rows, version_quiz_titles)
from lms.extensions import db
from lms.org.models import Unit
from lms.org.services import get_unit
from lms.reports.exports import export_response
from lms.timeutil import today

TRAINERS = ("trainer", "admin")
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _filter(course: Course) -> tuple[ReportFilter, dict[str, str]]:
    """The report's filter from ``?dari=&sampai=&unit=``: a bad date is a 400, an unknown
    unit a 404."""
    try:
        start = parse_day(request.args.get("dari"))
        end = parse_day(request.args.get("sampai"))
    except ValueError:
        abort(400)
    if start and end and end < start:
        abort(400)
    code = request.args.get("unit", "").strip()
    unit = get_unit(db.session, code) if code else None
    if code and unit is None:
        abort(404)
    args = {"dari": start.isoformat() if start else "", "sampai": end.isoformat() if end else "",
            "unit": code}
    return ReportFilter(course.id, start, end, unit.id if unit else None), args


def _build(course: Course):
    f, args = _filter(course)
    version = current_version(db.session, course)
    names = can_see_feedback_authors(current_user)
    minimum = current_app.config["FEEDBACK_MIN_GROUP"]
    report = get_report(db.session, f, today(), minimum, with_names=names,
                        titles=version_quiz_titles(version),
                        has_task=version is not None and task_of(db.session, version) is not None)
    return report, version, args, names, minimum


@bp.get("/pengajar/kursus/<slug>/evaluasi")
@require_role(*TRAINERS)
def report(slug: str):
    """Levels 1–3 and application tasks of a course, with charts and tables."""
    found = editable_course(slug)
    report, version, args, names, minimum = _build(found)
    return render_template(
        "evaluation/report.html", course=found, version=version, report=report, args=args,
        with_names=names, minimum=minimum,
        units=db.session.scalars(select(Unit).order_by(Unit.code)).all())


def _labels() -> dict[str, str]:
    return {
        "ratings": _("Jumlah penilaian"), "average": _("Rata-rata nilai (1–5)"),
        "ratings_of": _("Penilaian bernilai ini"), "comment": _("Komentar"),
        "attempts": _("Percobaan"), "learners": _("Peserta yang mencoba"),
        "passed": _("Peserta yang lulus"), "pass_rate": _("Tingkat kelulusan (%)"),
        "average_score": _("Rata-rata skor (%)"),
        "asked": _("Kuesioner yang sudah dibuka"), "not_yet": _("Kuesioner belum waktunya"),
        "learner": _("Peserta"), "supervisor": _("Atasan"), "answers": _("Jawaban"),
        "response_rate": _("Tingkat jawaban (%)"), "score": _("Rata-rata skor penerapan (1–5)"),
        "task": _("Tugas penerapan"), "tasks_met": _("Peserta yang memenuhi"),
        "tasks_assessed": _("Peserta yang dinilai"), "tasks_waiting": _("Laporan menunggu penilaian"),
    }


@bp.get("/pengajar/kursus/<slug>/evaluasi.<fmt>")
@require_role(*TRAINERS)
def report_export(slug: str, fmt: str):
    """The report as CSV or XLSX (one row per figure: level, item, measure, value)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    found = editable_course(slug)
    report, _version, args, names, _minimum = _build(found)
    parts = [found.slug, args["unit"], args["dari"], args["sampai"]]
    filename = _SAFE_FILENAME.sub("-", "evaluasi-" + "-".join(p for p in parts if p)) + f".{fmt}"
    if names:  # the comments carry the names of their authors
        audit("export.personal_data", target_type="course", target_id=found.slug,
              details={"file": filename})
        db.session.commit()
    return export_response(fmt, REPORT_HEADER, report_rows(report, _labels()), filename,
                           sheet=_("Evaluasi"))
