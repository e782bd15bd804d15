"""The employee CSV import on the web: the same checks and all-or-nothing rule as
``lms import-employees``, with a dry run; a file it cannot read is refused in one line."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.admin import bp
from lms.admin.forms import EmployeeImportForm
from lms.audit.web import audit
from lms.auth.policy import require_role
from lms.extensions import db
from lms.org.employees import EmployeeImportError, import_employees_file


@bp.get("/pegawai/impor")
@require_role("admin")
def employee_import_form():
    """The upload form, with what the file may look like."""
    return render_template("admin/employee_import.html", form=EmployeeImportForm(), problems=[])


@bp.post("/pegawai/impor")
@require_role("admin")
def employee_import():
    """Check, and unless it is a dry run import, an employee CSV; each bad line is listed
    and nothing changes when any is bad."""
    form = EmployeeImportForm()
    if not form.validate_on_submit():
        return render_template("admin/employee_import.html", form=form, problems=[]), 422
    upload = form.file.data
    try:
        summary = import_employees_file(db.session, upload.read(), via="web")
    except EmployeeImportError as exc:
        db.session.rollback()
        return render_template("admin/employee_import.html", form=form,
                               problems=exc.lines(_)), 422
    if form.dry_run.data:
        db.session.rollback()
        flash(_("Pemeriksaan lolos: %(summary)s. Belum ada yang disimpan.",
                summary=summary.translated(_)))
        return redirect(url_for("admin.employee_import_form"))
    audit("employees.imported", target_type="file", target_id=(upload.filename or "")[:100],
          details={"summary": str(summary), "via": "web"})
    db.session.commit()
    flash(_("Impor selesai: %(summary)s.", summary=summary.translated(_)))
    return redirect(url_for("admin.employees"))
