"""Planning competency development: mandatory course assignments and their history."""

from flask import Blueprint

bp = Blueprint("planning", __name__, url_prefix="/atasan")
