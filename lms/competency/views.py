"""The learner's competency profile, JP for the year and outside training."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.models import User
from lms.auth.policy import can_see_employee
from lms.certificates.services import by_ledger_entry, list_for_user
from lms.competency import bp
from lms.competency.external import (ExternalTrainingInvalid, check_external_training,
                                     correct_external_training, get_external_training,
                                     list_competencies, list_external_trainings,
                                     record_external_training, withdraw_external_training)
from lms.competency.forms import KIND_LABELS, ExternalTrainingForm
from lms.competency.models import ExternalTraining
from lms.competency.serving import stored_file_response
from lms.competency.services import (EvidenceAlreadyReviewed, get_jp, get_profile, jp_target,
                                     list_jp_history, list_ledger)
from lms.competency.uploads import CertificateStore
from lms.courses.services import course_titles
from lms.extensions import db
from lms.timeutil import local_date, utcnow


@bp.get("/profil")
@login_required
def profile():
    """Per competency the highest evidenced level and its evidence; JP against the target,
    the JP of past years and the outside trainings recorded."""
    this_year = local_date(utcnow()).year
    year = request.args.get("tahun", this_year, type=int)
    if not 2000 <= year <= this_year + 1:
        year = this_year
    target = jp_target(current_user, current_app.config)
    rows = get_profile(db.session, current_user)
    titles = course_titles(db.session, {e.course_id for row in rows for e in row.evidence
                                        if e.course_id is not None})
    return render_template(
        "competency/profile.html", rows=rows, titles=titles,
        jp=get_jp(db.session, current_user, year, target),
        ledger=list_ledger(db.session, current_user, year), this_year=this_year,
        certificates=by_ledger_entry(list_for_user(db.session, current_user.id)),
        history=list_jp_history(db.session, current_user, this_year, target),
        trainings=list_external_trainings(db.session, current_user), kinds=KIND_LABELS,
    )


def record_for(employee: User, form: ExternalTrainingForm) -> bool:
    """Record the submitted outside training for ``employee`` (shared with the admin's page):
    True and committed when accepted, else False with the errors on the form."""
    form.set_competencies(list_competencies(db.session))
    if not form.is_submitted():
        return False
    parsed = form.validate()
    store = CertificateStore.from_config(current_app.config)
    try:
        if parsed:
            record_external_training(db.session, employee, current_user, form.to_input(),
                                     form.file.data, store=store)
        else:  # a date or number that did not parse: still report every other problem
            check_external_training(db.session, form.to_input(), form.file.data, store=store)
    except ExternalTrainingInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return False
    if not parsed:
        return False
    db.session.commit()
    return True


@bp.route("/profil/pelatihan-luar/baru", methods=["GET", "POST"])
@login_required
def external_new():
    """Record a training done outside Kelas ASN, with its certificate, for validation."""
    form = ExternalTrainingForm()
    if record_for(current_user, form):
        flash(_("Pelatihan dicatat dan menunggu validasi atasan."), "success")
        return redirect(url_for("competency.profile"))
    return render_external_form(form, current_user, url_for("competency.profile"))


def render_external_form(form: ExternalTrainingForm, person: User, back: str,
                         training: ExternalTraining | None = None) -> str:
    """The outside-training form page for ``person`` (shared with the admin's page); with
    ``training``, the page that corrects it and sends it again."""
    store = CertificateStore.from_config(current_app.config)
    return render_template("competency/external_form.html", form=form, person=person,
                           max_mb=store.max_megabytes, max_bytes=store.max_bytes, back=back,
                           training=training)


def _own_training(training_id: int) -> ExternalTraining:
    """The signed-in employee's own outside training (anyone else's does not exist: 404)."""
    training = get_external_training(db.session, training_id)
    if training is None or training.user_id != current_user.id:
        abort(404)
    return training


@bp.route("/profil/pelatihan-luar/<int:training_id>/ubah", methods=["GET", "POST"])
@login_required
def external_edit(training_id: int):
    """Correct a pending or rejected outside training and send it again for validation; a
    new certificate file replaces the old one, which is deleted."""
    training = _own_training(training_id)
    back = url_for("competency.profile", _anchor="pelatihan-luar")
    if training.status == "validated":
        flash(_("Pelatihan yang sudah divalidasi tidak dapat diubah."), "error")
        return redirect(back)
    form = ExternalTrainingForm(obj=None if request.method == "POST" else training)
    form.set_competencies(list_competencies(db.session))
    if not form.is_submitted():
        form.competency_code.data = training.competency_code or ""
        form.level.data = str(training.level) if training.level else ""
        return render_external_form(form, current_user, back, training)
    parsed = form.validate()
    upload = form.file.data if getattr(form.file.data, "filename", "") else None
    store = CertificateStore.from_config(current_app.config)
    try:
        if not parsed:
            check_external_training(db.session, form.to_input(), upload, store=store,
                                    exclude_id=training.id, file_required=False)
            return render_external_form(form, current_user, back, training)
        replaced = correct_external_training(db.session, training, form.to_input(), upload,
                                             store=store)
    except ExternalTrainingInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return render_external_form(form, current_user, back, training)
    except EvidenceAlreadyReviewed:
        db.session.rollback()
        flash(_("Pelatihan yang sudah divalidasi tidak dapat diubah."), "error")
        return redirect(back)
    db.session.commit()
    if replaced:
        store.remove(replaced)
    flash(_("Perbaikan disimpan; pelatihan menunggu validasi atasan lagi."), "success")
    return redirect(back)


@bp.post("/profil/pelatihan-luar/<int:training_id>/tarik")
@login_required
def external_withdraw(training_id: int):
    """Withdraw a pending or rejected outside training: the record and its file go."""
    training = _own_training(training_id)
    try:
        name = withdraw_external_training(db.session, training)
    except EvidenceAlreadyReviewed:
        db.session.rollback()
        flash(_("Pelatihan yang sudah divalidasi tidak dapat ditarik."), "error")
    else:
        db.session.commit()
        CertificateStore.from_config(current_app.config).remove(name)
        flash(_("Pelatihan ditarik kembali."), "success")
    return redirect(url_for("competency.profile", _anchor="pelatihan-luar"))


@bp.get("/profil/pelatihan-luar/<int:training_id>/sertifikat")
@login_required
def certificate(training_id: int):
    """The certificate scan, to the employee, managers whose scope includes them and admins
    (to anyone else it does not exist)."""
    training = get_external_training(db.session, training_id) or abort(404)
    owner = db.session.get(User, training.user_id)
    if owner is None or not can_see_employee(db.session, current_user, owner):
        abort(404)
    # Opened in the browser (a PDF in its viewer, an image as is); ``?unduh=1`` downloads.
    response = stored_file_response(
        CertificateStore.from_config(current_app.config), training.file_name,
        training.file_type, f"sertifikat-{training.id}",
        download=request.args.get("unduh") == "1")
    return response or abort(404)
