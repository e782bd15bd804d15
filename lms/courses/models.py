"""Courses and their immutable published versions (modules, items, assets)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow


class Course(db.Model):
    """A course identity (its slug); content lives in ``CourseVersion`` rows."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    current_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseVersion(db.Model):
    """A published version; never changed after publishing."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8), default="id")
    jp: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40), default="e-learning")
    provider: Mapped[str | None] = mapped_column(String(200))
    prerequisites: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Days after completion when the transfer evaluation opens (0: none); see lms.evaluation.
    evaluation_after_days: Mapped[int] = mapped_column(default=60, server_default="60")
    description_md: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    package_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()
    competencies: Mapped[list[CourseCompetency]] = relationship(
        order_by="CourseCompetency.id", cascade="all, delete-orphan"
    )
    modules: Mapped[list[Module]] = relationship(
        order_by="Module.position", cascade="all, delete-orphan"
    )
    task: Mapped[CourseTask | None] = relationship(cascade="all, delete-orphan")


class CourseCompetency(db.Model):
    """A competency and level that completing a course version evidences."""

    __tablename__ = "course_competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    level: Mapped[int]


class Module(db.Model):
    """A module of a course version."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    intro_md: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[Item]] = relationship(
        order_by="Item.position", cascade="all, delete-orphan", back_populates="module"
    )


class Item(db.Model):
    """A lesson or quiz of a version; ``key`` is its stable id across versions."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # "lesson" or "quiz"
    key: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=True)  # counts toward completion
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # Quiz settings and questions with answers: grading reads them, pages never show them raw.
    quiz: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    module: Mapped[Module] = relationship(back_populates="items")


class CourseAsset(db.Model):
    """A file from a version's ``assets/`` folder."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SearchEntry(db.Model):
    """One searchable part of a published version — the course itself, a module, a lesson or a
    quiz — with its words as Indonesian stems. The engine indexes the stems in full text:
    SQLite through the FTS5 table ``search_fts``, PostgreSQL through a GIN index on their
    ``tsvector`` (both made by migration 0014; see ``lms.courses.search``)."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # "course", "module", "lesson" or "quiz"
    item_key: Mapped[str | None] = mapped_column(String(100))  # the lesson or quiz
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(String(200), default="")  # the module's title
    body: Mapped[str] = mapped_column(Text, default="")  # plain text, for the snippet
    title_stems: Mapped[str] = mapped_column(Text, default="")
    body_stems: Mapped[str] = mapped_column(Text, default="")


class CourseTask(db.Model):
    """A version's application task (tugas penerapan), from its package's ``tugas.md``: what
    a learner who completed the course does at work and reports on to their supervisor."""

    __tablename__ = "course_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    due_days: Mapped[int | None]  # the report is expected this many days after completion
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
