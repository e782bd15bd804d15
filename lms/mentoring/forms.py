"""Forms of the mentoring pages: a programme, a session, a supervisor's validation. They
parse; the rules are the service's (lms.mentoring.services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.fields import LocalDateField, WholeNumberField
from lms.planning.forms import ErrorsMixin

KIND_LABELS = {"mentoring": _l("Mentoring"), "coaching": _l("Coaching")}


class ProgrammeForm(ErrorsMixin, FlaskForm):
    """A new programme: mentor, mentees, competency, goals and period."""

    kind = SelectField(_l("Jenis"), validate_choice=False,
                       choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    mentor_nip = StringField(_l("NIP mentor (pegawai senior)"))
    mentee_nips = TextAreaField(_l("NIP peserta (satu per baris)"))
    competency_code = SelectField(_l("Kompetensi"), validate_choice=False)
    goals = TextAreaField(_l("Tujuan"))
    starts_on = LocalDateField(_l("Mulai"), validators=[Optional()])
    ends_on = LocalDateField(_l("Selesai"), validators=[Optional()])


class SessionForm(ErrorsMixin, FlaskForm):
    """A session the mentor logs for one mentee (the form's prefix names the mentee)."""

    held_on = LocalDateField(_l("Tanggal sesi"), validators=[Optional()])
    minutes = WholeNumberField(_l("Durasi (menit)"), validators=[Optional()])
    topic = StringField(_l("Topik"))
    notes = TextAreaField(_l("Catatan"))
    next_steps = TextAreaField(_l("Langkah berikutnya yang disepakati"))


class ValidateForm(ErrorsMixin, FlaskForm):
    """The supervisor's validation: the competency level the mentee reached."""

    level = SelectField(_l("Level kompetensi yang dicapai"), validate_choice=False, choices=[
        SelectChoice("", _l("— pilih —")), *[SelectChoice(str(n), str(n)) for n in range(1, 6)]])
