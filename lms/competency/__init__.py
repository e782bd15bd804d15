"""Competency framework, competency profile and the JP ledger."""

from flask import Blueprint

bp = Blueprint("competency", __name__)
