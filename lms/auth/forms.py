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


class ResetRequestForm(FlaskForm):
    """Who forgot their password: a NIP or an e-mail address."""

    identity = StringField(_l("NIP atau alamat e-mail"),
                           validators=[DataRequired(), Length(max=254)])


class NewPasswordForm(FlaskForm):
    """A new password typed twice (the rules are lms.auth.services.check_new_password's)."""

    password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"),
                            validators=[DataRequired(), Length(max=200)])
