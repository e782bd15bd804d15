"""The OpenAPI 3.1 description of JSON API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from lms.api.schemas import INT, SCHEMAS, STR, array, nullable, obj, ref
from lms.timeutil import local_date, utcnow

_ERRORS = {
    400: "Malformed request (body, header or query parameter)",
    401: "Missing or invalid bearer token",
    403: "The caller's role may not use this endpoint",
    404: "Not found, or outside the caller's scope",
    409: "Conflict with the current state",
    422: "Well-formed but invalid content",
    503: "The site is read-only for a moment (full disk or read-only database): nothing was "
         "saved; retry later (code `read_only`)",
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: dict[str, Any], *, errors: tuple[int, ...] = (),
               params: tuple[str, ...] = (), status: str = "200", **extra: Any) -> dict[str, Any]:
    responses = {status: ok}
    for code in (401, *errors):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    operation = {"summary": summary, "responses": responses, **extra}
    if params:
        operation["parameters"] = [{"$ref": f"#/components/parameters/{p}"} for p in params]
    return operation


PATHS: dict[str, Any] = {
    "/me": {"get": _operation("The caller", _json(ref("Me"), "The caller"))},
    "/courses": {"get": _operation(
        "Published courses", _json(array(ref("Course")), "Current versions"))},
    "/courses/{slug}": {"get": _operation(
        "A course with its modules, lessons and quizzes",
        _json(ref("CourseDetail"), "The current version"), errors=(404,), params=("slug",))},
    "/courses/{slug}/enrol": {"post": _operation(
        "Enrol the caller (idempotent)", _json(ref("Enrollment"), "Enrolled"),
        errors=(404, 409), params=("slug",),
        description="409 `prerequisites_missing` names the courses to complete first.")},
    "/lessons/{id}": {"get": _operation(
        "A lesson", _json(ref("Lesson"), "The lesson"), errors=(404,), params=("item_id",))},
    "/lessons/{id}/complete": {"post": _operation(
        "Mark a lesson done (idempotent; enrols if needed)",
        _json(ref("LessonCompleted"), "Done"), errors=(404, 409), params=("item_id",))},
    "/quizzes/{id}": {"get": _operation(
        "A quiz to answer (never the answers)", _json(ref("Quiz"), "The quiz"),
        errors=(404,), params=("item_id",))},
    "/quizzes/{id}/start": {"post": _operation(
        "Start an attempt, or return the caller's open one",
        _json(ref("QuizStart"), "The open attempt"), errors=(404, 409),
        params=("item_id",), status="201",
        description="The server records when the attempt starts; calling again returns the "
                    "same open attempt and never restarts the clock. An open attempt of a "
                    "timed quiz whose time ran out counts as a failed attempt before a new one "
                    "starts. Enrols the caller. 409 `no_attempts_left`, `already_passed` "
                    "(passed, and the quiz allows no retake after a pass) or "
                    "`prerequisites_missing`.")},
    "/quizzes/{id}/attempts": {"post": _operation(
        "Submit and grade an attempt", _json(ref("AttemptResult"), "Graded"),
        errors=(400, 404, 409, 422), params=("item_id", "idempotency_key"), status="201",
        requestBody={"required": True, "content": {
            "application/json": {"schema": ref("AttemptRequest")}}},
        description="Graded against the version the attempt was started on (without a "
                    "`start_token`, the current version). A timed quiz refuses answers with "
                    "409 `start_required` (no `start_token`), `invalid_start_token` (not the "
                    "caller's open attempt) or `time_expired` (after the time limit and its "
                    "grace). 409 `no_attempts_left`, `already_passed` (passed, and the quiz "
                    "allows no retake after a pass) or `prerequisites_missing`; 422 "
                    "`invalid_answers` for a question or option not in the quiz; a repeated "
                    "Idempotency-Key returns the first result.")},
    "/me/progress": {"get": _operation(
        "The caller's progress per enrolled course",
        _json(array(ref("CourseProgress")), "Progress"))},
    "/employees/{nip}/profile": {"get": _operation(
        "An employee's competency profile and JP", _json(ref("Profile"), "The profile"),
        errors=(400, 404), params=("nip", "year"),
        description="A learner sees only themself; a manager their unit and the units below; "
                    "an admin everyone. Out of scope answers 404.")},
    "/units/{code}/report": {"get": _operation(
        "JP attainment of a unit and the units below it",
        _json(ref("UnitReport"), "The report"), errors=(400, 403, 404), params=("code", "year"),
        description="Managers and admins only (403 otherwise); a unit outside the caller's "
                    "subtree answers 404. The same rows as CSV: GET /units/{code}/report.csv.")},
    "/units/{code}/report.csv": {"get": _operation(
        "The employees of the unit report as CSV",
        {"description": "One line per employee under a header of the JSON keys; NIPs as bare "
                        "digits; a cell that would start a spreadsheet formula gets a leading "
                        "apostrophe",
         "content": {"text/csv": {"schema": {"type": "string"}, "example":
                                  "nip,name,unit,courses_completed,jp,jp_target,met,overdue"}}},
        errors=(400, 403, 404), params=("code", "year"),
        description="Managers and admins only (403 otherwise); a unit outside the caller's "
                    "subtree answers 404.")},
    "/units/{code}/needs": {"get": _operation(
        "Training needs: competencies by total gap in a unit subtree, and the courses that "
        "close them", _json(ref("UnitNeeds"), "The needs, largest gap first"),
        errors=(403, 404), params=("code",),
        description="Managers and admins only (403 otherwise); a unit outside the caller's "
                    "subtree answers 404. A competency without courses is one no published "
                    "course develops far enough.")},
    "/me/queue": {"get": _operation(
        "What waits for the caller (managers and admins), oldest first",
        _json(array(ref("QueueItem")), "The waiting items"), errors=(403,),
        description="Evidence and outside training waiting for validation and overdue "
                    "mandatory training of the employees in the caller's scope (never the "
                    "caller's own). `age_days` counts from `since`: the submission, or for "
                    "an overdue assignment its due date.")},
    "/me/notifications": {"get": _operation(
        "The caller's notifications, newest first",
        _json(array(ref("Notification")), "Notifications"),
        description="`text` is in Bahasa Indonesia; `kind` names the event.")},
    "/me/notifications/{notification_id}/read": {"post": _operation(
        "Mark one of the caller's notifications read (idempotent)",
        _json(ref("Notification"), "The notification"), errors=(404,),
        params=("notification_id",))},
    "/me/offline-actions": {"post": _operation(
        "Send what a learner did offline: lessons marked done, untimed quiz answers",
        _json(obj({"results": array(ref("OfflineResult")),
                       "current": {"type": "object", "additionalProperties": nullable(INT),
                                   "description": "current version of each course in `saved` "
                                                  "(null: no longer published)"}}),
              "One result per action, in order"), errors=(400,),
        requestBody={"required": True, "content": {"application/json": {"schema": obj({
            "actions": {"type": "array", "maxItems": 100, "items": ref("OfflineAction")},
            "saved": {"type": "object", "additionalProperties": INT,
                      "description": "stored course slug to stored version number"},
        }, optional=("saved",))}}},
        description="Each action is applied once per (caller, key), on the version it was "
                    "made on, through the same rules as online (a quiz is graded against the "
                    "version its token pins; a passing grade or the last lesson completes the "
                    "course). Sending a key again answers the stored outcome with `repeat` "
                    "true. A conflict records nothing and is explained in `message`. The "
                    "browser uses the same body at POST /offline/sinkron (session and CSRF "
                    "token).")},
    "/me/certificates": {"get": _operation(
        "The caller's course certificates, newest first",
        _json(array(ref("Certificate")), "Certificates"),
        description="`pdf_url` and `credential_url` answer the same bearer token; "
                    "`verify_url` is the public page the certificate's QR code opens.")},
    "/me/certificates/{code}/pdf": {"get": _operation(
        "The PDF of one of the caller's certificates",
        {"description": "The PDF (A4 landscape)",
         "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        errors=(404,), params=("certificate_code",))},
    "/me/certificates/{code}/credential": {"get": _operation(
        "One of the caller's certificates as an Open Badges 3.0 credential",
        {"description": "A compact VC-JWT signed with EdDSA (Ed25519); the keys are at "
                        "/.well-known/jwks.json",
         "content": {"application/vc+jwt": {"schema": {"type": "string"}}}},
        errors=(404,), params=("certificate_code",))},
    "/openapi.json": {"get": {
        "summary": "This document", "security": [], "operationId": "get_openapi",
        "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1 document")}}},
}

# The name a generated client gives each operation (its function or method).
OPERATION_IDS = {
    ("/me", "get"): "get_me",
    ("/courses", "get"): "list_courses",
    ("/courses/{slug}", "get"): "get_course",
    ("/courses/{slug}/enrol", "post"): "enrol",
    ("/lessons/{id}", "get"): "get_lesson",
    ("/lessons/{id}/complete", "post"): "complete_lesson",
    ("/quizzes/{id}", "get"): "get_quiz",
    ("/quizzes/{id}/start", "post"): "start_quiz",
    ("/quizzes/{id}/attempts", "post"): "submit_attempt",
    ("/me/progress", "get"): "get_my_progress",
    ("/employees/{nip}/profile", "get"): "get_employee_profile",
    ("/units/{code}/report", "get"): "get_unit_report",
    ("/units/{code}/report.csv", "get"): "get_unit_report_csv",
    ("/units/{code}/needs", "get"): "get_unit_needs",
    ("/me/queue", "get"): "get_my_queue",
    ("/me/notifications", "get"): "list_notifications",
    ("/me/notifications/{notification_id}/read", "post"): "mark_notification_read",
    ("/me/offline-actions", "post"): "send_offline_actions",
    ("/me/certificates", "get"): "list_my_certificates",
    ("/me/certificates/{code}/pdf", "get"): "get_certificate_pdf",
    ("/me/certificates/{code}/credential", "get"): "get_certificate_credential",
}
for (_route, _method), _name in OPERATION_IDS.items():
    PATHS[_route][_method]["operationId"] = _name

# Any write may meet a full disk or a read-only database: 503 `read_only`, nothing saved.
for _path in PATHS.values():
    if "post" in _path:
        _path["post"]["responses"]["503"] = {"$ref": "#/components/responses/E503"}

_PARAMETERS = {
    "slug": {"name": "slug", "in": "path", "required": True, "schema": STR},
    "item_id": {"name": "id", "in": "path", "required": True, "schema": STR,
                "description": "opaque lesson or quiz id from GET /courses/{slug}"},
    "nip": {"name": "nip", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": "^[0-9 .]+$"}},
    "code": {"name": "code", "in": "path", "required": True, "schema": STR,
             "description": "unit code"},
    "year": {"name": "year", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 2000},
             "description": "calendar year (default: this year)"},
    "certificate_code": {"name": "code", "in": "path", "required": True, "schema": STR,
                         "description": "a certificate's verification code"},
    "notification_id": {"name": "notification_id", "in": "path", "required": True, "schema": INT},
    "idempotency_key": {"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 100}},
}


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (a fresh copy, safe to modify). ``year`` has the bounds
    the server enforces: 2000 to next year in the agency's time zone."""
    document = deepcopy({
        "openapi": "3.1.0",
        "info": {"title": "Kelas ASN API", "version": "1",
                 "description": "JSON API for HR systems and integrations. Errors are "
                                "`{\"error\": {\"code\", \"message\"}}`."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "a token from `lms token create`"}},
            "schemas": SCHEMAS,
            "parameters": _PARAMETERS,
            "responses": {f"E{code}": _json(ref("Error"), text)
                          for code, text in _ERRORS.items()},
        },
    })
    document["components"]["parameters"]["year"]["schema"]["maximum"] = (
        local_date(utcnow()).year + 1)
    return document
