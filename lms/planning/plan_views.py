"""Development plan routes: the employee's own plan (``/rencana``), a manager's view of an
employee's plan (``/atasan/pegawai/<nip>/rencana``), and the changes to a plan
(``/rencana/<id>/...``): items, submitting, approving or returning, reopening."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth.models import User
from lms.auth.policy import can_manage_employee, can_see_employee, require_role
from lms.competency.external import list_competencies
from lms.competency.services import get_jp, jp_target
from lms.courses.services import list_published
from lms.extensions import db
from lms.manager.scope import employee_in_scope
from lms.planning import bp
from lms.planning.forms import (PLAN_STATUS_LABELS, PlanItemForm, ReturnPlanForm,
                                SuggestionsForm, competency_choices, plan_kind_labels)
from lms.planning.models import DevelopmentPlan
from lms.planning.plans import (ItemInput, PlanInvalid, PlanStateError, add_items,
                                check_item, create_plan, decide_plan, find_plan, get_plan, get_progress,
                                remove_item, reopen_plan, submit_plan)
from lms.planning.suggestions import suggest_items
from lms.timeutil import local_date, utcnow


def _today() -> date:
    return local_date(utcnow())


def plan_year() -> int:
    """``?tahun=``: from 2000 to next year; this year otherwise."""
    this_year = _today().year
    year = request.args.get("tahun", this_year, type=int)
    return year if 2000 <= year <= this_year + 1 else this_year


def _plan_url(plan: DevelopmentPlan) -> str:
    """The plan's page as the caller sees it: their own, or a managed employee's."""
    if plan.user_id == current_user.id:
        return url_for("planning.my_plan", tahun=plan.year)
    return url_for("planning.employee_plan", nip=plan.user.nip, tahun=plan.year)


def _visible_plan(plan_id: int) -> DevelopmentPlan:
    """The plan when the caller may see it (their own, or in their scope), else 404."""
    plan = get_plan(db.session, plan_id)
    if plan is None or not can_see_employee(db.session, current_user, plan.user):
        abort(404)
    return find_plan(db.session, plan.user, plan.year)


def _may_edit(plan: DevelopmentPlan) -> bool:
    """The employee edits a draft or returned plan; a manager in scope any plan not approved."""
    if plan.user_id == current_user.id:
        return plan.status in ("draft", "returned")
    return plan.editable and can_manage_employee(db.session, current_user, plan.user)


def _item_form() -> PlanItemForm:
    form = PlanItemForm()
    form.competency_code.choices = competency_choices(list_competencies(db.session))
    form.kind.choices = [SelectChoice(k, v) for k, v in plan_kind_labels().items()]
    form.course_id.choices = [SelectChoice("", _("— tidak ada —"))] + [
        SelectChoice(str(v.course_id), f"{v.title} ({v.jp} JP)")
        for v in list_published(db.session)]
    return form


def _default_target(year: int) -> date:
    """A target three months ahead within the plan's year (its last day at the latest)."""
    today = _today()
    if year != today.year:
        return date(year, 12, 31) if year < today.year else date(year, 6, 30)
    return min(date(year, 12, 31), date.fromordinal(today.toordinal() + 90))


def _render(employee: User, year: int, plan: DevelopmentPlan | None, *, status: int = 200,
            item_form: PlanItemForm | None = None,
            suggestions_form: SuggestionsForm | None = None,
            return_form: ReturnPlanForm | None = None):
    """The plan page (or, without a plan, the page that offers to start one)."""
    target = jp_target(employee, current_app.config)
    own = employee.id == current_user.id
    manages = can_manage_employee(db.session, current_user, employee)
    context = dict(employee=employee, year=year, plan=plan, own=own, manages=manages,
                   this_year=_today().year, labels=PLAN_STATUS_LABELS,
                   kinds=plan_kind_labels(), jp=get_jp(db.session, employee, year, target))
    if plan is not None:
        editable = _may_edit(plan)
        suggestions_form = suggestions_form or SuggestionsForm()
        if suggestions_form.target_on.data is None:
            suggestions_form.target_on.data = _default_target(year)
        item_form = item_form or _item_form()
        if item_form.target_on.data is None:
            item_form.target_on.data = _default_target(year)
        context.update(
            progress=get_progress(db.session, plan), editable=editable,
            suggestions=suggest_items(db.session, employee, plan) if editable else [],
            suggestions_form=suggestions_form, item_form=item_form,
            return_form=return_form or ReturnPlanForm())
    return render_template("planning/plan.html", **context), status


