"""A course package's errors and warnings (``lms.content``, which knows no Flask) in the
reader's language: the web's locale, or the default locale on the command line."""

from __future__ import annotations

from flask_babel import gettext

from lms.content import ContentError


def content_problem(error: ContentError) -> str:
    """``file:line: message`` in the current language."""
    return error.located(gettext)

