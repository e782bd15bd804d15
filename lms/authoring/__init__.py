"""Trainers author, version and improve courses in the browser."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/pengajar")