@bp.get("/rencana")
@login_required
def my_plan():
    """The signed-in employee's development plan of the year."""
    year = plan_year()
    return _render(current_user, year, find_plan(db.session, current_user, year))


def _start(employee: User, year: int):
    if not _today().year <= year <= _today().year + 1:
        flash(_("Rencana dibuat untuk tahun ini atau tahun depan."), "error")
    else:
        create_plan(db.session, employee, current_user, year)
        db.session.commit()


@bp.post("/rencana")
@login_required
def start_my_plan():
    """Start the employee's own draft plan for the year."""
    year = plan_year()
    _start(current_user, year)
    return redirect(url_for("planning.my_plan", tahun=year))


@bp.get("/atasan/pegawai/<nip>/rencana")
@require_role("manager")
def employee_plan(nip: str):
    """An employee's plan of the year, for a manager of their unit subtree (404 outside)."""
    employee = employee_in_scope(nip)
    year = plan_year()
    if employee.id == current_user.id:
        return redirect(url_for("planning.my_plan", tahun=year))
    return _render(employee, year, find_plan(db.session, employee, year))


@bp.post("/atasan/pegawai/<nip>/rencana")
@require_role("manager")
def start_employee_plan(nip: str):
    """Start a draft plan for an employee of the subtree (not oneself: 403)."""
    employee = employee_in_scope(nip)
    if not can_manage_employee(db.session, current_user, employee):
        abort(403)
    year = plan_year()
    _start(employee, year)
    return redirect(url_for("planning.employee_plan", nip=employee.nip, tahun=year))


def _editable_plan(plan_id: int) -> DevelopmentPlan:
    plan = _visible_plan(plan_id)
    if not _may_edit(plan):
        abort(403)
    return plan


@bp.post("/rencana/<int:plan_id>/kegiatan")
@login_required
def add_item(plan_id: int):
    """Add one activity typed by hand; the page comes back with the errors when wrong."""
    plan = _editable_plan(plan_id)
    form = _item_form()
    parsed = form.validate()
    course = form.course_id.data or ""
    data = ItemInput(form.competency_code.data or "", form.kind.data or "",
                     int(course) if course.isdigit() and len(course) < 12 else None,
                     form.title.data or "", form.target_on.data, form.jp.data)
    try:
        check_item(db.session, plan, data)  # every problem, also when a field did not parse
        if parsed:
            add_items(db.session, plan, [data])
    except PlanInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        parsed = False
    if not parsed:
        plan = find_plan(db.session, plan.user, plan.year)
        return _render(plan.user, plan.year, plan, status=422, item_form=form)
    db.session.commit()
    flash(_("Kegiatan ditambahkan."), "success")
    return redirect(_plan_url(plan) + "#kegiatan")


@bp.post("/rencana/<int:plan_id>/saran")
@login_required
def add_suggestions(plan_id: int):
    """Add the suggestions ticked, each with the target date chosen."""
    plan = _editable_plan(plan_id)
    form = SuggestionsForm()
    form.validate()
    picked = set(request.form.getlist("pilih"))
    chosen = [s for s in suggest_items(db.session, plan.user, plan) if s.key in picked]
    if not chosen:
        form.target_on.errors = [_("Pilih dulu saran yang akan ditambahkan.")]
        return _render(plan.user, plan.year, plan, status=422, suggestions_form=form)
    try:
        added = add_items(db.session, plan, [s.to_input(form.target_on.data) for s in chosen])
    except PlanInvalid as exc:
        db.session.rollback()
        message = exc.errors.get("target_on") or next(iter(exc.errors.values()))
        if not form.target_on.errors:
            form.target_on.errors = [str(message)]
        plan = find_plan(db.session, plan.user, plan.year)
        return _render(plan.user, plan.year, plan, status=422, suggestions_form=form)
    db.session.commit()
    flash(_("%(n)s kegiatan ditambahkan dari saran.", n=added), "success")
    return redirect(_plan_url(plan) + "#kegiatan")


