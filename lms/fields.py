"""Form fields shared by every feature's forms: a date and a whole number whose parse errors
read as sentences in the interface language, not WTForms' English."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField


class LocalDateField(DateField):
    """A date (YYYY-MM-DD) field whose parse error is a sentence in the interface language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Tanggal tidak valid; gunakan format TTTT-BB-HH.")) from None


class WholeNumberField(IntegerField):
    """A whole-number field whose parse error is a sentence in the interface language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Isi dengan bilangan bulat.")) from None
