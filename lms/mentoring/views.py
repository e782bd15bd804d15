"""Mentoring routes: the signed-in person's programmes (``/mentoring``), a programme's page
with its sessions, logging and confirming sessions, the supervisor's validation, and the
managers' list and new-programme form (``/atasan/mentoring``). Out of scope: 404; in scope
but not one's to do: 403."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.policy import (can_confirm_mentoring_session, can_create_mentoring,
                             can_log_mentoring_session, can_see_mentee, can_see_programme,
                             can_validate_mentee, require_role)
from lms.competency.external import list_competencies
from lms.extensions import db
from lms.mentoring import bp
from lms.mentoring.forms import KIND_LABELS, ProgrammeForm, SessionForm, ValidateForm
from lms.mentoring.models import MentoringMentee, MentoringProgramme
from lms.mentoring.services import (MentoringInvalid, MentoringStateError, ProgrammeInput,
                                    SessionInput, check_programme, check_session,
                                    confirm_session, create_programme, default_period,
                                    get_programme, get_session, jp_of, list_as_mentee,
                                    list_as_mentor, list_in_scope, log_session, split_nips,
                                    today, validate_mentee)
from lms.planning.forms import competency_choices
from lms.planning.services import scope_of


def _jp(minutes: int) -> int:
    config = current_app.config
    return jp_of(minutes, config["JP_MINUTES"], config["MENTORING_MAX_JP"])


def _visible(programme_id: int) -> MentoringProgramme:
    programme = get_programme(db.session, programme_id)
    if programme is None or not can_see_programme(db.session, current_user, programme):
        abort(404)
    return programme


def _mentee(programme: MentoringProgramme, mentee_id: int) -> MentoringMentee:
    """A mentee of the programme the caller may see (else 404)."""
    mentee = next((m for m in programme.mentees if m.id == mentee_id), None)
    if mentee is None or not can_see_mentee(db.session, current_user, mentee):
        abort(404)
    return mentee


def _render(programme: MentoringProgramme, *, status: int = 200,
            session_forms: dict[int, SessionForm] | None = None,
            validate_forms: dict[int, ValidateForm] | None = None):
    """The programme page: the mentees the caller may see, each with their sessions and the
    forms the caller may use."""
    on = today()
    mentees = [m for m in programme.mentees if can_see_mentee(db.session, current_user, m)]
    session_forms = dict(session_forms or {})
    validate_forms = dict(validate_forms or {})
    for m in mentees:
        if m.id not in session_forms:
            form = SessionForm(prefix=f"s{m.id}", formdata=None)
            form.held_on.data = min(on, programme.ends_on)
            session_forms[m.id] = form
        validate_forms.setdefault(m.id, ValidateForm(prefix=f"v{m.id}", formdata=None))
    return render_template(
        "mentoring/programme.html", programme=programme, mentees=mentees, today=on,
        ended=programme.ended(on), kinds=KIND_LABELS, jp=_jp,
        is_mentor=can_log_mentoring_session(current_user, programme),
        validates={m.id: can_validate_mentee(db.session, current_user, m) for m in mentees},
        session_forms=session_forms, validate_forms=validate_forms), status


@bp.get("/mentoring")
@login_required
def index():
    """The programmes the signed-in person mentors or takes part in."""
    return render_template(
        "mentoring/index.html", mentoring=list_as_mentor(db.session, current_user),
        taking=list_as_mentee(db.session, current_user), today=today(), kinds=KIND_LABELS,
        jp=_jp, can_create=can_create_mentoring(current_user))


@bp.get("/mentoring/<int:programme_id>")
@login_required
def programme(programme_id: int):
    """A programme's page (404 for whoever sees none of its mentees)."""
    return _render(_visible(programme_id))


@bp.post("/mentoring/<int:programme_id>/peserta/<int:mentee_id>/sesi")
@login_required
def add_session(programme_id: int, mentee_id: int):
    """The mentor logs a session with a mentee; the page comes back with the errors."""
    programme = _visible(programme_id)
    mentee = _mentee(programme, mentee_id)
    if not can_log_mentoring_session(current_user, programme):
        abort(403)
    form = SessionForm(prefix=f"s{mentee.id}")
    parsed = form.validate()
    data = SessionInput(form.held_on.data, form.minutes.data, form.topic.data or "",
                        form.notes.data or "", form.next_steps.data or "")
    errors = check_session(programme, data, today())
    if errors or not parsed:
        form.add_errors(errors)
        return _render(programme, status=422, session_forms={mentee.id: form})
    try:
        log_session(db.session, mentee, current_user, data)
    except MentoringStateError:
        db.session.rollback()
        flash(_("Bagian peserta ini sudah divalidasi; sesi tidak dapat ditambahkan."), "error")
        return redirect(url_for("mentoring.programme", programme_id=programme.id))
    db.session.commit()
    flash(_("Sesi dicatat; peserta diminta mengonfirmasinya."), "success")
    return redirect(url_for("mentoring.programme", programme_id=programme.id)
                    + f"#peserta-{mentee.id}")


