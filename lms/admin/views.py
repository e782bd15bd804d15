"""Routes of the admin blueprint: the index here; employees, units, positions and the
competency framework each in their own module, imported so their routes register."""

from __future__ import annotations

from flask import render_template

from lms.admin import bp
from lms.admin import (employee_import, framework_views, positions, sign_ins,  # noqa: F401
                       units, users)  # (their routes)
from lms.admin.services import get_counts
from lms.auth.policy import require_role
from lms.extensions import db

__all__ = ["bp"]


@bp.get("/")
@require_role("admin")
def index():
    """Links to every admin page with how many of each thing there are."""
    return render_template("admin/index.html", counts=get_counts(db.session))
