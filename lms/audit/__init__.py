"""The audit trail: an append-only record of security- and HR-relevant actions."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