@bp.post("/mentoring/sesi/<int:session_id>/konfirmasi")
@login_required
def confirm(session_id: int):
    """The mentee confirms one of their sessions (someone else's: 403 in scope, else 404)."""
    row = get_session(db.session, session_id)
    if row is None or not can_see_mentee(db.session, current_user, row.mentee):
        abort(404)
    if not can_confirm_mentoring_session(current_user, row.mentee):
        abort(403)
    try:
        confirm_session(db.session, row, current_user)
    except MentoringStateError:
        db.session.rollback()
        flash(_("Program ini sudah divalidasi; sesi tidak dapat diubah."), "error")
    else:
        db.session.commit()
        flash(_("Sesi dikonfirmasi."), "success")
    return redirect(url_for("mentoring.programme", programme_id=row.mentee.programme_id)
                    + f"#peserta-{row.mentee_id}")


@bp.post("/mentoring/<int:programme_id>/peserta/<int:mentee_id>/validasi")
@login_required
def validate(programme_id: int, mentee_id: int):
    """The mentee's supervisor validates their part of an ended programme, once."""
    programme = _visible(programme_id)
    mentee = _mentee(programme, mentee_id)
    if not can_validate_mentee(db.session, current_user, mentee):
        abort(403)
    form = ValidateForm(prefix=f"v{mentee.id}")
    raw = form.level.data or ""
    level = int(raw) if raw.isdigit() and len(raw) == 1 else None
    config = current_app.config
    try:
        entry = validate_mentee(db.session, mentee, current_user, level,
                                jp_minutes=config["JP_MINUTES"],
                                max_jp=config["MENTORING_MAX_JP"], remote=request.remote_addr)
    except MentoringInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return _render(_visible(programme_id), status=422, validate_forms={mentee.id: form})
    except MentoringStateError as exc:
        db.session.rollback()
        flash(_("Program belum selesai; validasi setelah tanggal selesainya.")
              if str(exc) == "running" else _("Bagian peserta ini sudah divalidasi."), "error")
    else:
        db.session.commit()
        flash(_("Divalidasi: %(jp)s JP dan bukti kompetensi level %(level)s dicatat.",
                jp=entry.jp, level=level), "success")
    return redirect(url_for("mentoring.programme", programme_id=programme.id)
                    + f"#peserta-{mentee.id}")


def _programme_form() -> ProgrammeForm:
    form = ProgrammeForm()
    form.competency_code.choices = competency_choices(list_competencies(db.session))
    return form


@bp.get("/atasan/mentoring")
@require_role("manager")
def manager_list():
    """Programmes with a mentee in the manager's subtree (every programme for an admin)."""
    return render_template(
        "mentoring/manager_list.html",
        programmes=list_in_scope(db.session, scope_of(db.session, current_user)),
        today=today(), kinds=KIND_LABELS, jp=_jp)


@bp.get("/atasan/mentoring/baru")
@require_role("manager")
def new_programme():
    """The form pairing a mentor with mentees."""
    form = _programme_form()
    form.starts_on.data, form.ends_on.data = default_period()
    return render_template("mentoring/new.html", form=form)


@bp.post("/atasan/mentoring/baru")
@require_role("manager")
def create():
    """Create a programme; the form comes back with every error, nothing stored."""
    form = _programme_form()
    parsed = form.validate()
    data = ProgrammeInput(form.kind.data or "", form.mentor_nip.data or "",
                          split_nips(form.mentee_nips.data or ""),
                          form.competency_code.data or "", form.goals.data or "",
                          form.starts_on.data, form.ends_on.data)
    scope = scope_of(db.session, current_user)
    try:
        check_programme(db.session, data, current_user, scope)  # every problem at once
        if not parsed:
            raise MentoringInvalid({})
        programme = create_programme(db.session, data, current_user, scope,
                                     remote=request.remote_addr)
    except MentoringInvalid as exc:
        db.session.rollback()
        form.add_errors(exc.errors)
        return render_template("mentoring/new.html", form=form), 422
    db.session.commit()
    flash(_("Program dibuat; mentor dan peserta diberi tahu."), "success")
    return redirect(url_for("mentoring.programme", programme_id=programme.id))
