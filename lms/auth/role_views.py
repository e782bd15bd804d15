"""The signed-in user's roles: what each role gives and where it leads."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from lms.auth import bp
from lms.auth.models import ROLES
from lms.auth.roles import ROLE_GIVES, ROLE_LABELS

# The pages each role opens (endpoint, label), named as in the navigation.
ROLE_PAGES = {
    "learner": [("learning.dashboard", _l("Kursus Saya")), ("courses.catalog", _l("Katalog")),
                ("competency.profile", _l("Profil Kompetensi"))],
    "trainer": [("authoring.index", _l("Pengajar"))],
    "manager": [("manager.dashboard", _l("Atasan")), ("manager.queue", _l("Perlu tindakan"))],
    "admin": [("admin.index", _l("Admin")), ("audit.events", _l("Jejak audit"))],
}


@bp.get("/peran")
@login_required
def roles():
    """Every role: whether the user holds it, what it gives and the pages it opens."""
    return render_template("auth/roles.html", roles=ROLES, labels=ROLE_LABELS,
                           gives=ROLE_GIVES, pages=ROLE_PAGES)
