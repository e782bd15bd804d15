"""The xAPI 1.0.3 JSON of a learning event, built once when the event happens and stored: what
an LRS receives is that stored JSON, never one rebuilt later (an LRS refuses a statement id it
already holds with other content, so a learner renamed since would block the queue)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

VERBS = {
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "menyelesaikan"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "lulus"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "tidak lulus"),
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
}
# Pages of an item of a course, by the kind of activity (a course is the course page).
ITEM_PATHS = {"assessment": "kuis", "lesson": "materi"}
# Never change: registrations already sent are derived from it.
REGISTRATIONS = uuid.UUID("6f0d5e3c-2a7b-5c49-9e0b-4b8a3f1d2c10")
PLATFORM = "Kelas ASN"


def registration(base_url: str, user_id: int, course_id: int) -> str:
    """The registration of a learner's enrolment in a course: the same UUID for every
    statement of that enrolment (an enrolment is one per learner and course, never remade),
    different on another site sending to the same LRS."""
    site = uuid.uuid5(REGISTRATIONS, base_url.rstrip("/"))
    return str(uuid.uuid5(site, f"enrolment/{user_id}/{course_id}"))


def iso_duration(elapsed: timedelta) -> str:
    """An ISO 8601 duration such as ``PT8M12S`` (hundredths of a second kept, as xAPI asks)."""
    hours, rest = divmod(max(0, round(elapsed.total_seconds() * 100)), 360000)
    minutes, hundredths = divmod(rest, 6000)
    seconds = f"{hundredths / 100:.2f}".rstrip("0").rstrip(".")
    return ("PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
            + (f"{seconds}S" if hundredths or not (hours or minutes) else ""))


def timestamp(moment: datetime) -> str:
    """A naive UTC datetime as xAPI writes it (``2026-06-17T03:00:00.123Z``)."""
    return moment.isoformat(timespec="milliseconds") + "Z"


def activity_iri(base_url: str, course_slug: str, kind: str, key: str | None = None) -> str:
    """The activity id: the page of the course, or of its quiz or lesson, on this site."""
    course = f"{base_url.rstrip('/')}/kursus/{course_slug}"
    return course if kind == "course" else f"{course}/{ITEM_PATHS[kind]}/{key}"


def _activity(iri: str, kind: str, name: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": iri,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {"id-ID": name}}}


def build(*, statement_id: str, base_url: str, actor_name: str, nip: str, verb: str,
          user_id: int, course_id: int | None, course_slug: str, course_title: str,
          kind: str, key: str | None, title: str, result: dict[str, Any],
          at: datetime) -> dict[str, Any]:
    """The complete statement: the actor as named now, the activity (a course, or a quiz or
    lesson with its course as the parent), the enrolment's registration (none when the
    course is unknown, as for a statement of a deleted course made before 0021), the result."""
    base = base_url.rstrip("/")
    verb_iri, verb_id = VERBS[verb]
    course_iri = activity_iri(base, course_slug, "course")
    context: dict[str, Any] = {"platform": PLATFORM}
    if course_id is not None:
        context["registration"] = registration(base, user_id, course_id)
    if kind != "course":
        context["contextActivities"] = {"parent": [_activity(course_iri, "course",
                                                             course_title)]}
    statement: dict[str, Any] = {
        "id": statement_id,
        "actor": {"objectType": "Agent", "name": actor_name,
                  "account": {"homePage": base, "name": nip}},
        "verb": {"id": verb_iri, "display": {"en-US": verb, "id-ID": verb_id}},
        "object": _activity(activity_iri(base, course_slug, kind, key), kind, title),
        "context": context,
        "timestamp": timestamp(at),
    }
    if result:
        statement["result"] = result
    return statement
