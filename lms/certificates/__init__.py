"""E-certificates of course completions: the stored PDF, the signed Open Badges credential,
public verification and revocation."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
