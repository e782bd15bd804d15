"""Published course versions kept in memory, per process: a version never changes once
published, so each is read from the database once and then served from here.

The cached objects are detached ORM objects with everything a learner page reads loaded
(course, competencies, application task, modules, items with their bodies and quizzes). They belong to no
session: request code reads them and never adds them to a session (nothing in the learner
path assigns them to a relationship). A version is found by its id and package hash, so a
database restored or emptied under a running process (tests do that) cannot serve another
version's content under a reused id."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from lms.courses.models import CourseVersion, Item, Module

if TYPE_CHECKING:
    from lms.content import Quiz

EXTENSION = "lms.version_cache"


@dataclass(frozen=True)
class Outline:
    """What learner pages look up in a version on every view, worked out once per cached
    version: its items in course order, where each key stands, the keys completion requires."""

    items: tuple[Item, ...]
    position: dict[str, int]
    required: tuple[str, ...]

    @classmethod
    def of(cls, version: CourseVersion) -> Outline:
        items = tuple(item for module in version.modules for item in module.items)
        return cls(items, {item.key: n for n, item in enumerate(items)},
                   tuple(item.key for item in items if item.required))


@dataclass
class _Entry:
    version: CourseVersion
    size: int
    quizzes: dict[str, Quiz] = field(default_factory=dict)
    outline: Outline | None = None


class VersionCache:
    """A least-recently-used map of version (id, package hash) to its loaded version, bounded
    by the approximate size of the text it holds. Safe for concurrent requests."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple[int, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int, package_hash: str) -> CourseVersion | None:
        """The version, loaded through ``session``'s connection on first use."""
        key = (version_id, package_hash)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and inspect(entry.version).session_id is None:
                self._entries.move_to_end(key)
                return entry.version
        version = _load(session, version_id)
        if version is None or version.package_hash != package_hash:
            return version
        self._put(key, _Entry(version, _size(version)))
        return version

    def quiz(self, version: CourseVersion, key: str) -> Quiz | None:
        """The parsed quiz of a cached version's item (parsed once), or None."""
        from lms.courses.importer import quiz_from_item  # the importer is heavy: load late

        item = next((i for m in version.modules for i in m.items
                     if i.key == key and i.kind == "quiz"), None)
        if item is None:
            return None
        with self._lock:
            entry = self._entries.get((version.id, version.package_hash))
            cached = entry.quizzes.get(key) if entry and entry.version is version else None
        if cached is not None:
            return cached
        quiz = quiz_from_item(item)
        if entry is not None and entry.version is version:
            with self._lock:
                entry.quizzes[key] = quiz
        return quiz

    def outline(self, version: CourseVersion) -> Outline:
        """The outline of a version, kept with it when it is cached (worked out afresh for
        any other)."""
        with self._lock:
            entry = self._entries.get((version.id, version.package_hash))
        if entry is None or entry.version is not version:
            return Outline.of(version)
        if entry.outline is None:
            entry.outline = Outline.of(version)  # the same value if two requests race here
        return entry.outline

    def clear(self) -> None:
        """Forget every version (for tests and after a restore)."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def _put(self, key: tuple[int, str], entry: _Entry) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self._entries[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes and len(self._entries) > 1:
                _key, evicted = self._entries.popitem(last=False)
                self.size -= evicted.size


def _load(session: Session, version_id: int) -> CourseVersion | None:
    """Load a version completely in a session of its own on the caller's connection (so it
    sees the caller's transaction), then close that session, leaving the objects detached."""
    loader = Session(bind=session.connection())
    try:
        version = loader.scalar(
            select(CourseVersion).where(CourseVersion.id == version_id)
            .options(selectinload(CourseVersion.course),
                     selectinload(CourseVersion.competencies),
                     selectinload(CourseVersion.task),
                     selectinload(CourseVersion.modules).selectinload(Module.items)))
        if version is not None:
            for module in version.modules:
                for item in module.items:
                    item.module  # noqa: B018 - set the back reference while attached
    finally:
        loader.close()
    return version


def _size(version: CourseVersion) -> int:
    """Roughly the bytes of text a version holds (bodies, descriptions, quizzes)."""
    size = len(version.description_html) + len(version.description_md) + 2048
    for module in version.modules:
        size += len(module.intro_html) + len(module.intro_md) + 512
        for item in module.items:
            size += len(item.body_html) + len(item.body_md) + 512
            size += len(repr(item.quiz)) if item.quiz else 0
    return size


def version_cache() -> VersionCache:
    """The application's cache (made by ``create_app``)."""
    return current_app.extensions[EXTENSION]
