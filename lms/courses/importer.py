"""The only bridge from ``lms.content`` packages to the database: import and export."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency
from lms.content import (
    CompetencyRef,
    ContentError,
    CoursePackage,
    Lesson,
    Module as PackageModule,
    Option,
    PackageInvalid,
    Question,
    Quiz,
    ShortAnswer,
    load_package_files,
    package_files,
)
from lms.content.assets import asset_content_type
from lms.content.archive import read_package
from lms.courses.models import Course, CourseAsset, CourseCompetency, CourseVersion, Item, Module
from lms.learning.services import complete_due_enrollments


@dataclass(frozen=True)
class ImportResult:
    """What importing one package did."""

    slug: str
    version: int
    status: str  # "created", "published" or "unchanged"


def asset_url(slug: str, number: int, path: str) -> str:
    """Public URL of a version's asset (immutable, so cacheable forever)."""
    return f"/kursus/{slug}/v{number}/{path}"


def lesson_url(slug: str, key: str) -> str:
    """URL of an item page, used to rewrite links between lessons of a package."""
    return f"/kursus/{slug}/materi/{key}"


def load_for_import(session: Session, path: str | Path) -> CoursePackage:
    """Parse and validate a package, with links rewritten for the version it would become."""
    slug, files, errors = read_package(Path(path))
    if errors:
        raise PackageInvalid(errors)
    return load_files_for_import(session, slug, files)


def load_files_for_import(session: Session, slug: str, files: dict[str, bytes]) -> CoursePackage:
    """``load_for_import`` for a package held in memory (an upload or a web draft)."""
    known = set(session.scalars(select(Competency.code)))
    draft = load_package_files(slug, files, known_competencies=known)
    course = session.scalar(select(Course).where(Course.slug == draft.slug))
    number = (course.current_number if course else 0) + 1
    keys = {item.path: item.id for item in draft.items()}

    def resolve(target: str) -> str | None:
        if target in keys:
            return lesson_url(draft.slug, keys[target])
        return asset_url(draft.slug, number, target)

    return load_package_files(slug, files, resolve_link=resolve, known_competencies=known)


def import_packages(
    session: Session, paths: list[str | Path], published_by: User | None = None
) -> list[ImportResult]:
    """Validate every package first; raise PackageInvalid (changing nothing) if any is wrong,
    else import each as a new course or a new version. Flushes, does not commit."""
    packages: list[CoursePackage] = []
    errors: list[ContentError] = []
    for path in paths:
        try:
            packages.append(load_for_import(session, path))
        except PackageInvalid as exc:  # name the package, as `lms check` does
            errors.extend(ContentError(f"{Path(path) / e.file}", e.line, e.message)
                          for e in exc.errors)
    slugs = [p.slug for p in packages]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        errors.append(ContentError("course.md", 1, f"course {slug} is given more than once"))
    if errors:
        raise PackageInvalid(errors)
    return [publish(session, package, published_by) for package in packages]


