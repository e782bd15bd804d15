"""Manager routes over many plans: the plans of the subtree employee by employee
(``/atasan/rencana``) and the compiled agency plan (``/atasan/rencana/rekap``), with its
CSV/XLSX export."""

from __future__ import annotations

import re

from flask import abort, render_template
from flask_login import current_user

from lms.audit.web import audit
from lms.auth.policy import require_role
from lms.extensions import db
from lms.planning import bp
from lms.planning.aspiration_views import scope_root, scope_unit_list
from lms.planning.compile import (COMPILE_HEADER, EMPLOYEES_LIMIT, compile_plans,
                                  iter_compiled_rows, list_employee_plans)
from lms.planning.forms import PLAN_STATUS_LABELS, plan_kind_labels
from lms.planning.plan_views import plan_year
from lms.reports.exports import export_response

_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@bp.get("/atasan/rencana")
@require_role("manager")
def manager_plans():
    """Every employee of the subtree with the state of their plan of the year."""
    root, code = scope_root()
    year = plan_year()
    rows = list_employee_plans(db.session, root, year)
    counts = {status: sum(1 for r in rows if r.status == status) for status in PLAN_STATUS_LABELS}
    return render_template("planning/manager_plans.html", rows=rows, year=year,
                           unit_code=code, units=scope_unit_list(), labels=PLAN_STATUS_LABELS,
                           counts=counts, limit=EMPLOYEES_LIMIT)


@bp.get("/atasan/rencana/rekap")
@require_role("manager")
def compiled_plan():
    """The approved plans of the subtree per competency and activity kind."""
    root, code = scope_root()
    year = plan_year()
    return render_template("planning/compiled.html", rows=compile_plans(db.session, root, year),
                           year=year, unit_code=code, units=scope_unit_list(), kinds=plan_kind_labels())


@bp.get("/atasan/rencana/rekap.<fmt>")
@require_role("manager")
def export_compiled_plan(fmt: str):
    """The compiled plan as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    root, code = scope_root()
    year = plan_year()
    scope = _SAFE_FILENAME.sub("-", code or ("instansi" if root is None
                                             else current_user.unit.code))
    filename = f"rencana-{scope}-{year}.{fmt}"
    audit("export.personal_data", target_type="unit", target_id=scope,
          details={"file": filename})
    db.session.commit()
    return export_response(fmt, COMPILE_HEADER, iter_compiled_rows(db.session, root, year),
                           filename, sheet="rencana")
