"""Imports every model module so the metadata (and Alembic) sees all tables."""

from lms.application_tasks.models import TaskSubmission
from lms.audit.models import AuditEvent
from lms.auth.models import ApiToken, LoginFailure, User, UserRole
from lms.authoring.models import CourseDraft, CourseOwner, DraftAsset
from lms.certificates.models import Certificate, RequestCount, SigningKey
from lms.competency.models import (Competency, CompetencyEvidence, CompetencyLevel,
                                   ExternalTraining, JpLedgerEntry)
from lms.courses.models import (Course, CourseAsset, CourseCompetency, CourseTask, CourseVersion,
                                Item, Module)
from lms.evaluation.models import CourseFeedback, TransferQuestionSet, TransferResponse
from lms.learning.models import Enrollment, LessonCompletion
from lms.mentoring.models import MentoringMentee, MentoringProgramme, MentoringSession
from lms.notifications.models import Notification
from lms.offline.models import OfflineAction
from lms.org.models import Position, PositionCompetency, Unit
from lms.planning.models import AssignmentChange, CourseAssignment
from lms.quizzes.models import Attempt, QuizStart
from lms.siasn.models import SiasnKindCode, SiasnRecord
from lms.xapi.models import XapiStatement

__all__ = [
    "ApiToken", "AssignmentChange", "Attempt", "AuditEvent", "Certificate", "Competency", "CompetencyEvidence", "CompetencyLevel", "Course", "CourseAsset",
    "CourseAssignment", "CourseCompetency", "CourseTask", "CourseVersion", "Enrollment", "ExternalTraining", "Item",
    "JpLedgerEntry", "LessonCompletion", "LoginFailure", "MentoringMentee",
    "MentoringProgramme", "MentoringSession", "Module", "Notification", "OfflineAction",
    "Position",
    "PositionCompetency", "QuizStart", "RequestCount", "SiasnKindCode", "SiasnRecord",
    "SigningKey", "TaskSubmission", "TransferQuestionSet", "TransferResponse", "Unit", "User",
    "UserRole", "XapiStatement",
]
