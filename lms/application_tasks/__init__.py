"""Application tasks (tugas penerapan): a course may declare one in its package
(``tugas.md``); a learner who completed the course reports what they did at work (text and an
optional file, kept like a certificate scan), and their supervisor assesses the report through
the work queue: "meets" validates the course's competency evidence, "not yet" (with feedback)
lets the learner report again. Routes: ``/kursus/<slug>/tugas`` for the learner,
``/atasan/tugas-penerapan/<id>`` for managers and admins."""

from flask import Blueprint

bp = Blueprint("application_tasks", __name__)
