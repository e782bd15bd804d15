"""Planning competency development: mandatory course assignments (their routes are the
manager's), aspirations and individual development plans. Routes carry their own prefix:
``/usulan`` and ``/rencana`` for everyone, ``/atasan/...`` for managers."""

from flask import Blueprint

bp = Blueprint("planning", __name__)
