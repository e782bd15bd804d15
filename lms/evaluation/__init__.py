"""Evaluation after training: learners' ratings and comments (level 1), transfer
questionnaires to learners and their supervisors (level 3) and the course evaluation report."""

from flask import Blueprint

bp = Blueprint("evaluation", __name__)
