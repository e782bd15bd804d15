"""Forms of the evaluation pages. They parse; the rules are the services'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import InputRequired, Length, Optional


class FeedbackForm(FlaskForm):
    """A learner's rating and comment on a completed course."""

    rating = RadioField(_l("Nilai Anda"), coerce=int, validators=[InputRequired()],
                        choices=[C(str(n), str(n)) for n in range(1, 6)])
    comment = TextAreaField(_l("Komentar"), validators=[Optional(), Length(max=2000)])

