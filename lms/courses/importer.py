"""The only bridge from ``lms.content`` packages to the database: import and export."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.competency.models import Competency
from lms.content import (
    ApplicationTask,
    CompetencyRef,
    ContentError,
    CoursePackage,
    Lesson,
    Module as PackageModule,
    N_,
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
from lms.content.render import LinkResolver
from lms.courses.models import (Course, CourseAsset, CourseCompetency, CourseTask, CourseVersion,
                                Item, Module)
from lms.courses.search import index_version
from lms.learning.services import complete_due_enrollments


# From this many packages on, parsing and rendering (most of an import's time) use every CPU.
PARALLEL_FROM = 4


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
    return parse_for_import(_read(path), import_context(session))


def load_files_for_import(session: Session, slug: str, files: dict[str, bytes]) -> CoursePackage:
    """``load_for_import`` for a package held in memory (an upload or a web draft)."""
    return parse_for_import((slug, files), import_context(session))


@dataclass(frozen=True)
class ImportContext:
    """What parsing needs from the database: the framework's codes, each course's next number
    and the content hash of its current version."""

    known_competencies: frozenset[str]
    next_numbers: dict[str, int]
    current_hashes: dict[str, str] = field(default_factory=dict)

    def number(self, slug: str) -> int:
        """The version number the course ``slug`` gets if this import publishes it."""
        return self.next_numbers.get(slug, 1)


def import_context(session: Session) -> ImportContext:
    """Read what parsing for import needs from the database, once for all packages."""
    known = frozenset(session.scalars(select(Competency.code)))
    numbers, hashes = {}, {}
    for slug, current, content_hash in session.execute(
        select(Course.slug, Course.current_number, CourseVersion.package_hash).outerjoin(
            CourseVersion, (CourseVersion.course_id == Course.id)
            & (CourseVersion.number == Course.current_number))
    ):
        numbers[slug] = current + 1
        if content_hash:
            hashes[slug] = content_hash
    return ImportContext(known, numbers, hashes)


def _read(path: str | Path) -> tuple[str, dict[str, bytes]]:
    slug, files, errors = read_package(Path(path))
    if errors:
        raise PackageInvalid(errors)
    return slug, files


def parse_for_import(source: tuple[str, dict[str, bytes]], context: ImportContext,
                     render: bool = True) -> CoursePackage:
    """Parse, validate and render one package (slug, files) in one pass; no database.
    ``render=False``: the same without the HTML (see ``load_package_files``)."""
    slug, files = source
    return load_package_files(
        slug, files, known_competencies=set(context.known_competencies),
        link_resolver=partial(_version_links, slug, context.number(slug)), render=render)


def _version_links(slug: str, number: int, keys: dict[str, str]) -> LinkResolver:
    """Links to a lesson go to its page, links to other files to the new version's assets."""

    def resolve(target: str) -> str | None:
        if target in keys:
            return lesson_url(slug, keys[target])
        return asset_url(slug, number, target)

    return resolve


@dataclass(frozen=True)
class ParsedPackage:
    """A package ready to publish, with its content hash (computed where it was parsed).
    Not ``rendered``: the package is its course's current version, so its HTML was not made
    (publishing it changes nothing)."""

    package: CoursePackage
    content_hash: str
    rendered: bool = True


def _parse_path(path: str | Path, context: ImportContext) -> ParsedPackage | list[ContentError]:
    # Errors come back as a list: a pool process returns them by pickling.
    try:
        source = _read(path)
        current = context.current_hashes.get(source[0])
        if current is not None:
            # The hash does not depend on the HTML: an unchanged package is not rendered.
            bare = parse_for_import(source, context, render=False)
            content_hash = package_hash(bare)
            if content_hash == current:
                return ParsedPackage(bare, content_hash, rendered=False)
            return ParsedPackage(parse_for_import(source, context), content_hash)
        package = parse_for_import(source, context)
    except PackageInvalid as exc:
        return exc.errors
    return ParsedPackage(package, package_hash(package))


