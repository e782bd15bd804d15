"""Sign-in and API token forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.auth.services import MAX_TOKEN_DAYS, MAX_TOKEN_NAME


class LoginForm(FlaskForm):
    """NIP and password."""

    nip = StringField(_l("NIP"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])


class TokenForm(FlaskForm):
    """A new API token: what it is for and how many days it lasts."""

    name = StringField(_l("Nama (untuk apa token ini)"),
                       validators=[Optional(), Length(max=MAX_TOKEN_NAME)])
    days = IntegerField(_l("Berlaku (hari)"),
                        validators=[Optional(), NumberRange(1, MAX_TOKEN_DAYS)])
