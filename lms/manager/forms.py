"""Forms of the manager's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional


class ReviewEvidenceForm(FlaskForm):
    """Validate or reject one piece of competency evidence (CSRF-protected); the two submit
    buttons send ``decision``."""

    decision = StringField(validators=[AnyOf(["validasi", "tolak"])])


class AssignCourseForm(FlaskForm):
    """Assign a course with a due date to employees picked from a list or pasted as NIPs,
    and/or to a unit and/or a position (both: the unit's employees in that position). The
    view checks each choice against the manager's scope and puts the error on its field."""

    course = StringField(_l("Kursus"), validators=[
        DataRequired(_l("Pilih kursus.")), Length(max=100)])
    due_on = DateField(_l("Tenggat"), validators=[
        InputRequired(_l("Isi tenggat dengan tanggal yang benar."))])
    # Choices come from the scope; the view checks every NIP itself (validate_choice off).
    employees = SelectMultipleField(_l("Pilih pegawai"), validate_choice=False,
                                    validators=[Optional()])
    nips = TextAreaField(_l("Atau tempel NIP (satu per baris)"),
                         validators=[Optional(), Length(max=50_000)])  # some 2,500 NIPs
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=50)])
    with_subunits = BooleanField(_l("Termasuk sub-unit"))
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=50)])


class ChangeAssignmentForm(FlaskForm):
    """Move the due date of, or cancel, a course's assignment for the employees ticked
    (``nips``) or for everyone in scope due on ``group_due``."""

    action = StringField(validators=[AnyOf(["tenggat", "batal"])])
    group_due = DateField(validators=[Optional()])
    nips = SelectMultipleField(validate_choice=False, validators=[Optional()])
    due_on = DateField(_l("Tenggat baru"), validators=[Optional()])
    confirm = BooleanField(_l("Ya, batalkan penugasan ini."))


class BulkValidateForm(FlaskForm):
    """Validate the checked items of the work queue at once (CSRF-protected); each value
    is ``evidence:<id>`` or ``outside_training:<id>``."""


class RejectForm(FlaskForm):
    """Reject one item: the reason the employee will read, and an explicit confirmation."""

    reason = TextAreaField(_l("Alasan penolakan"), validators=[
        DataRequired(_l("Tuliskan alasannya: pegawai akan membacanya.")),
        Length(max=1000, message=_l("Alasan terlalu panjang (maksimal 1000 karakter)."))])
    confirm = BooleanField(_l("Ya, saya yakin menolak item ini."), validators=[
        DataRequired(_l("Centang untuk memastikan penolakan."))])
