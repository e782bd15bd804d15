"""Manager routes for training done outside Kelas ASN: review it; admins may record it."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from lms.auth.policy import require_role
from lms.competency.external import (ExternalTrainingInvalid, get_external_training,
                                     review_external_training)
from lms.competency.forms import ExternalTrainingForm
from lms.competency.services import EvidenceAlreadyReviewed
from lms.competency.views import record_for, render_external_form
from lms.extensions import db
from lms.manager import bp
from lms.manager.forms import ReviewEvidenceForm
from lms.manager.scope import employee_in_scope, employee_to_review


@bp.post("/pelatihan-luar/<int:training_id>")
@require_role("manager")
def review_external(training_id: int):
    """Validate an outside training of an employee in scope, never one's own (its JP then
    counts); "tolak" leads to the page that asks for the reason."""
    training = get_external_training(db.session, training_id) or abort(404)
    person = employee_to_review(training.user_id)
    form = ReviewEvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    if form.decision.data == "tolak":  # a rejection needs a reason and a confirmation
        return redirect(url_for("manager.reject_external", training_id=training.id))
    try:
        review_external_training(db.session, training, current_user, accept=True,
                                 remote=request.remote_addr)
    except EvidenceAlreadyReviewed:
        flash(_("Pelatihan ini sudah ditinjau sebelumnya."), "error")
    except ExternalTrainingInvalid as exc:
        db.session.rollback()
        flash(_("Tidak dapat divalidasi: %(reason)s", reason=exc.errors["certificate_number"]),
              "error")
    else:
        db.session.commit()
        flash(_("Pelatihan divalidasi; JP-nya kini terhitung."), "success")
    return redirect(url_for("manager.employee", nip=person.nip, _anchor="pelatihan-luar"))


@bp.route("/pegawai/<nip>/pelatihan-luar/baru", methods=["GET", "POST"])
@require_role("admin")
def record_external(nip: str):
    """An admin records an outside training on behalf of any employee."""
    person = employee_in_scope(nip)  # an admin's scope is everyone
    form = ExternalTrainingForm()
    back = url_for("manager.employee", nip=person.nip)
    if record_for(person, form):
        flash(_("Pelatihan dicatat untuk %(name)s dan menunggu validasi.", name=person.name),
              "success")
        return redirect(back)
    return render_external_form(form, person, back)
