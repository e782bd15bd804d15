"""Admin pages for units (unit kerja): the tree, create, edit, delete when empty."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.admin import bp
from lms.admin.forms import DeleteForm, UnitForm, attach_errors
from lms.admin.saving import save_form
from lms.admin.services import (AdminError, UnitData, create_unit, delete_unit, list_unit_tree,
                                update_unit)
from lms.auth.policy import require_role
from lms.extensions import db
from lms.org.models import Unit


def _unit_form(rows, **kwargs) -> UnitForm:
    form = UnitForm(**kwargs)
    form.fill_choices(rows)
    return form


def _data(form: UnitForm, code: str = "") -> UnitData:
    return UnitData(code=code or form.code.data or "", name=form.name.data or "",
                    parent_id=form.parent.data, head_nip=form.head_nip.data or "")


def _unit_or_404(unit_id: int) -> Unit:
    return db.session.get(Unit, unit_id) or abort(404)


@bp.get("/unit")
@require_role("admin")
def units():
    """Every unit as an indented tree, with its head and number of employees."""
    return render_template("admin/units.html", rows=list_unit_tree(db.session),
                           delete_form=DeleteForm())


@bp.get("/unit/baru")
@require_role("admin")
def unit_new():
    """The form for a new unit."""
    return render_template("admin/unit_form.html", unit=None,
                           form=_unit_form(list_unit_tree(db.session)))


@bp.post("/unit/baru")
@require_role("admin")
def unit_create():
    """Create a unit."""
    rows = list_unit_tree(db.session)
    form = _unit_form(rows)
    if form.validate_on_submit():
        saved, unit = save_form(form, lambda: create_unit(db.session, _data(form)))
        if saved:
            flash(_("Unit %(name)s ditambahkan.", name=unit.name))
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", unit=None, form=form), 422


@bp.get("/unit/<int:unit_id>")
@require_role("admin")
def unit_edit(unit_id: int):
    """The form to change a unit's name, parent and head."""
    unit = _unit_or_404(unit_id)
    form = _unit_form(list_unit_tree(db.session), data={
        "code": unit.code, "name": unit.name, "parent": unit.parent_id,
        "head_nip": unit.head.nip if unit.head else ""})
    return render_template("admin/unit_form.html", unit=unit, form=form)


@bp.post("/unit/<int:unit_id>")
@require_role("admin")
def unit_update(unit_id: int):
    """Save a unit; a parent below the unit itself is refused (it would make a cycle)."""
    unit = _unit_or_404(unit_id)
    form = _unit_form(list_unit_tree(db.session))
    form.code.data = unit.code  # the code is fixed: employees and files refer to it
    if form.validate_on_submit():
        saved, _result = save_form(
            form, lambda: update_unit(db.session, unit, _data(form, unit.code)))
        if saved:
            flash(_("Unit %(name)s disimpan.", name=unit.name))
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", unit=unit, form=form), 422


@bp.post("/unit/<int:unit_id>/hapus")
@require_role("admin")
def unit_delete(unit_id: int):
    """Delete a unit that has no employees and no sub-units."""
    unit = _unit_or_404(unit_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    name = unit.name
    try:
        delete_unit(db.session, unit)
    except AdminError as exc:
        db.session.rollback()
        for message in attach_errors(DeleteForm(), exc.problems):
            flash(message, "error")
    else:
        db.session.commit()
        flash(_("Unit %(name)s dihapus.", name=name))
    return redirect(url_for("admin.units"))
