"""Mentoring and coaching: a manager or an admin pairs a senior employee (the mentor) with
one or more mentees for a competency; the mentor logs sessions, each mentee confirms their
own, and when the programme has ended the mentee's supervisor validates it: the confirmed
time enters the JP ledger and the competency evidence is recorded. Routes: ``/mentoring``
for everyone, ``/atasan/mentoring`` for managers and admins."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)
