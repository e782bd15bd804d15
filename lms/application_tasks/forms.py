"""Forms of the application task pages: the learner's report and the supervisor's
assessment. They parse; the rules are the service's (lms.application_tasks.services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from lms.planning.forms import ErrorsMixin


class ReportForm(ErrorsMixin, FlaskForm):
    """The learner's report: what was done at work, and an optional file."""

    report = TextAreaField(_l("Laporan Anda"))
    file = FileField(_l("Lampiran (opsional: PDF, PNG atau JPEG)"))


class AssessForm(ErrorsMixin, FlaskForm):
    """The supervisor's assessment: meets or not yet, with feedback."""

    result = RadioField(_l("Apakah laporan memenuhi tugas?"), validate_choice=False, choices=[
        SelectChoice("met", _l("Memenuhi")), SelectChoice("not_yet", _l("Belum memenuhi"))])
    feedback = TextAreaField(_l("Umpan balik untuk peserta"))
