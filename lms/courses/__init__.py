"""Catalogue, course pages, course packages (import/export) and versions."""

from flask import Blueprint

bp = Blueprint("courses", __name__)
