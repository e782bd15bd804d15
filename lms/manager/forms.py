"""Forms of the manager's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional


class ReviewEvidenceForm(FlaskForm):
    """Validate or reject one piece of competency evidence (CSRF-protected); the two submit
    buttons send ``decision``."""

    decision = StringField(validators=[AnyOf(["validasi", "tolak"])])


class AssignCourseForm(FlaskForm):
    """Assign a course with a due date to NIPs, a unit or a position."""

    course = StringField(_l("Kursus (slug)"), validators=[DataRequired(), Length(max=100)])
    due_on = DateField(_l("Tenggat"), validators=[DataRequired()])
    nips = TextAreaField(_l("NIP pegawai (satu per baris)"),
                         validators=[Optional(), Length(max=50_000)])  # some 2,500 NIPs
    unit = StringField(_l("Atau kode unit"), validators=[Optional(), Length(max=50)])
    with_subunits = BooleanField(_l("Termasuk sub-unit"))
    position = StringField(_l("Atau kode jabatan"), validators=[Optional(), Length(max=50)])


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
