"""Routes of the manager blueprint: thin, scope-checked, one commit per write."""

from __future__ import annotations

import re
from datetime import date

from flask import abort, current_app, render_template, request
from flask_login import current_user

from lms.application_tasks.services import statuses_by_course
from lms.audit.web import audit
from lms.auth.policy import can_manage_employee, can_see_unit, require_role
from lms.certificates.services import by_ledger_entry, list_for_user
from lms.competency.external import list_external_trainings
from lms.competency.forms import KIND_LABELS
from lms.competency.services import get_jp, get_profile, jp_target, list_ledger
from lms.courses.services import course_titles
from lms.learning.views import course_slugs
from lms.extensions import db
from lms.manager import bp
# The other route modules of the blueprint: importing them attaches their routes to ``bp``.
from lms.manager import (assignment_views, external_views, planning,  # noqa: F401
                         queue_views, review_views)
from lms.courses.services import list_published
from lms.learning.services import list_enrollments, progress_by_course
from lms.manager.overdue import OVERDUE_HEADER, iter_overdue_rows
from lms.planning.services import list_assigned
from lms.manager.forms import ReviewEvidenceForm
from lms.manager.scope import employee_in_scope
from lms.manager.matrix import iter_matrix_rows, list_competency_codes, matrix_header
from lms.manager.services import (LEDGER_HEADER, REPORT_HEADER, SORTS, DashboardQuery,
                                  get_dashboard, iter_ledger_rows, iter_report_rows,
                                  list_scope_positions, list_scope_units)
from lms.org.services import get_position, get_unit
from lms.reports.exports import export_response
from lms.timeutil import local_date, utcnow

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _year() -> int:
    """``?tahun=`` when sensible, else this year (agency time zone)."""
    this_year = local_date(utcnow()).year
    year = request.args.get("tahun", this_year, type=int)
    return year if 2000 <= year <= this_year + 1 else this_year


def _as_of(year: int) -> date:
    """The day a year's figures are counted on: today, or the last day of a past year (what
    was overdue then, not what is overdue now)."""
    today = local_date(utcnow())
    return min(today, date(year, 12, 31))


def _targets() -> dict[str, int]:
    config = current_app.config
    return {"PNS": config["JP_TARGET_PNS"], "PPPK": config["JP_TARGET_PPPK"]}


def _query(page: int = 1) -> tuple[DashboardQuery, dict]:
    """The dashboard query from the URL; a unit outside the caller's scope is a 404."""
    root = None if "admin" in current_user.roles else current_user.unit_id
    code = request.args.get("unit", "").strip()
    if code:
        unit = get_unit(db.session, code)
        if unit is None or not can_see_unit(db.session, current_user, unit.id):
            abort(404)
        root = unit.id
    position = get_position(db.session, request.args.get("jabatan", "").strip())
    year = _year()
    status = request.args.get("status", "")
    sort = request.args.get("urut", "name")
    key = sort.removeprefix("-")
    query = DashboardQuery(
        root_unit_id=root, year=year, today=_as_of(year), targets=_targets(),
        position_id=position.id if position else None,
        met={"tercapai": True, "belum": False}.get(status),
        sort=key if key in SORTS else "name", descending=sort.startswith("-"), page=page,
    )
    args = {"unit": code, "jabatan": position.code if position else "", "status": status,
            "urut": sort, "tahun": query.year}
    return query, args


@bp.get("/")
@require_role("manager")
def dashboard():
    """Employees of the manager's subtree: courses, JP against target, overdue, gaps."""
    page = request.args.get("hal", 1, type=int)
    query, args = _query(page)
    root = None if "admin" in current_user.roles else current_user.unit_id
    return render_template(
        "manager/dashboard.html", board=get_dashboard(db.session, query), query=query,
        args=args, units=list_scope_units(db.session, root),
        positions=list_scope_positions(db.session, root), this_year=local_date(utcnow()).year,
    )


@bp.get("/pegawai/<nip>")
@require_role("manager")
def employee(nip: str):
    """An employee's page: profile, JP and training record beside their e-learning courses
    with progress, mandatory courses with due dates and the items waiting for review."""
    person = employee_in_scope(nip)
    year = _year()
    rows = get_profile(db.session, person)
    assigned = list_assigned(db.session, person)
    enrollments = {e.course_id: e for e in list_enrollments(db.session, person)}
    versions = [v for v in list_published(db.session) if v.course_id in enrollments]
    titles = course_titles(db.session, {e.course_id for row in rows for e in row.evidence
                                        if e.course_id is not None}
                           | {a.course_id for a in assigned})
    slugs = {v.course_id: v.course.slug for v in versions}
    slugs.update(course_slugs(db.session, {a.course_id for a in assigned} - set(slugs)))
    trainings = list_external_trainings(db.session, person)
    form = ReviewEvidenceForm()
    return render_template(
        "manager/employee.html", person=person, rows=rows, titles=titles,
        jp=get_jp(db.session, person, year, jp_target(person, current_app.config)),
        ledger=list_ledger(db.session, person, year),
        certificates=by_ledger_entry(list_for_user(db.session, person.id)),
        can_review=can_manage_employee(db.session, current_user, person),
        form=form, review_form=form, kinds=KIND_LABELS,
        trainings=trainings, assigned=assigned, today=local_date(utcnow()),
        versions=versions, enrollments=enrollments, slugs=slugs,
        progress=progress_by_course(db.session, person, versions),
        tasks=statuses_by_course(db.session, person, versions),
        pending_evidence=[e for row in rows for e in row.evidence
                          if e.status == "pending" and not e.external_training_id],
        pending_trainings=[t for t in trainings if t.status == "pending"],
    )


@bp.get("/ekspor/<kind>.<fmt>")
@require_role("manager")
def export(kind: str, fmt: str):
    """The unit report, the JP ledger, the competency matrix or the overdue mandatory
    courses of the scope as CSV (streamed) or XLSX."""
    if kind not in ("laporan", "jp", "matriks", "terlambat") or fmt not in ("csv", "xlsx"):
        abort(404)
    query, args = _query()
    if kind == "laporan":
        header, rows = REPORT_HEADER, iter_report_rows(db.session, query)
    elif kind == "matriks":
        codes = list_competency_codes(db.session)
        header, rows = matrix_header(codes), iter_matrix_rows(
            db.session, query.root_unit_id, codes, query.position_id)
    elif kind == "terlambat":
        header, rows = OVERDUE_HEADER, iter_overdue_rows(db.session, query.root_unit_id,
                                                         query.today)
    else:
        header, rows = LEDGER_HEADER, iter_ledger_rows(db.session, query.root_unit_id,
                                                       query.year)
    scope = _SAFE_FILENAME.sub("-", args["unit"] or current_user.unit.code)
    filename = f"{kind}-{scope}-{query.year}.{fmt}"
    audit("export.personal_data", target_type="unit", target_id=scope,
          details={"file": filename})
    db.session.commit()
    return export_response(fmt, header, rows, filename, sheet=kind)