def parse_packages(paths: list[str | Path], context: ImportContext,
                   processes: int | None = None) -> list[ParsedPackage | list[ContentError]]:
    """Each package parsed, rendered and hashed, or its errors, in order: in a pool of
    processes (one per CPU by default) when there are at least PARALLEL_FROM packages."""
    if processes is None:
        processes = min(len(os.sched_getaffinity(0)), len(paths)) if (
            len(paths) >= PARALLEL_FROM) else 1
    if processes <= 1:
        return [_parse_path(path, context) for path in paths]
    # A single-threaded caller (`lms import`) forks: the children have everything imported.
    # With other threads (a web worker, the test runner) a fork would copy their held locks,
    # so a fork server, which imports the importer once, starts the processes instead.
    if threading.active_count() == 1:
        ctx = multiprocessing.get_context("fork")
    else:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        # Chunks keep each process busy without pickling one package per round trip.
        chunk = max(1, len(paths) // (processes * 4))
        return list(pool.map(partial(_parse_path, context=context), paths, chunksize=chunk))


def import_packages(
    session: Session, paths: list[str | Path], published_by: User | None = None,
    processes: int | None = None,
) -> list[ImportResult]:
    """Validate every package first; raise PackageInvalid (changing nothing) if any is wrong,
    else import each as a new course or a new version. Flushes, does not commit. Packages are
    parsed in ``processes`` processes (default: see ``parse_packages``)."""
    packages: list[tuple[str | Path, ParsedPackage]] = []
    errors: list[ContentError] = []
    parsed_all = parse_packages(paths, import_context(session), processes)
    for path, parsed in zip(paths, parsed_all, strict=True):
        if isinstance(parsed, list):  # name the package, as `lms check` does
            errors.extend(replace(e, file=f"{Path(path) / e.file}") for e in parsed)
        else:
            packages.append((path, parsed))
    slugs = [p.package.slug for _, p in packages]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        errors.append(ContentError("course.md", 1, N_("kursus %(slug)s diberikan lebih dari "
                                                      "sekali"), {"slug": slug}))
    if errors:
        raise PackageInvalid(errors)
    results = []
    for path, parsed in packages:
        package = parsed.package
        if not parsed.rendered:
            unchanged = _unchanged(session, package.slug, parsed.content_hash)
            if unchanged is not None:
                results.append(unchanged)
                continue
            # Another version was published since the import began: this one needs its HTML,
            # with the asset links of the number it gets now.
            package = parse_for_import(_read(path), import_context(session))
        results.append(publish(session, package, published_by, parsed.content_hash))
    return results


def _unchanged(session: Session, slug: str, content_hash: str) -> ImportResult | None:
    course = session.scalar(select(Course).where(Course.slug == slug))
    current = current_version(session, course) if course is not None else None
    if current is not None and current.package_hash == content_hash:
        return ImportResult(slug, current.number, "unchanged")
    return None


def package_hash(package: CoursePackage) -> str:
    """Content hash of the canonical package, to skip re-publishing identical content."""
    digest = hashlib.sha256()
    for name, data in sorted(package_files(package).items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def publish(session: Session, package: CoursePackage, published_by: User | None,
            content_hash: str | None = None) -> ImportResult:
    """Store a validated package as the course's next version (or do nothing if unchanged);
    ``content_hash`` is its ``package_hash`` when the caller has it already."""
    content_hash = content_hash or package_hash(package)
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
        evaluation_after_days=package.evaluation_after_days,
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
    if package.task is not None:
        task = package.task
        session.add(CourseTask(version_id=version.id, title=task.title, due_days=task.due_days,
                               body_md=task.body_md, body_html=task.html))
    index_version(session, version.id, package)
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
    task = session.scalar(select(CourseTask).where(CourseTask.version_id == version.id))
    return CoursePackage(
        slug=version.course.slug, title=version.title, summary=version.summary,
        language=version.language, jp=version.jp,
        competencies=tuple(CompetencyRef(c.competency_code, c.level) for c in version.competencies),
        kind=version.kind, provider=version.provider, prerequisites=tuple(version.prerequisites),
        description_md=version.description_md, description_html=version.description_html,
        modules=tuple(modules), assets=assets,
        task=ApplicationTask(title=task.title, due_days=task.due_days, body_md=task.body_md,
                             html=task.body_html) if task is not None else None,
        evaluation_after_days=version.evaluation_after_days,
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
