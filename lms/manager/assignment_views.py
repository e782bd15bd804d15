"""Mandatory training as a managed object: the assign form (courses by title, employees,
units and positions picked from the scope), the list of assignments with their progress, and
one course's assignment page where the due date is moved or the assignment cancelled, with
the history of every change. Every route checks the scope; every POST carries the CSRF token."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from lms.audit.web import audit
from lms.auth.policy import can_see_unit, require_role
from lms.courses.models import Course
from lms.courses.services import course_title, get_current_version, list_published
from lms.extensions import db
from lms.manager import bp
from lms.manager.forms import AssignCourseForm, ChangeAssignmentForm
from lms.org.services import get_position, get_unit
from lms.planning.queries import (PER_PAGE, count_course_rows, employees_assigned,
                                  list_course_rows, list_groups, list_history,
                                  list_pickable_employees, list_scope_positions)
from lms.planning.services import (AssignmentError, AssignmentTarget, AssignResult,
                                   assign_course, cancel_assignments, change_due_date,
                                   changeable, scope_of, today)
from lms.manager.services import list_scope_units

MAX_NIPS = 5000  # NIPs one assignment may name


def _root() -> int | None:
    """The unit whose subtree the caller manages; None (the whole agency) for an admin."""
    return None if current_user.has_role("admin") else current_user.unit_id


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


@bp.get("/penugasan")
@require_role("manager")
def assignments():
    """Mandatory training assigned in scope, by course and due date, with its progress."""
    return render_template("manager/assignments.html",
                           groups=list_groups(db.session, _root(), today()), today=today())


def _day(value: date) -> str:
    return format_date(value, "medium")


def _tell_result(title: str, result: AssignResult) -> None:
    """Flash what the assignment changed: who was added, whose due date moved from what to
    what, who already had it, and what was left as a manager above set it."""
    if result.added:
        flash(_("“%(course)s” ditugaskan kepada %(num)s pegawai baru.", course=title,
                num=len(result.added)), "success")
    moved: dict[date, int] = {}
    for _user, old in result.redated:
        moved[old] = moved.get(old, 0) + 1
    for old, count in sorted(moved.items()):
        flash(_("Tenggat %(num)s pegawai diubah dari %(old)s menjadi %(new)s.", num=count,
                old=_day(old), new=_day(result.due_on)), "success")
    if result.unchanged:
        flash(_("%(num)s pegawai sudah ditugaskan dengan tenggat yang sama: tidak berubah.",
                num=len(result.unchanged)))
    if result.kept:
        names = ", ".join(f"{u.name} ({_day(d)})" for u, d in result.kept[:10])
        flash(_("%(num)s penugasan ditetapkan oleh atasan Anda atau admin dan tidak diubah: "
                "%(names)s.", num=len(result.kept), names=names), "error")


def _check_target(form: AssignCourseForm):
    """The course, unit and position of the form, with an error on each field that names
    something unknown or outside the scope (None for that part then)."""
    version = get_current_version(db.session, (form.course.data or "").strip())
    if form.course.data and version is None:
        form.course.errors.append(_("Kursus tidak ditemukan atau belum terbit."))
    unit = None
    if form.unit.data and form.unit.data.strip():
        unit = get_unit(db.session, form.unit.data.strip())
        if unit is None or not can_see_unit(db.session, current_user, unit.id):
            form.unit.errors.append(_("Unit “%(code)s” tidak dikenal atau di luar lingkup "
                                      "Anda.", code=form.unit.data.strip()))
            unit = None
    position = None
    if form.position.data and form.position.data.strip():
        position = get_position(db.session, form.position.data.strip())
        if position is None:
            form.position.errors.append(_("Jabatan “%(code)s” tidak dikenal.",
                                          code=form.position.data.strip()))
    if form.due_on.errors:
        form.due_on.errors[:] = [_("Isi tenggat dengan tanggal yang benar.")]
    elif form.due_on.data and form.due_on.data < today():
        form.due_on.errors.append(_("Tenggat tidak boleh sebelum hari ini (%(today)s).",
                                    today=_day(today())))
    return version, unit, position


def _nips(form: AssignCourseForm) -> tuple[str, ...]:
    picked = [_digits(v) for v in form.employees.data or []]
    pasted = [_digits(line) for line in (form.nips.data or "").splitlines()]
    return tuple(dict.fromkeys(n for n in picked + pasted if n))


def _assign_page(form: AssignCourseForm, target_error: str | None = None, status: int = 200):
    search = request.args.get("cari", "")[:100]
    root = _root()
    employees, more = list_pickable_employees(db.session, root, search)
    picked = set(_nips(form))
    return render_template(
        "manager/assign.html", form=form, courses=list_published(db.session),
        employees=employees, more=more, search=search, picked=picked,
        units=list_scope_units(db.session, root),
        positions=list_scope_positions(db.session, root), target_error=target_error,
        today=today(),
    ), status


@bp.route("/penugasan/baru", methods=["GET", "POST"])
@require_role("manager")
def assign():
    """Assign a mandatory course with a due date to employees, a unit or a position; bad
    input comes back with the error next to its field and everything typed kept."""
    # The training-needs view links here with ?kursus=SLUG&unit=CODE to prefill the form.
    form = AssignCourseForm(course=request.args.get("kursus", ""),
                            unit=request.args.get("unit", ""))
    if not form.is_submitted():
        return _assign_page(form)
    form.validate()
    version, unit, position = _check_target(form)
    nips = _nips(form)
    target = AssignmentTarget(nips=nips, unit=unit, with_subunits=form.with_subunits.data,
                              position_id=position.id if position else None)
    target_error = None
    if len(nips) > MAX_NIPS:
        form.nips.errors.append(_("Paling banyak %(num)s NIP sekaligus.", num=MAX_NIPS))
    elif target.empty and not (form.unit.errors or form.position.errors):
        target_error = _("Pilih pegawai, unit, atau jabatan.")
    if form.errors or target_error:
        return _assign_page(form, target_error, 422)
    try:
        result = assign_course(db.session, version.course, target, form.due_on.data,
                               current_user, scope_of(db.session, current_user))
    except AssignmentError as error:
        db.session.rollback()
        if error.field == "nips":
            form.nips.errors.append(_("NIP tidak dikenal, tidak aktif, atau di luar lingkup "
                                      "Anda: %(nips)s", nips=", ".join(error.nips[:20])))
        elif error.field == "due_on":
            form.due_on.errors.append(_("Tenggat tidak boleh sebelum hari ini (%(today)s).",
                                        today=_day(today())))
        elif "meanwhile" in str(error):
            target_error = _("Penugasan berubah saat disimpan; coba lagi.")
        else:
            target_error = _("Tidak ada pegawai aktif dalam lingkup Anda yang cocok dengan "
                             "pilihan ini.")
        return _assign_page(form, target_error, 422)
    audit("assignment.created", target_type="course", target_id=version.course.slug,
          details={"employees": result.reached, "added": len(result.added),
                   "redated": len(result.redated), "kept": len(result.kept),
                   "due_on": form.due_on.data.isoformat(),
                   "unit": unit.code if unit else None,
                   "position": position.code if position else None,
                   "nips": list(nips[:50])})
    db.session.commit()
    _tell_result(version.title, result)
    return redirect(url_for("manager.assignment", slug=version.course.slug))


def _course(slug: str) -> Course:
    version = get_current_version(db.session, slug)
    if version is None:
        abort(404)
    return version.course


def _assignment_page(course: Course, form: ChangeAssignmentForm | None = None,
                     failed: str | None = None, status: int = 200):
    """One course's assignment in scope; 404 when the caller's scope has neither an
    assignment of it nor a change to one."""
    root = _root()
    page = max(1, min(request.args.get("hal", 1, type=int), 10_000))
    total = count_course_rows(db.session, course.id, root)
    history = list_history(db.session, course.id, root)
    if not total and not history:
        abort(404)
    rows = list_course_rows(db.session, course.id, root, page)
    scope = scope_of(db.session, current_user)
    return render_template(
        "manager/assignment.html", course=course, title=course_title(db.session, course),
        groups=list_groups(db.session, root, today(), course.id), rows=rows,
        editable={r.user_id for r in rows if changeable(r.assigned_by, current_user, scope)},
        history=history, total=total, page=page, pages=max(1, -(-total // PER_PAGE)),
        form=form or ChangeAssignmentForm(formdata=None), failed=failed, today=today(),
    ), status


@bp.get("/penugasan/kursus/<slug>")
@require_role("manager")
def assignment(slug: str):
    """Who in scope must complete the course by when, how far they are, and the history."""
    return _assignment_page(_course(slug))


@bp.post("/penugasan/kursus/<slug>/ubah")
@require_role("manager")
def change_assignment(slug: str):
    """Move the due date of, or cancel, the assignment for the ticked employees or for a
    whole due-date group; employees outside the scope (or without the assignment) are 404."""
    course = _course(slug)
    form = ChangeAssignmentForm()
    form.validate()  # CSRF is checked before the view (CSRFProtect); field errors below
    if form.action.errors:
        abort(400)
    failed = form.group_due.data.isoformat() if form.group_due.data else "pegawai"
    nips = [_digits(n) for n in form.nips.data or [] if _digits(n)]
    root = _root()
    if nips:
        people = employees_assigned(db.session, course.id, root, nips=nips)
        if len({p.nip for p in people}) != len(set(nips)):
            abort(404)
    elif form.group_due.data:
        people = employees_assigned(db.session, course.id, root, due_on=form.group_due.data)
        if not people:
            abort(404)
    else:
        form.nips.errors.append(_("Centang pegawai yang penugasannya diubah."))
        return _assignment_page(course, form, failed, 422)
    if form.action.data == "tenggat":
        if form.due_on.errors or not form.due_on.data:
            form.due_on.errors[:] = [_("Isi tenggat baru dengan tanggal yang benar.")]
        elif form.due_on.data < today():
            form.due_on.errors.append(_("Tenggat tidak boleh sebelum hari ini (%(today)s).",
                                        today=_day(today())))
    elif not form.confirm.data:
        form.confirm.errors.append(_("Centang untuk memastikan pembatalan."))
    if form.due_on.errors or form.confirm.errors:
        return _assignment_page(course, form, failed, 422)
    scope = scope_of(db.session, current_user)
    ids = [p.id for p in people]
    if form.action.data == "tenggat":
        result = change_due_date(db.session, course, ids, form.due_on.data, current_user, scope)
        audit("assignment.changed", target_type="course", target_id=course.slug,
              details={"employees": result.changed, "due_on": form.due_on.data.isoformat(),
                       "nips": [p.nip for p in people][:50]})
        message = _("Tenggat %(num)s pegawai diubah menjadi %(due)s.", num=result.changed,
                    due=_day(form.due_on.data))
    else:
        result = cancel_assignments(db.session, course, ids, current_user, scope)
        audit("assignment.removed", target_type="course", target_id=course.slug,
              details={"employees": result.changed, "nips": [p.nip for p in people][:50]})
        message = _("Penugasan %(num)s pegawai dibatalkan.", num=result.changed)
    db.session.commit()
    flash(message, "success")
    if result.skipped:
        flash(_("%(num)s penugasan tidak diubah: sudah bertenggat itu, atau ditetapkan oleh "
                "atasan Anda atau admin.", num=result.skipped), "error")
    return redirect(url_for("manager.assignment", slug=course.slug))
