"""Aspiration routes: employees propose and support training needs (``/usulan``); managers
list, answer and export those of their subtree (``/atasan/usulan``)."""

from __future__ import annotations

import re

from flask import (abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms.audit.web import audit
from lms.auth.policy import can_see_unit, require_role
from lms.competency.external import list_competencies
from lms.courses.services import list_published
from lms.extensions import db
from lms.org.models import Unit
from lms.org.services import get_unit, scope_units
from lms.planning import bp
from lms.planning.aspirations import (EXPORT_HEADER, AspirationInput, AspirationInvalid,
                                      SupportRefused, answer, can_answer, can_see,
                                      get_aspiration, iter_aspiration_rows, list_aspirations,
                                      propose, support, withdraw, withdraw_support)
from lms.planning.forms import (ASPIRATION_STATUS_LABELS, AnswerForm, AspirationForm,
                                competency_choices)
from lms.planning.models import ASPIRATION_STATES
from lms.reports.exports import export_response

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_REFUSED = {
    "own": lambda: _("Usulan Anda sendiri tidak perlu didukung."),
    "twice": lambda: _("Anda sudah mendukung usulan ini."),
    "closed": lambda: _("Usulan ini sudah dijawab atasan; dukungan ditutup."),
}


def own_root() -> int | None:
    """The unit whose subtree the user sees: their own; None (all) for an admin."""
    return None if "admin" in current_user.roles else current_user.unit_id


def _visible(aspiration_id: int):
    """The aspiration when the caller may see it, else 404."""
    aspiration = get_aspiration(db.session, aspiration_id)
    if aspiration is None or not can_see(db.session, current_user, aspiration):
        abort(404)
    return aspiration


def _learner_page(form: AspirationForm, status: int = 200):
    rows = list_aspirations(db.session, own_root(), current_user)
    return render_template("planning/aspirations.html", rows=rows, form=form,
                           labels=ASPIRATION_STATUS_LABELS), status


@bp.get("/usulan")
@login_required
def aspirations():
    """The training needs proposed in the user's unit and below, most supported first, and
    the form to propose one."""
    form = AspirationForm()
    form.competency_code.choices = competency_choices(list_competencies(db.session))
    return _learner_page(form)


@bp.post("/usulan")
@login_required
def propose_aspiration():
    """Propose a training need; the form comes back with the errors when it is wrong."""
    form = AspirationForm()
    form.competency_code.choices = competency_choices(list_competencies(db.session))
    # A number that did not parse still lets the service report every other problem.
    parsed = form.validate()
    try:
        propose(db.session, current_user, AspirationInput(
            form.topic.data or "", form.competency_code.data or "", form.reason.data or "",
            form.colleagues.data if parsed else None))
    except AspirationInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
    else:
        db.session.commit()
        flash(_("Usulan Anda tercatat. Rekan di unit Anda dapat mendukungnya."), "success")
        return redirect(url_for("planning.aspirations"))
    return _learner_page(form, 422)


@bp.post("/usulan/<int:aspiration_id>/dukung")
@login_required
def support_aspiration(aspiration_id: int):
    """Add the user's +1 to a colleague's need (once)."""
    aspiration = _visible(aspiration_id)
    try:
        support(db.session, aspiration, current_user)
    except SupportRefused as exc:
        db.session.rollback()
        flash(_REFUSED[exc.reason](), "error")
    else:
        db.session.commit()
        flash(_("Dukungan Anda tercatat."), "success")
    return redirect(url_for("planning.aspirations") + f"#usulan-{aspiration.id}")


@bp.post("/usulan/<int:aspiration_id>/batal-dukung")
@login_required
def unsupport_aspiration(aspiration_id: int):
    """Take back the user's +1 while the need is unanswered."""
    aspiration = _visible(aspiration_id)
    if withdraw_support(db.session, aspiration, current_user):
        db.session.commit()
        flash(_("Dukungan Anda ditarik."), "success")
    return redirect(url_for("planning.aspirations") + f"#usulan-{aspiration.id}")


@bp.post("/usulan/<int:aspiration_id>/tarik")
@login_required
def withdraw_aspiration(aspiration_id: int):
    """Delete the user's own unanswered aspiration (others: 403)."""
    aspiration = _visible(aspiration_id)
    if aspiration.user_id != current_user.id:
        abort(403)
    if withdraw(db.session, aspiration, current_user):
        db.session.commit()
        flash(_("Usulan ditarik."), "success")
    else:
        flash(_("Usulan yang sudah dijawab tidak dapat ditarik."), "error")
    return redirect(url_for("planning.aspirations"))


def scope_root() -> tuple[int | None, str]:
    """``?unit=`` when in the caller's scope (404 otherwise), else the caller's own scope."""
    code = request.args.get("unit", "").strip()
    if not code:
        return own_root(), ""
    unit = get_unit(db.session, code)
    if unit is None or not can_see_unit(db.session, current_user, unit.id):
        abort(404)
    return unit.id, unit.code


def scope_unit_list() -> list[Unit]:
    """The units the caller may filter by: their subtree (admins: all)."""
    query = select(Unit).order_by(Unit.code)
    scope = scope_units(own_root())
    if scope is not None:
        query = query.join(scope, scope.c.id == Unit.id)
    return list(db.session.scalars(query))


@bp.get("/atasan/usulan")
@require_role("manager")
def manager_aspirations():
    """The aspirations of the manager's subtree (admins: all), most supported first."""
    root, code = scope_root()
    status = request.args.get("status", "")
    status = status if status in ASPIRATION_STATES else ""
    return render_template(
        "planning/manager_aspirations.html", unit_code=code, status=status,
        rows=list_aspirations(db.session, root, current_user, status or None),
        labels=ASPIRATION_STATUS_LABELS, units=scope_unit_list())


def _answer_form(aspiration) -> AnswerForm:
    form = AnswerForm()
    form.course_id.choices = [SelectChoice("", _("— pilih kursus —"))] + [
        SelectChoice(str(v.course_id), f"{v.title} ({v.jp} JP)")
        for v in list_published(db.session)]
    if request.method == "GET":
        form.status.data = aspiration.status if aspiration.status != "open" else "planned"
        form.course_id.data = str(aspiration.answer_course_id or "")
        form.note.data = aspiration.answer_note or ""
    return form


@bp.route("/atasan/usulan/<int:aspiration_id>/jawab", methods=["GET", "POST"])
@require_role("manager")
def answer_aspiration(aspiration_id: int):
    """Answer an aspiration of the subtree: planned, covered by a course, or not now."""
    aspiration = _visible(aspiration_id)
    if not can_answer(db.session, current_user, aspiration):
        abort(403)
    form = _answer_form(aspiration)
    status = 200
    if form.validate_on_submit():
        course = form.course_id.data or ""
        try:
            answer(db.session, aspiration, current_user, form.status.data or "",
                   int(course) if course.isdigit() else None, form.note.data,
                   request.remote_addr)
        except AspirationInvalid as exc:
            db.session.rollback()
            form.add_errors(exc.errors)
        else:
            db.session.commit()
            flash(_("Jawaban dikirim kepada pengusul."), "success")
            return redirect(url_for("planning.manager_aspirations"))
    if form.is_submitted():
        status = 422
    return render_template("planning/answer.html", aspiration=aspiration, form=form,
                           labels=ASPIRATION_STATUS_LABELS), status


@bp.get("/atasan/usulan/ekspor.<fmt>")
@require_role("manager")
def export_aspirations(fmt: str):
    """The subtree's aspirations as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    root, code = scope_root()
    scope = _SAFE_FILENAME.sub("-", code or ("instansi" if root is None
                                             else current_user.unit.code))
    filename = f"usulan-{scope}.{fmt}"
    audit("export.personal_data", target_type="unit", target_id=scope,
          details={"file": filename})
    db.session.commit()
    return export_response(fmt, EXPORT_HEADER, iter_aspiration_rows(db.session, root),
                           filename, sheet="usulan")
