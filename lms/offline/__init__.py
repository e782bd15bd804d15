"""Offline courses: the web app manifest, the service worker and the sync of what a learner
did without a signal (lessons marked done, untimed quiz answers)."""

from flask import Blueprint

bp = Blueprint("offline", __name__)
