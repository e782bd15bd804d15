"""In-app notifications and their e-mail copies."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
