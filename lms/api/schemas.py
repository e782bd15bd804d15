"""The data shapes of JSON API v1 (the ``components/schemas`` of its OpenAPI document, and
the small helpers that write them)."""

from __future__ import annotations

from typing import Any

from lms.auth.models import ROLES

STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
DATETIME = {"type": "string", "format": "date-time"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": [k for k in properties if k not in optional]}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


SCHEMAS: dict[str, Any] = {
    "QueueItem": obj({
        "kind": {"enum": ["evidence", "outside_training", "overdue_assignment",
                          "development_plan", "mentoring", "application_task",
                          "transfer_evaluation"]},
        "id": INT, "employee": obj({"nip": STR, "name": STR}), "title": STR,
        "since": {"type": "string", "format": "date"}, "age_days": INT,
    }),
    "Certificate": obj({
        "code": {"type": "string", "description": "the public verification code"},
        "number": STR, "course": STR, "course_slug": STR,
        "completed_at": {"type": "string", "format": "date"}, "jp": INT,
        "status": {"enum": ["valid", "revoked"]}, "revoked_at": nullable(DATETIME),
        "signature_status": {"enum": ["unsigned", "signed"],
                             "description": "certified electronic signature (TTE) of the PDF"},
        "pdf_url": STR, "credential_url": STR, "verify_url": STR,
    }),
    "OfflineAction": obj({
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
    "OfflineResult": obj({
        "key": STR, "kind": {"enum": ["lesson", "quiz"]},
        "outcome": {"enum": ["applied", "already", "course_unknown", "item_unknown",
                             "not_enrolled", "timed_quiz", "attempts_used_up", "token_invalid",
                             "answers_invalid"]},
        "conflict": {"type": "boolean", "description": "true: nothing was recorded (see message)"},
        "repeat": {"type": "boolean", "description": "true: an earlier send of this key decided"},
        "message": {"type": "string", "description": "the outcome explained, in the "
                                                     "interface language"},
        "version": INT, "happened_at": DATETIME, "received_at": DATETIME,
        "attempt_id": nullable(INT), "detail": {"type": "object"},
    }),
    "Notification": obj({"id": INT, "kind": STR, "text": STR, "created_at": DATETIME,
                             "read": BOOL}),
    "Error": obj({"error": obj({
        "code": {"type": "string", "examples": ["not_found"]},
        "message": STR,
    })}),
    "Unit": obj({"code": STR, "name": STR}),
    "Me": obj({"nip": STR, "name": STR,
                   "roles": {"type": "array", "uniqueItems": True, "minItems": 1,
                             "items": {"enum": list(ROLES)},
                             "description": "every role held, from the least to the most "
                                            "powerful"},
                   "role": {"enum": list(ROLES),
                            "description": "the most powerful role held (kept for older "
                                           "clients; read roles)"},
                   "unit": ref("Unit")}),
    "CompetencyLevel": obj({"code": STR, "level": {"type": "integer", "minimum": 1,
                                                       "maximum": 5}}),
    "Course": obj({"slug": STR, "title": STR, "summary": STR, "jp": INT,
                       "competencies": array(ref("CompetencyLevel")),
                       "version": {"type": "integer", "description": "current version number"}}),
    "ModuleItem": obj({
        "type": {"enum": ["lesson", "quiz"]},
        "id": {"type": "string", "description": "opaque lesson or quiz id, stable across "
                                                "versions"},
        "title": STR,
    }),
    "Module": obj({"id": STR, "title": STR, "items": array(ref("ModuleItem"))}),
    "CourseDetail": {"allOf": [ref("Course"), obj({
        "description_html": STR, "modules": array(ref("Module"))})]},
    "Enrollment": obj({"slug": STR, "enrolled": {"const": True},
                           "enrolled_at": DATETIME}),
    "Lesson": obj({"id": STR, "title": STR, "html": STR, "minutes": nullable(INT),
                       "completed": BOOL}),
    "LessonCompleted": obj({"completed": {"const": True}, "course_progress": obj({
        "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "completed": {"type": "boolean", "description": "the whole course is completed"},
    })}),
    "Option": obj({"id": STR, "html": STR}),
    "Question": obj({"id": STR, "type": {"enum": ["single", "multiple", "short"]},
                         "prompt_html": STR, "points": INT,
                         "options": {**array(ref("Option")),
                                     "description": "empty for short-answer questions"}}),
    "Quiz": obj({
        "id": STR, "title": STR, "intro_html": STR,
        "passing_score": {"type": "integer", "minimum": 0, "maximum": 100},
        "max_attempts": {**nullable({"type": "integer", "minimum": 1}),
                         "description": "null when unlimited"},
        "attempts_used": INT,
        "attempts_left": {**nullable(INT), "description": "null when unlimited"},
        "time_limit_minutes": nullable(INT),
        "open_attempt": {**nullable(ref("QuizStart")),
                         "description": "timed quizzes only: the caller's open attempt, "
                                        "null when none is open"},
        "questions": {**array(ref("Question")),
                      "description": "empty for a timed quiz until the caller starts it"},
    }, optional=("intro_html", "attempts_left", "time_limit_minutes", "open_attempt")),
    "QuizStart": obj({
        "start_token": {"type": "string", "maxLength": 64,
                        "description": "send it with the answers to POST …/attempts"},
        "started_at": {**DATETIME, "description": "when the server started the clock"},
        "time_limit_minutes": {**nullable(INT), "description": "null when untimed"},
        "expires_at": {**nullable(DATETIME),
                       "description": "time limit reached (a grace period of a minute or so "
                                      "follows); null when untimed"},
    }),
    "AttemptRequest": obj({
        "answers": {
            "type": "object",
            "description": "question id to an option id (single), a list of option ids "
                           "(multiple) or a text (short)",
            "additionalProperties": {"oneOf": [STR, array(STR)]},
        },
        "start_token": {"type": "string", "minLength": 1, "maxLength": 64,
                        "description": "from POST /quizzes/{id}/start; required for a timed "
                                       "quiz"},
    }, optional=("start_token",)),
    "AttemptResult": obj({
        "attempt_id": INT,
        "score": {"type": "number", "minimum": 0, "maximum": 100, "description": "percent"},
        "passed": BOOL,
        "attempts_left": {**nullable(INT), "description": "null when unlimited"},
        "questions": array(obj({"id": STR, "correct": BOOL, "explanation_html": STR})),
    }),
    "CourseProgress": obj({"slug": STR, "title": STR,
                               "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                               "completed_at": nullable(DATETIME)}),
    "OutsideTraining": obj({
        "title": STR, "provider": STR,
        "kind": {"type": "string", "description": "e.g. pelatihan klasikal, seminar/konferensi, "
                                                  "bimbingan teknis, coaching, mentoring"},
        "certificate_number": STR}),
    "Evidence": obj({"course": {**nullable(STR),
                                    "description": "course slug; null for outside training"},
                         "version": {**nullable(INT),
                                     "description": "course version; null for outside training"},
                         "training": {**nullable(ref("OutsideTraining")),
                                      "description": "the validated outside training this "
                                                     "evidence comes from; null for a course"},
                         "completed_at": DATETIME, "score": nullable(NUM),
                         "level": INT, "validated": BOOL,
                         "status": {"type": "string",
                                    "enum": ["pending", "validated", "rejected"]},
                         "validated_at": nullable(DATETIME),
                         "validated_by": {**nullable(STR), "description": "NIP"}}),
    "CompetencyProfileRow": obj({
        "code": STR, "name": STR,
        "level": {"type": "integer", "minimum": 0, "maximum": 5,
                  "description": "highest evidenced level, 0 when none"},
        "required_level": {**nullable(INT), "description": "level the position requires"},
        "validated_level": {"type": "integer", "minimum": 0, "maximum": 5,
                            "description": "highest level a manager validated"},
        "gap": {"type": "integer", "minimum": 0, "description": "required minus evidenced"},
        "evidence": array(ref("Evidence")),
    }),
    "SiasnState": obj({
        "status": {"enum": ["not_sent", "sending", "sent", "manual", "refused"],
                   "description": "not_sent: not in SIASN yet; sending: sent by a push whose "
                                  "answer is not stored yet (checked by the next push); sent: "
                                  "recorded in SIASN (rw_kursus_id); manual: recorded by hand; "
                                  "refused: SIASN refused it (error), sent again by the next "
                                  "push"},
        "rw_kursus_id": {**nullable(STR), "description": "SIASN's rwKursusId"},
        "sent_at": nullable(DATETIME),
        "error": {**nullable(STR), "description": "SIASN's reason for a refusal"},
        "document": {**nullable(STR), "enum": ["pending", "uploaded", "failed", "none", None],
                     "description": "the certificate PDF sent to upload-dok-rw"},
    }),
    "JpRecord": obj({
        "certificate_number": STR, "title": STR,
        "source": {"enum": ["course", "outside_training", "mentoring"]}, "kind": STR,
        "provider": nullable(STR), "jp": INT,
        "started_on": {"type": "string", "format": "date"},
        "ended_on": {"type": "string", "format": "date"}, "siasn": ref("SiasnState"),
    }),
    "JpYear": obj({"year": INT, "attained": INT, "target": INT, "met": BOOL,
                       "records": array(ref("JpRecord"))}),
    "Profile": obj({"nip": STR, "name": STR, "unit": ref("Unit"),
                        "position": {**nullable(STR), "description": "position name"},
                        "position_code": nullable(STR),
                        "position_type": {**nullable(STR), "enum": [
                            "JPT", "administrator", "pengawas", "fungsional", "pelaksana", None]},
                        "golongan": nullable(STR),
                        "competencies": array(ref("CompetencyProfileRow")),
                        "jp": ref("JpYear")}),
    "ReportEmployee": obj({"nip": STR, "name": STR,
                               "unit": {"type": "string", "description": "unit code"},
                               "courses_completed": INT, "jp": INT, "jp_target": INT,
                               "met": BOOL, "overdue": INT}),
    "NeedCourse": obj({"slug": STR, "title": STR, "jp": INT, "level": INT,
                           "helps": {**INT, "description": "employees it raises"},
                           "closes": {**INT, "description": "employees it brings to the "
                                                            "required level"},
                           "completed": INT, "in_progress": INT}),
    "CompetencyNeed": obj({"code": STR, "name": STR,
                               "total_gap": {**INT, "description": "levels missing, summed"},
                               "employees_below": INT, "highest_required": INT,
                               "courses": array(ref("NeedCourse"))}),
    "UnitNeeds": obj({"unit": ref("Unit"), "employees": INT,
                          "needs": array(ref("CompetencyNeed"))}),
    "UnitReport": obj({
        "unit": ref("Unit"), "year": INT, "employees": array(ref("ReportEmployee")),
        "summary": obj({"employees": INT, "met": INT,
                            "percent_met": {"type": "integer", "minimum": 0, "maximum": 100}}),
    }),
}
