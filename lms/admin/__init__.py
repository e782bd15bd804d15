"""Administration: users, units, positions, the competency framework."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
