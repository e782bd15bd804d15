"""JSON API v1 for HR systems and integrations (token-authenticated)."""

from flask import Blueprint

bp = Blueprint("api", __name__)
