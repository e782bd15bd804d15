"""Turning a course package (folder or zip) into a CoursePackage, or every error it has."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .assets import asset_problem
from .archive import PackageFiles, read_package
from .frontmatter import (
    ID_PATTERN,
    SLUG_PATTERN,
    FieldReader,
    FrontMatter,
    split_front_matter,
    trim_markdown,
)
from .model import (
    DEFAULT_EVALUATION_AFTER_DAYS,
    MAX_EVALUATION_AFTER_DAYS,
    TASK_FILE,
    ApplicationTask,
    CompetencyRef,
    ContentError,
    CoursePackage,
    Item,
    Lesson,
    Module,
    N_,
    PackageInvalid,
    Quiz,
)
from .quizparse import parse_quiz_body
from .render import LinkResolver, package_path, relative_targets, render_inline, render_markdown

COURSE_KEYS = (
    "title", "summary", "language", "jp", "competencies", "kind", "provider", "prerequisites",
    "evaluation_after_days",
)
MODULE_KEYS = ("title", "summary")
LESSON_KEYS = ("title", "minutes", "id")
QUIZ_KEYS = (
    "title", "id", "passing_score", "max_attempts", "shuffle", "time_limit_minutes", "required",
    "scoring", "retake_after_pass", "show_answers",
)
TASK_KEYS = ("title", "due_days")
MAX_TASK_DUE_DAYS = 365
SHOW_ANSWERS = ("always", "after-passing", "after-last-attempt")
COMPETENCY_CODE = re.compile(r"^[A-Z]{1,3}\.\d{2}$")

_MODULE_FOLDER = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
_ITEM_FILE = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)(\.quiz)?\.md$")


def load_package(
    path: str | Path,
    *,
    resolve_link: LinkResolver | None = None,
    known_competencies: set[str] | None = None,
) -> CoursePackage:
    """Load a course folder or ``.zip``; raise PackageInvalid listing every error found."""
    slug, files, errors = read_package(Path(path))
    if errors:
        raise PackageInvalid(errors)
    return load_package_files(
        slug, files, resolve_link=resolve_link, known_competencies=known_competencies
    )


def check_package(
    path: str | Path, known_competencies: set[str] | None = None
) -> list[ContentError]:
    """Every content error of a course folder or ``.zip``; empty when it is valid."""
    try:
        load_package(path, known_competencies=known_competencies)
    except PackageInvalid as exc:
        return exc.errors
    return []


def load_package_files(
    slug: str,
    files: PackageFiles,
    *,
    resolve_link: LinkResolver | None = None,
    known_competencies: set[str] | None = None,
    link_resolver: Callable[[dict[str, str]], LinkResolver] | None = None,
    render: bool = True,
) -> CoursePackage:
    """Load a package already in memory (package-relative path → bytes), as export produces.
    ``link_resolver``, instead of ``resolve_link``, builds the resolver from the package's item
    ids by file path (links to a lesson become its page's URL) in the same single pass.
    ``render=False`` leaves every HTML field empty (the same checks, the same Markdown): enough
    for ``package_files`` and its hash, at a fraction of the cost."""
    loader = _Loader(files, resolve_link, known_competencies, render)
    if link_resolver is not None:
        loader.resolve_link = link_resolver(loader.item_ids_by_path())
    package = loader.course(slug)
    if loader.errors:
        raise PackageInvalid(sorted(loader.errors, key=_error_order))
    return package


class _Loader:
    """One pass over a package's files; collects errors instead of stopping at the first."""

    def __init__(
        self,
        files: PackageFiles,
        resolve_link: LinkResolver | None,
        known_competencies: set[str] | None,
        render: bool = True,
    ):
        self.rendering = render
        self.files = {p: b for p, b in files.items() if p != "README.md"}
        self.folders = {p.rsplit("/", i)[0] for p in self.files for i in range(1, p.count("/") + 1)}
        self.resolve_link = resolve_link
        self.known_competencies = known_competencies
        self.errors: list[ContentError] = []
        self.item_ids: dict[str, str] = {}
        self.question_ids: dict[str, str] = {}
        self.parsed: dict[str, FrontMatter] = {}
        self.language = "id"  # the course's, read from course.md before anything is rendered

    def item_ids_by_path(self) -> dict[str, str]:
        """Each item file's id (its ``id`` or its slug), read before anything is rendered."""
        ids = {}
        for file in self.files:
            folder, _, name = file.partition("/")
            match = _ITEM_FILE.match(name)
            if match and _MODULE_FOLDER.match(folder):
                value = self.front_matter(file).data.get("id")
                valid = isinstance(value, str) and ID_PATTERN.match(value)
                ids[file] = value if valid else match.group(2)
        return ids

    def course(self, slug: str) -> CoursePackage:
        if not SLUG_PATTERN.match(slug):
            self.error("course.md", 1,
                       N_("nama folder kursus '%(slug)s' bukan slug (a-z, 0-9, '-')"), slug=slug)
        fm = self.front_matter("course.md")
        fields = FieldReader(fm, self.errors, COURSE_KEYS)
        language = fields.choice("language", ("id", "en"), "id")
        self.language = language
        modules = self.modules()
        description = self.markdown(fm, "")
        return CoursePackage(
            slug=slug,
            title=fields.text("title", required=True),
            summary=fields.text("summary", required=True),
            language=language,
            jp=fields.integer("jp", required=True, minimum=1) or 0,
            competencies=self.competencies(fm, fields),
            kind=fields.text("kind", default="e-learning"),
            provider=fields.optional_text("provider"),
            prerequisites=self.prerequisites(fm, fields, slug),
            description_md=description,
            description_html=self.render(description, ""),
            modules=modules,
            assets={p: b for p, b in self.files.items() if p.startswith("assets/")},
            evaluation_after_days=fields.integer(
                "evaluation_after_days", default=DEFAULT_EVALUATION_AFTER_DAYS, minimum=0,
                maximum=MAX_EVALUATION_AFTER_DAYS) or 0,
            task=self.task(),
        )

    def task(self) -> ApplicationTask | None:
        """The optional ``tugas.md``: a title, an optional ``due_days`` and the task's text."""
        if TASK_FILE not in self.files:
            return None
        fm = self.front_matter(TASK_FILE)
        fields = FieldReader(fm, self.errors, TASK_KEYS)
        body = self.markdown(fm, "")
        if fm.valid and not body:
            self.error(TASK_FILE, fm.body_line, N_(
                "tugas tidak berisi teks: tuliskan apa yang dikerjakan peserta di tempat kerja "
                "dan apa yang dilaporkannya"))
        return ApplicationTask(
            title=fields.text("title", required=True),
            due_days=fields.integer("due_days", minimum=1, maximum=MAX_TASK_DUE_DAYS),
            body_md=body,
            html=self.render(body, ""),
        )

    def competencies(self, fm: FrontMatter, fields: FieldReader) -> tuple[CompetencyRef, ...]:
        entries = fm.data.get("competencies") or []
        if not isinstance(entries, list):
            fields.error("competencies", N_("'competencies' harus berupa daftar {code, level}"))
            return ()
        result: list[CompetencyRef] = []
        for index, entry in enumerate(entries):
            line = fm.item_line("competencies", index)
            code = entry.get("code") if isinstance(entry, dict) else None
            level = entry.get("level") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or set(entry) != {"code", "level"}:
                self.error(fm.file, line, N_("setiap kompetensi ditulis {code: M.04, level: 2}"))
            elif not isinstance(code, str) or not COMPETENCY_CODE.match(code):
                self.error(fm.file, line, N_("kode kompetensi harus seperti M.04 atau SK.01: "
                                             "%(code)s"), code=repr(code))
            elif type(level) is not int or not 1 <= level <= 5:
                self.error(fm.file, line, N_("level kompetensi harus 1–5: %(level)s"),
                           level=repr(level))
            elif self.known_competencies is not None and code not in self.known_competencies:
                self.error(fm.file, line, N_("kode kompetensi %(code)s tidak dikenal"), code=code)
            elif any(ref.code == code for ref in result):
                self.error(fm.file, line, N_("kompetensi %(code)s tercantum dua kali"), code=code)
            else:
                result.append(CompetencyRef(code, level))
        return tuple(result)

    def prerequisites(self, fm: FrontMatter, fields: FieldReader, slug: str) -> tuple[str, ...]:
        slugs = fm.data.get("prerequisites") or []
        if not isinstance(slugs, list):
            fields.error("prerequisites", N_("'prerequisites' harus berupa daftar slug kursus"))
            return ()
        for index, value in enumerate(slugs):
            if not isinstance(value, str) or not SLUG_PATTERN.match(value) or value == slug:
                problem = (N_("%(value)s adalah prasyarat bagi dirinya sendiri") if value == slug
                           else N_("%(value)s bukan slug kursus"))
                self.error(fm.file, fm.item_line("prerequisites", index), problem,
                           value=repr(value))
        return tuple(str(s) for s in slugs)

    def modules(self) -> tuple[Module, ...]:
        folders: dict[str, list[str]] = {}
        for file in sorted(self.files):
            top, _, rest = file.partition("/")
            if top == "assets" and rest:
                problem = asset_problem(file, self.files[file])
                if problem:
                    self.error(file, 1, problem[0], **problem[1])
                continue
            if not rest:
                if file not in ("course.md", TASK_FILE):
                    self.error(file, 1, N_("berkas tak terduga: tingkat teratas hanya berisi "
                                           "course.md, tugas.md, NN-slug/ dan assets/"))
            elif not _MODULE_FOLDER.match(top):
                self.error(file, 1, N_("folder tak terduga '%(folder)s': folder modul dinamai "
                                       "NN-slug"), folder=top)
            else:
                folders.setdefault(top, []).append(rest)
        if not folders:
            self.error("course.md", 1, N_("kursus tidak memiliki modul (folder bernama NN-slug)"))
        return tuple(self.module(folder, folders[folder]) for folder in sorted(folders, key=_order))

    def module(self, folder: str, names: list[str]) -> Module:
        has_module_md = "module.md" in names
        items: list[Item] = []
        for name in sorted(names, key=_order):
            if name == "module.md":
                continue
            file = f"{folder}/{name}"
            match = _ITEM_FILE.match(name)
            if "/" in name:
                self.error(file, 1, N_("sub-folder tak terduga di dalam modul: gambar disimpan "
                                       "di assets/"))
            elif match:
                items.append(self.item(file, folder, match.group(2), bool(match.group(3))))
            elif name.endswith(".md"):
                self.error(file, 1, N_("berkas materi dinamai NN-slug.md dan kuis "
                                       "NN-slug.quiz.md"))
            else:
                self.error(file, 1, N_("berkas tak terduga di dalam modul: gambar disimpan di "
                                       "assets/"))
        if not has_module_md:
            self.error(f"{folder}/module.md", 1, N_("module.md tidak ada (berisi judul modul)"))
        if not items:
            self.error(f"{folder}/module.md", 1, N_("modul tidak memiliki materi atau kuis"))
        fm = self.front_matter(f"{folder}/module.md") if has_module_md else FrontMatter("")
        fields = FieldReader(fm, self.errors, MODULE_KEYS)
        intro = self.markdown(fm, folder)
        return Module(
            slug=_MODULE_FOLDER.match(folder).group(2),
            title=fields.text("title", required=has_module_md),
            summary=fields.text("summary"),
            intro_md=intro,
            intro_html=self.render(intro, folder),
            items=tuple(items),
            path=folder,
        )

    def item(self, file: str, folder: str, slug: str, is_quiz: bool) -> Item:
        fm = self.front_matter(file)
        fields = FieldReader(fm, self.errors, QUIZ_KEYS if is_quiz else LESSON_KEYS)
        item_id = fields.item_id(slug)
        self.unique(self.item_ids, item_id, file, file, fm.line("id"))
        if not is_quiz:
            body = self.markdown(fm, folder)
            return Lesson(
                id=item_id,
                slug=slug,
                title=fields.text("title", required=True),
                minutes=fields.integer("minutes", minimum=1),
                body_md=body,
                html=self.render(body, folder),
                path=file,
            )
        self.check_links(fm, folder)
        parsed = parse_quiz_body(
            fm.body,
            fm.body_line,
            file,
            item_id,
            self.errors,
            render_block=partial(self.render, base_dir=folder),
            render_line=partial(self.render_line, base_dir=folder),
        )
        for question in parsed.questions:
            where = f"{file}:{question.line}"
            self.unique(self.question_ids, question.id, where, file, question.line)
        max_attempts = fields.integer("max_attempts", default=0, minimum=0)
        retake = fields.boolean("retake_after_pass", False)
        show_answers = fields.choice("show_answers", SHOW_ANSWERS, "after-passing")
        if show_answers == "after-last-attempt" and not max_attempts and retake:
            fields.error("show_answers", N_(
                "'show_answers: after-last-attempt' dengan percobaan tanpa batas dan "
                "retake_after_pass: jawaban tidak akan pernah ditampilkan"))
        return Quiz(
            id=item_id,
            slug=slug,
            title=fields.text("title", required=True),
            passing_score=fields.integer("passing_score", default=70, minimum=0, maximum=100),
            max_attempts=max_attempts,
            shuffle=fields.boolean("shuffle", False),
            time_limit_minutes=fields.integer("time_limit_minutes", default=0, minimum=0),
            required=fields.boolean("required", True),
            scoring=fields.choice("scoring", ("all-or-nothing", "partial"), "all-or-nothing"),
            intro_md=parsed.intro_md,
            intro_html=self.render(parsed.intro_md, folder),
            questions=tuple(parsed.questions),
            path=file,
            retake_after_pass=retake,
            show_answers=show_answers,
        )

    def front_matter(self, file: str) -> FrontMatter:
        # Parsed once per file, so its errors are reported once however often it is read.
        if file not in self.parsed:
            self.parsed[file] = self._parse_front_matter(file)
        return self.parsed[file]

    def _parse_front_matter(self, file: str) -> FrontMatter:
        data = self.files.get(file)
        if data is None:
            self.error(file, 1, N_("%(name)s tidak ada"), name=file)
            return FrontMatter(file, valid=False)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.error(file, line, N_("berkas bukan teks UTF-8"))
            return FrontMatter(file, valid=False)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return split_front_matter(text, file, self.errors)

    def markdown(self, fm: FrontMatter, base_dir: str) -> str:
        # The body as stored: trimmed, so export and reload give the same text.
        self.check_links(fm, base_dir)
        return trim_markdown(fm.body)

    def check_links(self, fm: FrontMatter, base_dir: str) -> None:
        for line, target in relative_targets(fm.body):
            path = package_path(target, base_dir)
            if path is None:
                self.error(fm.file, fm.body_line + line - 1,
                           N_("tautan keluar dari paket: %(target)s"), target=target)
            elif path not in self.files and path not in self.folders and path != "":
                self.error(fm.file, fm.body_line + line - 1, N_("berkas tidak ada: %(path)s"),
                           path=path)

    def render(self, md: str, base_dir: str) -> str:
        if not md or not self.rendering:
            return ""
        return render_markdown(md, resolve_link=self.resolve_link, base_dir=base_dir,
                               language=self.language)

    def render_line(self, md: str, base_dir: str) -> str:
        if not self.rendering:
            return ""
        return render_inline(md, resolve_link=self.resolve_link, base_dir=base_dir,
                             language=self.language)

    def unique(self, seen: dict[str, str], value: str, where: str, file: str, line: int) -> None:
        # Ids are compared case-insensitively: URLs and databases may not tell case apart.
        first = seen.setdefault(value.lower(), where)
        if first != where:
            self.error(file, line, N_("id '%(id)s' ganda (juga di %(where)s)"), id=value,
                       where=first)

    def error(self, file: str, line: int, message: str, **params: object) -> None:
        self.errors.append(ContentError(file, line, message, params))


def _order(name: str) -> tuple[int, str]:
    number = re.match(r"\d+", name)
    return (int(number.group(0)) if number else -1, name)


def _error_order(error: ContentError) -> tuple[str, int]:
    return (error.file, error.line)