@bp.post("/rencana/<int:plan_id>/kegiatan/<int:item_id>/hapus")
@login_required
def remove_plan_item(plan_id: int, item_id: int):
    """Remove an activity from an editable plan."""
    plan = _editable_plan(plan_id)
    if not remove_item(db.session, plan, item_id):
        abort(404)
    db.session.commit()
    flash(_("Kegiatan dihapus."), "success")
    return redirect(_plan_url(plan) + "#kegiatan")


@bp.post("/rencana/<int:plan_id>/ajukan")
@login_required
def submit(plan_id: int):
    """The employee sends their plan to the managers' work queue."""
    plan = _visible_plan(plan_id)
    if plan.user_id != current_user.id:
        abort(403)
    try:
        submit_plan(db.session, plan)
    except (PlanInvalid, PlanStateError):
        db.session.rollback()
        flash(_("Rencana ini tidak dapat diajukan: tambahkan kegiatan, atau rencana sudah "
                "diajukan."), "error")
    else:
        db.session.commit()
        flash(_("Rencana diajukan kepada atasan."), "success")
    return redirect(_plan_url(plan))


def _managed_plan(plan_id: int) -> DevelopmentPlan:
    plan = _visible_plan(plan_id)
    if not can_manage_employee(db.session, current_user, plan.user):
        abort(403)
    return plan


@bp.post("/rencana/<int:plan_id>/setujui")
@login_required
def approve(plan_id: int):
    """A manager in scope approves the plan (a draft they wrote, or a submitted one)."""
    plan = _managed_plan(plan_id)
    try:
        decide_plan(db.session, plan, current_user, approve=True, remote=request.remote_addr)
    except (PlanInvalid, PlanStateError):
        db.session.rollback()
        flash(_("Rencana ini tidak dapat disetujui: tambahkan kegiatan, atau rencana sudah "
                "disetujui."), "error")
    else:
        db.session.commit()
        flash(_("Rencana disetujui."), "success")
    return redirect(_plan_url(plan))


@bp.post("/rencana/<int:plan_id>/kembalikan")
@login_required
def return_plan(plan_id: int):
    """A manager in scope returns a submitted plan with a comment (required)."""
    plan = _managed_plan(plan_id)
    form = ReturnPlanForm()
    try:
        decide_plan(db.session, plan, current_user, approve=False, comment=form.comment.data,
                    remote=request.remote_addr)
    except PlanInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        plan = find_plan(db.session, plan.user, plan.year)
        return _render(plan.user, plan.year, plan, status=422, return_form=form)
    except PlanStateError:
        db.session.rollback()
        flash(_("Hanya rencana yang diajukan yang dapat dikembalikan."), "error")
    else:
        db.session.commit()
        flash(_("Rencana dikembalikan kepada pegawai dengan catatan Anda."), "success")
    return redirect(_plan_url(plan))


@bp.post("/rencana/<int:plan_id>/buka")
@login_required
def reopen(plan_id: int):
    """A manager in scope turns an approved plan back into a draft to change it."""
    plan = _managed_plan(plan_id)
    try:
        reopen_plan(db.session, plan)
    except PlanStateError:
        db.session.rollback()
    else:
        db.session.commit()
        flash(_("Rencana dibuka kembali sebagai draf; setujui lagi setelah diubah."),
              "success")
    return redirect(_plan_url(plan))
