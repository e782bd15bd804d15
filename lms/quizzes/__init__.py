"""Quizzes: taking, server-side grading, attempts and results."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
