"""Course owners and web drafts (package files being edited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow


class CourseOwner(db.Model):
    """A trainer who may edit a course (its creator or someone added to it)."""

    __tablename__ = "course_owners"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship()


class CourseDraft(db.Model):
    """The package files of a course being edited on the web (one draft per course slug).

    ``revisions`` counts the saves of every file, so an editor that loaded an older revision
    cannot silently overwrite a newer one; ``lock`` guards the row itself against two
    concurrent saves (optimistic locking)."""

    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    base_number: Mapped[int] = mapped_column(default=0)  # the version it started from
    files: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # path → Markdown text
    revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # path → save count
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock: Mapped[int] = mapped_column(default=1)

    assets: Mapped[list[DraftAsset]] = relationship(
        order_by="DraftAsset.path", cascade="all, delete-orphan"
    )
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": lock}

    @property
    def title(self) -> str:
        """The course title in the draft's course.md, else the slug."""
        return self.file_title("course.md") or self.slug

    def file_title(self, path: str) -> str:
        """The ``title`` in a file's front matter ("" when it has none)."""
        # Imported here: the models are loaded by every ``lms`` command, the course package
        # code (Markdown, nh3) only by those that read packages.
        from lms.content.frontmatter import split_front_matter

        text = (self.files or {}).get(path)
        title = split_front_matter(text, path, []).data.get("title") if text else None
        return title.strip() if isinstance(title, str) else ""


class DraftAsset(db.Model):
    """A file in a draft's ``assets/`` folder (an uploaded image)."""

    __tablename__ = "draft_assets"
    __table_args__ = (UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("course_drafts.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
