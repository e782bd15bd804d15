"""Admin pages for the competency framework: list by group, add, edit with level
descriptions, delete when unused, and the CSV file out and in."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.admin import bp
from lms.admin.forms import (GROUP_LABELS, CompetencyForm, DeleteForm, FrameworkImportForm,
                             attach_errors, problem_text)
from lms.audit.web import audit
from lms.auth.policy import require_role
from lms.competency.framework import (LEVELS, CompetencyData, FrameworkError,
                                      add_competency, delete_competency, export_framework_csv,
                                      get_competency, import_framework_csv, list_framework,
                                      update_competency)
from lms.extensions import db


def _data(form: CompetencyForm, code: str = "") -> CompetencyData:
    return CompetencyData(
        code=code or form.code.data or "", name=form.name.data or "", group=form.group.data,
        description=form.description.data or "",
        levels={n: form[f"level_{n}"].data or "" for n in LEVELS})


def _competency_or_404(code: str):
    return get_competency(db.session, code) or abort(404)


def _attach(form: CompetencyForm, exc: FrameworkError) -> None:
    for message in attach_errors(form, exc.problems):
        flash(message, "error")


@bp.get("/kompetensi")
@require_role("admin")
def framework():
    """The framework by group, with links to edit, and the CSV export and import."""
    competencies = list_framework(db.session)
    groups = [(g, label, [c for c in competencies if c.group == g])
              for g, label in GROUP_LABELS.items()]
    return render_template("admin/framework.html", groups=groups,
                           import_form=FrameworkImportForm(), delete_form=DeleteForm())


@bp.get("/kompetensi/baru")
@require_role("admin")
def competency_new():
    """The form for a new competency."""
    return render_template("admin/competency_form.html", form=CompetencyForm(), competency=None)


@bp.post("/kompetensi/baru")
@require_role("admin")
def competency_create():
    """Add a competency (code like T.02, not used yet)."""
    form = CompetencyForm()
    if form.validate_on_submit():
        try:
            competency = add_competency(db.session, _data(form))
        except FrameworkError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            audit("framework.changed", target_type="competency", target_id=competency.code,
                  details={"change": "added", "name": competency.name})
            db.session.commit()
            flash(_("Kompetensi %(code)s ditambahkan.", code=competency.code))
            return redirect(url_for("admin.framework"))
    return render_template("admin/competency_form.html", form=form, competency=None), 422


@bp.get("/kompetensi/<code>")
@require_role("admin")
def competency_edit(code: str):
    """The form to change a competency and its five level descriptions."""
    competency = _competency_or_404(code)
    levels = competency.level_descriptions
    form = CompetencyForm(data={
        "code": competency.code, "name": competency.name, "group": competency.group,
        "description": competency.description or "",
        **{f"level_{n}": levels.get(n, "") for n in LEVELS}})
    return render_template("admin/competency_form.html", form=form, competency=competency,
                           delete_form=DeleteForm())


@bp.post("/kompetensi/<code>")
@require_role("admin")
def competency_update(code: str):
    """Save a competency (its code stays: courses and positions refer to it)."""
    competency = _competency_or_404(code)
    form = CompetencyForm()
    form.code.data = competency.code
    if form.validate_on_submit():
        try:
            update_competency(db.session, competency, _data(form, competency.code))
        except FrameworkError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            audit("framework.changed", target_type="competency", target_id=competency.code,
                  details={"change": "updated", "name": competency.name})
            db.session.commit()
            flash(_("Kompetensi %(code)s disimpan.", code=competency.code))
            return redirect(url_for("admin.framework"))
    return render_template("admin/competency_form.html", form=form, competency=competency,
                           delete_form=DeleteForm()), 422


@bp.post("/kompetensi/<code>/hapus")
@require_role("admin")
def competency_delete(code: str):
    """Delete a competency nothing refers to; otherwise say what still uses it."""
    competency = _competency_or_404(code)
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        delete_competency(db.session, competency)
    except FrameworkError as exc:
        db.session.rollback()
        for problem in exc.problems:
            flash(problem_text(problem), "error")
        return redirect(url_for("admin.competency_edit", code=code))
    audit("framework.changed", target_type="competency", target_id=code,
          details={"change": "deleted"})
    db.session.commit()
    flash(_("Kompetensi %(code)s dihapus.", code=code))
    return redirect(url_for("admin.framework"))


@bp.get("/kompetensi/ekspor.csv")
@require_role("admin")
def framework_export():
    """The framework as a CSV file (the format the import reads)."""
    buffer = io.StringIO()
    export_framework_csv(db.session, buffer)
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition":
                             'attachment; filename="kerangka-kompetensi.csv"'})


@bp.post("/kompetensi/impor")
@require_role("admin")
def framework_import():
    """Add or update competencies from a CSV file: all or nothing, each bad line listed."""
    form = FrameworkImportForm()
    if not form.validate_on_submit():
        flash(_("Pilih berkas CSV."), "error")
        return redirect(url_for("admin.framework"))
    try:
        text = form.file.data.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("Berkas harus teks CSV dengan pengodean UTF-8."), "error")
        return redirect(url_for("admin.framework"))
    try:
        summary = import_framework_csv(db.session, io.StringIO(text, newline=""))
    except FrameworkError as exc:
        db.session.rollback()
        return render_template("admin/framework_import.html",
                               problems=[problem_text(p) for p in exc.problems]), 422
    if form.dry_run.data:
        db.session.rollback()
        flash(_("Pemeriksaan lolos: %(a)s kompetensi akan ditambahkan, %(u)s diperbarui. "
                "Belum ada yang disimpan.", a=summary.added, u=summary.updated))
    else:
        audit("framework.changed", target_type="framework",
              details={"change": "imported", "added": summary.added, "updated": summary.updated})
        db.session.commit()
        flash(_("%(a)s kompetensi ditambahkan, %(u)s diperbarui.", a=summary.added,
                u=summary.updated))
    return redirect(url_for("admin.framework"))
