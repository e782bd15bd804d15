"""Validating and rejecting what employees submit: one item, a rejection with its reason and
a confirmation, or many items at once from the work queue."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.auth.models import User
from lms.auth.policy import can_manage_employee, require_role
from lms.competency.external import (ExternalTrainingInvalid, get_external_training,
                                     review_external_training)
from lms.competency.services import (EvidenceAlreadyReviewed, ReasonRequired, get_evidence,
                                     review_evidence)
from lms.extensions import db
from lms.manager import bp
from lms.manager.forms import BulkValidateForm, RejectForm, ReviewEvidenceForm
from lms.manager.scope import employee_to_review

MAX_BULK = 500  # items one bulk validation may carry


def _back(person: User, anchor: str | None = None) -> str:
    """Where to go after a review: the queue when the review started there (``?dari=
    tindakan``), else the employee's page."""
    if request.values.get("dari") == "tindakan":
        return url_for("manager.queue")
    return url_for("manager.employee", nip=person.nip, _anchor=anchor)


@bp.post("/bukti/<int:evidence_id>")
@require_role("manager")
def review(evidence_id: int):
    """Validate a piece of evidence of an employee in scope (never one's own); "tolak"
    leads to the page that asks for the reason."""
    evidence = get_evidence(db.session, evidence_id) or abort(404)
    person = employee_to_review(evidence.user_id)
    form = ReviewEvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    if form.decision.data == "tolak":
        return redirect(url_for("manager.reject_evidence", evidence_id=evidence.id))
    try:
        review_evidence(db.session, evidence, current_user, accept=True,
                        remote=request.remote_addr)
    except EvidenceAlreadyReviewed:
        flash(_("Bukti ini sudah ditinjau sebelumnya."), "error")
    else:
        db.session.commit()
        flash(_("Bukti divalidasi."))
    return redirect(_back(person))


def _reject(item, person: User, reviewer_call, what: str, anchor: str | None):
    """The reject page of ``item`` and its POST: a reason and a confirmation, or the page
    again with the errors next to the fields and the reason kept."""
    form = RejectForm()
    if form.validate_on_submit():
        try:
            reviewer_call(form.reason.data)
        except EvidenceAlreadyReviewed:
            db.session.rollback()
            flash(_("Item ini sudah ditinjau sebelumnya."), "error")
        except ReasonRequired:  # only whitespace: the form's check let it through
            db.session.rollback()
            form.reason.errors = [_("Tuliskan alasannya: pegawai akan membacanya.")]
            return render_template("manager/reject.html", form=form, item=item, person=person,
                                   what=what), 422
        else:
            db.session.commit()
            flash(_("Ditolak; %(name)s akan membaca alasannya.", name=person.name), "success")
        return redirect(_back(person, anchor))
    status = 422 if form.is_submitted() else 200
    return render_template("manager/reject.html", form=form, item=item, person=person,
                           what=what), status


@bp.route("/bukti/<int:evidence_id>/tolak", methods=["GET", "POST"])
@require_role("manager")
def reject_evidence(evidence_id: int):
    """Reject a piece of evidence with a reason, after a confirmation."""
    evidence = get_evidence(db.session, evidence_id) or abort(404)
    person = employee_to_review(evidence.user_id)
    if evidence.status != "pending" or evidence.external_training_id:
        flash(_("Item ini sudah ditinjau sebelumnya."), "error")
        return redirect(_back(person))
    return _reject(evidence, person, lambda reason: review_evidence(
        db.session, evidence, current_user, accept=False, reason=reason,
        remote=request.remote_addr), "evidence", None)


@bp.route("/pelatihan-luar/<int:training_id>/tolak", methods=["GET", "POST"])
@require_role("manager")
def reject_external(training_id: int):
    """Reject an outside training with a reason, after a confirmation."""
    training = get_external_training(db.session, training_id) or abort(404)
    person = employee_to_review(training.user_id)
    if training.status != "pending":
        flash(_("Item ini sudah ditinjau sebelumnya."), "error")
        return redirect(_back(person, "pelatihan-luar"))
    return _reject(training, person, lambda reason: review_external_training(
        db.session, training, current_user, accept=False, reason=reason,
        remote=request.remote_addr),
        "outside_training", "pelatihan-luar")


def _load(kind: str, item_id: int):
    """The evidence or outside training of a queue checkbox, or None."""
    if kind == "evidence":
        return get_evidence(db.session, item_id)
    return get_external_training(db.session, item_id) if kind == "outside_training" else None


@bp.post("/tindakan/validasi")
@require_role("manager")
def validate_many():
    """Validate every checked queue item the caller may review; items out of scope, one's
    own, or already reviewed are left as they are and counted as skipped."""
    form = BulkValidateForm()
    if not form.validate_on_submit():
        abort(400)
    values = request.form.getlist("item")[:MAX_BULK]
    done = skipped = 0
    for value in dict.fromkeys(values):
        kind, _sep, raw_id = value.partition(":")
        item = _load(kind, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 12 else None
        person = db.session.get(User, item.user_id) if item is not None else None
        if person is None or not can_manage_employee(db.session, current_user, person):
            skipped += 1
            continue
        try:
            with db.session.begin_nested():
                if kind == "evidence":
                    review_evidence(db.session, item, current_user, accept=True,
                                    remote=request.remote_addr)
                else:
                    review_external_training(db.session, item, current_user, accept=True,
                                             remote=request.remote_addr)
        except (EvidenceAlreadyReviewed, ExternalTrainingInvalid):
            skipped += 1
        else:
            done += 1
    db.session.commit()
    if not values:
        flash(_("Pilih dulu item yang akan divalidasi."), "error")
    else:
        flash(ngettext("%(num)s item divalidasi.", "%(num)s item divalidasi.", done)
              + (" " + ngettext("%(num)s item dilewati (di luar lingkup atau sudah ditinjau).",
                                "%(num)s item dilewati (di luar lingkup atau sudah ditinjau).",
                                skipped) if skipped else ""),
              "success" if done else "error")
    return redirect(url_for("manager.queue"))
