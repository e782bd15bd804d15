"""The manager's view: unit dashboard, profiles in scope, mandatory training, exports."""

from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/atasan")
