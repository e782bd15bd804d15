"""Forms of the evaluation pages: a learner's rating, the transfer questionnaire and the
trainer's questions. They parse; the rules are the services'."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (FieldList, Form, FormField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice as C
from wtforms.validators import InputRequired, Length, Optional

from lms.evaluation.questions import MAX_QUESTIONS


class FeedbackForm(FlaskForm):
    """A learner's rating and comment on a completed course."""

    rating = RadioField(_l("Nilai Anda"), coerce=int, validators=[InputRequired()],
                        choices=[C(str(n), str(n)) for n in range(1, 6)])
    comment = TextAreaField(_l("Komentar"), validators=[Optional(), Length(max=2000)])


SCALE_CHOICES = [C("1", _l("1 · belum sama sekali")), C("2", "2"), C("3", "3"), C("4", "4"),
                 C("5", _l("5 · sepenuhnya"))]


def answer_form(questions: list[dict[str, Any]]) -> FlaskForm:
    """The questionnaire of ``questions``: a 1–5 choice or a text box per question, named
    ``q0``, ``q1``…; the service checks the answers."""

    class AnswerForm(FlaskForm):
        pass

    for index, question in enumerate(questions):
        if question["kind"] == "scale":
            field = RadioField(question["text"], choices=SCALE_CHOICES, validate_choice=False,
                               validators=[Optional()])
        else:
            field = TextAreaField(question["text"], validators=[Optional()])
        setattr(AnswerForm, f"q{index}", field)
    return AnswerForm()


class QuestionRow(Form):
    """One question of the editor: its kind and text (a blank text drops the row)."""

    kind = SelectField(_l("Jenis"), validate_choice=False, choices=[
        C("scale", _l("Skala 1–5")), C("text", _l("Jawaban terbuka"))])
    text = StringField(_l("Pertanyaan"))


class QuestionsForm(FlaskForm):
    """A course's questions for the learner and for the supervisor."""

    learner = FieldList(FormField(QuestionRow), min_entries=MAX_QUESTIONS,
                        max_entries=MAX_QUESTIONS)
    supervisor = FieldList(FormField(QuestionRow), min_entries=MAX_QUESTIONS,
                           max_entries=MAX_QUESTIONS)


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""
