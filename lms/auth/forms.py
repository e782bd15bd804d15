"""Sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """NIP and password."""

    nip = StringField(_l("NIP"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])
