"""Admin pages for positions (jabatan): list, create and edit with the competency levels each
requires, all in one form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.admin import bp
from lms.admin.forms import POSITION_TYPE_LABELS, level_field_name, position_form
from lms.audit.web import audit
from lms.auth.models import User
from lms.auth.policy import require_role
from lms.competency.framework import list_framework
from lms.extensions import db
from lms.org.models import Position
from lms.org.services import PositionError, get_position, save_position


def _position_or_404(position_id: int) -> Position:
    return db.session.get(Position, position_id) or abort(404)


@bp.get("/jabatan")
@require_role("admin")
def positions():
    """Every position with its type, required levels and number of holders."""
    rows = db.session.scalars(select(Position).options(selectinload(Position.requirements))
                              .order_by(Position.name, Position.code)).all()
    holders = dict(db.session.execute(
        select(User.position_id, func.count()).where(User.position_id.is_not(None))
        .group_by(User.position_id)).all())
    return render_template("admin/positions.html", positions=rows, holders=holders,
                           type_labels=POSITION_TYPE_LABELS)


def _render(form, competencies, position, status=200):
    fields = [(c, form[level_field_name(c.code)]) for c in competencies]
    return render_template("admin/position_form.html", form=form, fields=fields,
                           position=position), status


@bp.get("/jabatan/baru")
@require_role("admin")
def position_new():
    """The form for a new position."""
    competencies = list_framework(db.session)
    return _render(position_form(competencies), competencies, None)


@bp.get("/jabatan/<int:position_id>")
@require_role("admin")
def position_edit(position_id: int):
    """The form to change a position and its required levels."""
    position = _position_or_404(position_id)
    competencies = list_framework(db.session)
    data = {"code": position.code, "name": position.name, "type": position.type}
    data.update({level_field_name(code): str(level)
                 for code, level in position.required_levels.items()})
    return _render(position_form(competencies, data=data), competencies, position)


@bp.post("/jabatan/baru")
@require_role("admin")
def position_create():
    """Create a position."""
    return _save(None)


@bp.post("/jabatan/<int:position_id>")
@require_role("admin")
def position_update(position_id: int):
    """Save a position and replace its required levels."""
    return _save(_position_or_404(position_id))


def _save(position: Position | None):
    competencies = list_framework(db.session)
    form = position_form(competencies)
    if form.validate_on_submit():
        code = form.code.data
        other = get_position(db.session, code)
        if other is not None and other is not position:
            form.code.errors = [*form.code.errors, _("Kode jabatan %(c)s sudah dipakai.", c=code)]
            return _render(form, competencies, position, 422)
        required = {c.code: int(form[level_field_name(c.code)].data) for c in competencies
                    if form[level_field_name(c.code)].data}
        if position is not None:
            position.code = code  # save_position finds the position by its (new) code
        try:
            saved = save_position(db.session, code, form.name.data, form.type.data, required)
        except PositionError as exc:  # only if the framework changed under the form
            db.session.rollback()
            flash(str(exc), "error")
            return _render(form, competencies, position, 422)
        audit("position.changed", target_type="position", target_id=saved.code,
              details={"created": position is None, "name": saved.name, "type": saved.type,
                       "required_levels": required})
        db.session.commit()
        flash(_("Jabatan %(name)s disimpan.", name=saved.name))
        return redirect(url_for("admin.positions"))
    return _render(form, competencies, position, 422)
