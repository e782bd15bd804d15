"""Enrolment, lessons, progress and course completion."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