def package_hash(package: CoursePackage) -> str:
    """Content hash of the canonical package, to skip re-publishing identical content."""
    digest = hashlib.sha256()
    for name, data in sorted(package_files(package).items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def publish(session: Session, package: CoursePackage, published_by: User | None) -> ImportResult:
    """Store a validated package as the course's next version (or do nothing if unchanged)."""
    content_hash = package_hash(package)
    course = session.scalar(select(Course).where(Course.slug == package.slug))
    if course is None:
        course = Course(slug=package.slug)
        session.add(course)
        session.flush()
        status = "created"
    else:
        current = current_version(session, course)
        if current is not None and current.package_hash == content_hash:
            return ImportResult(package.slug, current.number, "unchanged")
        status = "published"
    course.current_number += 1
    version = CourseVersion(
        course=course, number=course.current_number, title=package.title,
        summary=package.summary, language=package.language, jp=package.jp, kind=package.kind,
        provider=package.provider, prerequisites=list(package.prerequisites),
        description_md=package.description_md, description_html=package.description_html,
        package_hash=content_hash, published_by_id=published_by.id if published_by else None,
        competencies=[
            CourseCompetency(competency_code=c.code, level=c.level) for c in package.competencies
        ],
    )
    session.add(version)
    session.flush()
    for m_pos, pmod in enumerate(package.modules, start=1):
        module = Module(
            version_id=version.id, position=m_pos, slug=pmod.slug, title=pmod.title,
            summary=pmod.summary, intro_md=pmod.intro_md, intro_html=pmod.intro_html,
        )
        session.add(module)
        session.flush()
        session.add_all(_item_row(version.id, module.id, pos, item)
                        for pos, item in enumerate(pmod.items, start=1))
    session.add_all(
        CourseAsset(version_id=version.id, path=path, data=data,
                    content_type=asset_content_type(path))
        for path, data in package.assets.items()
    )
    session.flush()
    if status == "published":
        # Learners whose last open items this version drops are done now, not at their
        # next click (which may never come: nothing is left for them to do).
        complete_due_enrollments(session, version)
    return ImportResult(package.slug, version.number, status)


def _item_row(version_id: int, module_id: int, position: int, item: Lesson | Quiz) -> Item:
    if isinstance(item, Lesson):
        return Item(
            version_id=version_id, module_id=module_id, position=position, kind="lesson",
            key=item.id, slug=item.slug, title=item.title, minutes=item.minutes,
            body_md=item.body_md, body_html=item.html,
        )
    settings = asdict(item)
    for field in ("id", "slug", "title", "path", "kind"):
        settings.pop(field)
    return Item(
        version_id=version_id, module_id=module_id, position=position, kind="quiz",
        key=item.id, slug=item.slug, title=item.title, minutes=item.time_limit_minutes or None,
        required=item.required,
        body_md=item.intro_md, body_html=item.intro_html, quiz=settings,
    )


def current_version(session: Session, course: Course) -> CourseVersion | None:
    """The course's published version learners see now."""
    return session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id, CourseVersion.number == course.current_number
        )
    )


def version_to_package(session: Session, version: CourseVersion) -> CoursePackage:
    """Rebuild the package dataclasses of a stored version (for export)."""
    assets = {
        a.path: a.data
        for a in session.scalars(select(CourseAsset).where(CourseAsset.version_id == version.id))
    }
    modules = []
    for module in version.modules:
        folder = f"{module.position:02d}-{module.slug}"
        items: list[Lesson | Quiz] = []
        for pos, item in enumerate(module.items, start=1):
            if item.kind == "lesson":
                items.append(Lesson(
                    id=item.key, slug=item.slug, title=item.title, minutes=item.minutes,
                    body_md=item.body_md, html=item.body_html,
                    path=f"{folder}/{pos:02d}-{item.slug}.md",
                ))
            else:
                items.append(quiz_from_item(item, path=f"{folder}/{pos:02d}-{item.slug}.quiz.md"))
        modules.append(PackageModule(
            slug=module.slug, title=module.title, summary=module.summary,
            intro_md=module.intro_md, intro_html=module.intro_html, items=tuple(items),
            path=folder,
        ))
    return CoursePackage(
        slug=version.course.slug, title=version.title, summary=version.summary,
        language=version.language, jp=version.jp,
        competencies=tuple(CompetencyRef(c.competency_code, c.level) for c in version.competencies),
        kind=version.kind, provider=version.provider, prerequisites=tuple(version.prerequisites),
        description_md=version.description_md, description_html=version.description_html,
        modules=tuple(modules), assets=assets,
    )


def quiz_from_item(item: Item, path: str = "") -> Quiz:
    """The frozen Quiz (questions with answers) stored on a quiz item."""
    data: dict[str, Any] = dict(item.quiz or {})
    questions = tuple(
        Question(**{
            **q,
            "options": tuple(Option(**o) for o in q["options"]),
            "answers": tuple(ShortAnswer(**a) for a in q["answers"]),
        })
        for q in data.pop("questions")
    )
    return Quiz(id=item.key, slug=item.slug, title=item.title, path=path,
                questions=questions, **data)
