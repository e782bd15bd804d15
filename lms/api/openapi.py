"""The OpenAPI 3.1 description of JSON API v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from lms.auth.models import ROLES
from lms.timeutil import local_date, utcnow

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
DATETIME = {"type": "string", "format": "date-time"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": [k for k in properties if k not in optional]}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, Any] = {
    "QueueItem": _object({
        "kind": {"enum": ["evidence", "outside_training", "overdue_assignment",
                          "development_plan", "mentoring", "application_task",
                          "transfer_evaluation"]},
        "id": INT, "employee": _object({"nip": STR, "name": STR}), "title": STR,
        "since": {"type": "string", "format": "date"}, "age_days": INT,
    }),
    "Certificate": _object({
        "code": {"type": "string", "description": "the public verification code"},
        "number": STR, "course": STR, "course_slug": STR,
        "completed_at": {"type": "string", "format": "date"}, "jp": INT,
        "status": {"enum": ["valid", "revoked"]}, "revoked_at": _nullable(DATETIME),
        "signature_status": {"enum": ["unsigned", "signed"],
                             "description": "certified electronic signature (TTE) of the PDF"},
        "pdf_url": STR, "credential_url": STR, "verify_url": STR,
    }),
    "OfflineAction": _object({
        "key": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$",
                "description": "idempotency key made on the device when the learner acted"},
        "kind": {"enum": ["lesson", "quiz"]},
        "course": {"type": "string", "description": "course slug"},
        "item": {"type": "string", "description": "stable key of the lesson or quiz"},
        "version": {"type": "integer", "minimum": 1,
                    "description": "the course version the learner acted on"},
        "at": {"type": "string", "format": "date-time",
               "description": "when it happened, with its offset (bounded: never later than "
                              "now, never before the version was published or the enrolment)"},
        "token": {"type": "string", "description": "quiz: the attempt token of the quiz page"},
        "answers": {"type": "object", "description": "quiz: question id to answer, as for "
                                                     "POST /quizzes/{id}/attempts"},
    }, optional=("token", "answers")),
    "OfflineResult": _object({
        "key": STR, "kind": {"enum": ["lesson", "quiz"]},
        "outcome": {"enum": ["applied", "already", "course_unknown", "item_unknown",
                             "not_enrolled", "timed_quiz", "attempts_used_up", "token_invalid",
                             "answers_invalid"]},
        "conflict": {"type": "boolean", "description": "true: nothing was recorded (see message)"},
        "repeat": {"type": "boolean", "description": "true: an earlier send of this key decided"},
        "message": {"type": "string", "description": "the outcome explained, in the "
                                                     "interface language"},
        "version": INT, "happened_at": DATETIME, "received_at": DATETIME,
        "attempt_id": _nullable(INT), "detail": {"type": "object"},
    }),
    "Notification": _object({"id": INT, "kind": STR, "text": STR, "created_at": DATETIME,
                             "read": BOOL}),
    "Error": _object({"error": _object({
        "code": {"type": "string", "examples": ["not_found"]},
        "message": STR,
    })}),
    "Unit": _object({"code": STR, "name": STR}),
    "Me": _object({"nip": STR, "name": STR,
                   "roles": {"type": "array", "uniqueItems": True, "minItems": 1,
                             "items": {"enum": list(ROLES)},
                             "description": "every role held, from the least to the most "
                                            "powerful"},
                   "role": {"enum": list(ROLES),
                            "description": "the most powerful role held (kept for older "
                                           "clients; read roles)"},
                   "unit": _ref("Unit")}),
    "CompetencyLevel": _object({"code": STR, "level": {"type": "integer", "minimum": 1,
                                                       "maximum": 5}}),
    "Course": _object({"slug": STR, "title": STR, "summary": STR, "jp": INT,
                       "competencies": _array(_ref("CompetencyLevel")),
                       "version": {"type": "integer", "description": "current version number"}}),
    "ModuleItem": _object({
        "type": {"enum": ["lesson", "quiz"]},
        "id": {"type": "string", "description": "opaque lesson or quiz id, stable across "
                                                "versions"},
        "title": STR,
    }),
    "Module": _object({"id": STR, "title": STR, "items": _array(_ref("ModuleItem"))}),
    "CourseDetail": {"allOf": [_ref("Course"), _object({
        "description_html": STR, "modules": _array(_ref("Module"))})]},
    "Enrollment": _object({"slug": STR, "enrolled": {"const": True},
                           "enrolled_at": DATETIME}),
    "Lesson": _object({"id": STR, "title": STR, "html": STR, "minutes": _nullable(INT),
                       "completed": BOOL}),
    "LessonCompleted": _object({"completed": {"const": True}, "course_progress": _object({
        "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "completed": {"type": "boolean", "description": "the whole course is completed"},
    })}),
    "Option": _object({"id": STR, "html": STR}),
    "Question": _object({"id": STR, "type": {"enum": ["single", "multiple", "short"]},
                         "prompt_html": STR, "points": INT,
                         "options": {**_array(_ref("Option")),
                                     "description": "empty for short-answer questions"}}),
    "Quiz": _object({
        "id": STR, "title": STR, "intro_html": STR,
        "passing_score": {"type": "integer", "minimum": 0, "maximum": 100},
        "max_attempts": {**_nullable({"type": "integer", "minimum": 1}),
                         "description": "null when unlimited"},
        "attempts_used": INT,
        "attempts_left": {**_nullable(INT), "description": "null when unlimited"},
        "time_limit_minutes": _nullable(INT),
        "open_attempt": {**_nullable(_ref("QuizStart")),
                         "description": "timed quizzes only: the caller's open attempt, "
                                        "null when none is open"},
        "questions": {**_array(_ref("Question")),
                      "description": "empty for a timed quiz until the caller starts it"},
    }, optional=("intro_html", "attempts_left", "time_limit_minutes", "open_attempt")),
    "QuizStart": _object({
        "start_token": {"type": "string", "maxLength": 64,
                        "description": "send it with the answers to POST …/attempts"},
        "started_at": {**DATETIME, "description": "when the server started the clock"},
        "time_limit_minutes": {**_nullable(INT), "description": "null when untimed"},
        "expires_at": {**_nullable(DATETIME),
                       "description": "time limit reached (a grace period of a minute or so "
                                      "follows); null when untimed"},
    }),
    "AttemptRequest": _object({
        "answers": {
            "type": "object",
            "description": "question id to an option id (single), a list of option ids "
                           "(multiple) or a text (short)",
            "additionalProperties": {"oneOf": [STR, _array(STR)]},
        },
        "start_token": {"type": "string", "minLength": 1, "maxLength": 64,
                        "description": "from POST /quizzes/{id}/start; required for a timed "
                                       "quiz"},
    }, optional=("start_token",)),
    "AttemptResult": _object({
        "attempt_id": INT,
        "score": {"type": "number", "minimum": 0, "maximum": 100, "description": "percent"},
        "passed": BOOL,
        "attempts_left": {**_nullable(INT), "description": "null when unlimited"},
        "questions": _array(_object({"id": STR, "correct": BOOL, "explanation_html": STR})),
    }),
    "CourseProgress": _object({"slug": STR, "title": STR,
                               "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                               "completed_at": _nullable(DATETIME)}),
    "OutsideTraining": _object({
        "title": STR, "provider": STR,
        "kind": {"type": "string", "description": "e.g. pelatihan klasikal, seminar/konferensi, "
                                                  "bimbingan teknis, coaching, mentoring"},
        "certificate_number": STR}),
    "Evidence": _object({"course": {**_nullable(STR),
                                    "description": "course slug; null for outside training"},
                         "version": {**_nullable(INT),
                                     "description": "course version; null for outside training"},
                         "training": {**_nullable(_ref("OutsideTraining")),
                                      "description": "the validated outside training this "
                                                     "evidence comes from; null for a course"},
                         "completed_at": DATETIME, "score": _nullable(NUM),
                         "level": INT, "validated": BOOL,
                         "status": {"type": "string",
                                    "enum": ["pending", "validated", "rejected"]},
                         "validated_at": _nullable(DATETIME),
                         "validated_by": {**_nullable(STR), "description": "NIP"}}),
    "CompetencyProfileRow": _object({
        "code": STR, "name": STR,
        "level": {"type": "integer", "minimum": 0, "maximum": 5,
                  "description": "highest evidenced level, 0 when none"},
        "required_level": {**_nullable(INT), "description": "level the position requires"},
        "validated_level": {"type": "integer", "minimum": 0, "maximum": 5,
                            "description": "highest level a manager validated"},
        "gap": {"type": "integer", "minimum": 0, "description": "required minus evidenced"},
        "evidence": _array(_ref("Evidence")),
    }),
    "SiasnState": _object({
        "status": {"enum": ["not_sent", "sending", "sent", "manual", "refused"],
                   "description": "not_sent: not in SIASN yet; sending: sent by a push whose "
                                  "answer is not stored yet (checked by the next push); sent: "
                                  "recorded in SIASN (rw_kursus_id); manual: recorded by hand; "
                                  "refused: SIASN refused it (error), sent again by the next "
                                  "push"},
        "rw_kursus_id": {**_nullable(STR), "description": "SIASN's rwKursusId"},
        "sent_at": _nullable(DATETIME),
        "error": {**_nullable(STR), "description": "SIASN's reason for a refusal"},
        "document": {**_nullable(STR), "enum": ["pending", "uploaded", "failed", "none", None],
                     "description": "the certificate PDF sent to upload-dok-rw"},
    }),
    "JpRecord": _object({
        "certificate_number": STR, "title": STR,
        "source": {"enum": ["course", "outside_training", "mentoring"]}, "kind": STR,
        "provider": _nullable(STR), "jp": INT,
        "started_on": {"type": "string", "format": "date"},
        "ended_on": {"type": "string", "format": "date"}, "siasn": _ref("SiasnState"),
    }),
    "JpYear": _object({"year": INT, "attained": INT, "target": INT, "met": BOOL,
                       "records": _array(_ref("JpRecord"))}),
    "Profile": _object({"nip": STR, "name": STR, "unit": _ref("Unit"),
                        "position": {**_nullable(STR), "description": "position name"},
                        "position_code": _nullable(STR),
                        "position_type": {**_nullable(STR), "enum": [
                            "JPT", "administrator", "pengawas", "fungsional", "pelaksana", None]},
                        "golongan": _nullable(STR),
                        "competencies": _array(_ref("CompetencyProfileRow")),
                        "jp": _ref("JpYear")}),
    "ReportEmployee": _object({"nip": STR, "name": STR,
                               "unit": {"type": "string", "description": "unit code"},
                               "courses_completed": INT, "jp": INT, "jp_target": INT,
                               "met": BOOL, "overdue": INT}),
    "NeedCourse": _object({"slug": STR, "title": STR, "jp": INT, "level": INT,
                           "helps": {**INT, "description": "employees it raises"},
                           "closes": {**INT, "description": "employees it brings to the "
                                                            "required level"},
                           "completed": INT, "in_progress": INT}),
    "CompetencyNeed": _object({"code": STR, "name": STR,
                               "total_gap": {**INT, "description": "levels missing, summed"},
                               "employees_below": INT, "highest_required": INT,
                               "courses": _array(_ref("NeedCourse"))}),
    "UnitNeeds": _object({"unit": _ref("Unit"), "employees": INT,
                          "needs": _array(_ref("CompetencyNeed"))}),
    "UnitReport": _object({
        "unit": _ref("Unit"), "year": INT, "employees": _array(_ref("ReportEmployee")),
        "summary": _object({"employees": INT, "met": INT,
                            "percent_met": {"type": "integer", "minimum": 0, "maximum": 100}}),
    }),
}

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
    "/me": {"get": _operation("The caller", _json(_ref("Me"), "The caller"))},
    "/courses": {"get": _operation(
        "Published courses", _json(_array(_ref("Course")), "Current versions"))},
    "/courses/{slug}": {"get": _operation(
        "A course with its modules, lessons and quizzes",
        _json(_ref("CourseDetail"), "The current version"), errors=(404,), params=("slug",))},
    "/courses/{slug}/enrol": {"post": _operation(
        "Enrol the caller (idempotent)", _json(_ref("Enrollment"), "Enrolled"),
        errors=(404, 409), params=("slug",),
        description="409 `prerequisites_missing` names the courses to complete first.")},
    "/lessons/{id}": {"get": _operation(
        "A lesson", _json(_ref("Lesson"), "The lesson"), errors=(404,), params=("item_id",))},
    "/lessons/{id}/complete": {"post": _operation(
        "Mark a lesson done (idempotent; enrols if needed)",
        _json(_ref("LessonCompleted"), "Done"), errors=(404, 409), params=("item_id",))},
    "/quizzes/{id}": {"get": _operation(
        "A quiz to answer (never the answers)", _json(_ref("Quiz"), "The quiz"),
        errors=(404,), params=("item_id",))},
    "/quizzes/{id}/start": {"post": _operation(
        "Start an attempt, or return the caller's open one",
        _json(_ref("QuizStart"), "The open attempt"), errors=(404, 409),
        params=("item_id",), status="201",
        description="The server records when the attempt starts; calling again returns the "
                    "same open attempt and never restarts the clock. An open attempt of a "
                    "timed quiz whose time ran out counts as a failed attempt before a new one "
                    "starts. Enrols the caller. 409 `no_attempts_left`, `already_passed` "
                    "(passed, and the quiz allows no retake after a pass) or "
                    "`prerequisites_missing`.")},
    "/quizzes/{id}/attempts": {"post": _operation(
        "Submit and grade an attempt", _json(_ref("AttemptResult"), "Graded"),
        errors=(400, 404, 409, 422), params=("item_id", "idempotency_key"), status="201",
        requestBody={"required": True, "content": {
            "application/json": {"schema": _ref("AttemptRequest")}}},
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
        _json(_array(_ref("CourseProgress")), "Progress"))},
    "/employees/{nip}/profile": {"get": _operation(
        "An employee's competency profile and JP", _json(_ref("Profile"), "The profile"),
        errors=(400, 404), params=("nip", "year"),
        description="A learner sees only themself; a manager their unit and the units below; "
                    "an admin everyone. Out of scope answers 404.")},
    "/units/{code}/report": {"get": _operation(
        "JP attainment of a unit and the units below it",
        _json(_ref("UnitReport"), "The report"), errors=(400, 403, 404), params=("code", "year"),
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
        "close them", _json(_ref("UnitNeeds"), "The needs, largest gap first"),
        errors=(403, 404), params=("code",),
        description="Managers and admins only (403 otherwise); a unit outside the caller's "
                    "subtree answers 404. A competency without courses is one no published "
                    "course develops far enough.")},
    "/me/queue": {"get": _operation(
        "What waits for the caller (managers and admins), oldest first",
        _json(_array(_ref("QueueItem")), "The waiting items"), errors=(403,),
        description="Evidence and outside training waiting for validation and overdue "
                    "mandatory training of the employees in the caller's scope (never the "
                    "caller's own). `age_days` counts from `since`: the submission, or for "
                    "an overdue assignment its due date.")},
    "/me/notifications": {"get": _operation(
        "The caller's notifications, newest first",
        _json(_array(_ref("Notification")), "Notifications"),
        description="`text` is in Bahasa Indonesia; `kind` names the event.")},
    "/me/notifications/{notification_id}/read": {"post": _operation(
        "Mark one of the caller's notifications read (idempotent)",
        _json(_ref("Notification"), "The notification"), errors=(404,),
        params=("notification_id",))},
    "/me/offline-actions": {"post": _operation(
        "Send what a learner did offline: lessons marked done, untimed quiz answers",
        _json(_object({"results": _array(_ref("OfflineResult")),
                       "current": {"type": "object", "additionalProperties": _nullable(INT),
                                   "description": "current version of each course in `saved` "
                                                  "(null: no longer published)"}}),
              "One result per action, in order"), errors=(400,),
        requestBody={"required": True, "content": {"application/json": {"schema": _object({
            "actions": {"type": "array", "maxItems": 100, "items": _ref("OfflineAction")},
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
        _json(_array(_ref("Certificate")), "Certificates"),
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
            "responses": {f"E{code}": _json(_ref("Error"), text)
                          for code, text in _ERRORS.items()},
        },
    })
    document["components"]["parameters"]["year"]["schema"]["maximum"] = (
        local_date(utcnow()).year + 1)
    return document
