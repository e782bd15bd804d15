"""Sign-in, sign-out, language choice and access rules."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
