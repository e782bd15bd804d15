"""Operations: the health check, the start-up check of ``lms serve``, backups and restores."""

from flask import Blueprint

bp = Blueprint("ops", __name__)
