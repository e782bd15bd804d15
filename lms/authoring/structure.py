"""The shape of a draft: its modules and items, adding, moving and deleting them, images."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from lms.auth.models import User
from lms.authoring.drafts import DraftError, document, touch
from lms.authoring.models import CourseDraft, DraftAsset
from lms.content import TASK_FILE, ContentError
from lms.content.assets import asset_problem
from lms.content.export import _relink
from lms.content.frontmatter import SLUG_PATTERN, slug_from_title, split_front_matter
from lms.content.gift import NO_QUESTION, gift_to_quiz

ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".webp": "image/webp"}
MAX_ASSET_BYTES = 2 * 1024 * 1024
_NUMBERED = re.compile(r"^(\d{2,})-(.+)$")
_ITEM_SUFFIX = re.compile(r"(\.quiz)?\.md$")


@dataclass
class DraftItem:
    """A lesson or quiz file of a draft, as listed in the editor."""

    path: str
    title: str
    kind: str  # "lesson" or "quiz"


@dataclass
class DraftModule:
    """A module folder of a draft and its items."""

    folder: str
    title: str
    items: list[DraftItem] = field(default_factory=list)


def outline(draft: CourseDraft) -> list[DraftModule]:
    """The draft's modules and items in package order, with titles from the front matter."""
    modules: dict[str, DraftModule] = {}
    for path in sorted(draft.files):
        if "/" not in path:
            continue
        folder, name = path.split("/", 1)
        module = modules.setdefault(folder, DraftModule(folder, folder))
        if name == "module.md":
            module.title = _front_matter(draft.files[path]).get("title") or folder
        elif "/" not in name:
            kind = "quiz" if name.endswith(".quiz.md") else "lesson"
            title = _front_matter(draft.files[path]).get("title") or name
            module.items.append(DraftItem(path, str(title), kind))
    return [modules[k] for k in sorted(modules)]


@dataclass(frozen=True)
class FileTitles:
    """Whose file it is, by title: the course, the module (None for course.md) and the lesson
    or quiz (None for course.md and module.md)."""

    course: str
    module: str | None = None
    item: str | None = None


def file_titles(draft: CourseDraft, path: str) -> FileTitles:
    """The titles a draft file's page is headed with (the path is only a detail)."""
    if "/" not in path:
        return FileTitles(draft.title)
    folder, name = path.split("/", 1)
    module = draft.file_title(f"{folder}/module.md") or folder
    if name == "module.md":
        return FileTitles(draft.title, module)
    return FileTitles(draft.title, module, draft.file_title(path) or name)


def _front_matter(text: str) -> dict:
    return split_front_matter(text, "", []).data


def _item_ids(draft: CourseDraft) -> set[str]:
    """Ids of the draft's lessons and quizzes (front matter ``id``, else the file's slug)."""
    ids = set()
    for path, text in draft.files.items():
        name = path.rsplit("/", 1)[-1]
        if "/" not in path or name == "module.md":
            continue
        match = _NUMBERED.match(_ITEM_SUFFIX.sub("", name))
        ids.add(str(_front_matter(text).get("id") or (match.group(2) if match else name)).lower())
    return ids


def _item_slug(draft: CourseDraft, slug: str, title: str) -> str:
    """The slug given, checked, or one proposed from the title when none was given."""
    if not slug:
        ids = _item_ids(draft)
        return slug_from_title(title, lambda s: s in ids)
    _check_new_slug(draft, slug)
    return slug


def _check_new_slug(draft: CourseDraft, slug: str) -> None:
    if not SLUG_PATTERN.match(slug):
        raise DraftError("slug")
    if slug.lower() in _item_ids(draft):
        raise DraftError("taken")


def _next_number(names: list[str]) -> int:
    numbers = [int(m.group(1)) for n in names if (m := _NUMBERED.match(n))]
    return max(numbers, default=0) + 1


def _module_names(draft: CourseDraft, folder: str) -> list[str]:
    if f"{folder}/module.md" not in draft.files:
        raise DraftError("missing")
    return [p.split("/", 1)[1] for p in draft.files if p.startswith(folder + "/")]


def add_module(session: Session, draft: CourseDraft, user: User, slug: str, title: str) -> str:
    """Add a module folder with its module.md; returns the folder. Without a slug, one is
    proposed from the title."""
    folders = sorted({p.split("/", 1)[0] for p in draft.files if "/" in p})
    used = {m.group(2) for f in folders if (m := _NUMBERED.match(f))}
    if not slug:
        slug = slug_from_title(title, lambda s: s in used)
    if not SLUG_PATTERN.match(slug):
        raise DraftError("slug")
    if slug in used:
        raise DraftError("taken")
    folder = f"{_next_number(folders):02d}-{slug}"
    _add_file(draft, f"{folder}/module.md", document({"title": title}, ""))
    touch(draft, user)
    session.flush()
    return folder


def add_item(session: Session, draft: CourseDraft, user: User, folder: str, kind: str,
             slug: str, title: str) -> str:
    """Add a lesson or a quiz at the end of a module; returns the file's path. Both get an
    explicit ``id`` so that renaming the file later keeps learners' progress. Without a slug,
    one is proposed from the title."""
    slug = _item_slug(draft, slug, title)
    names = _module_names(draft, folder)
    suffix = ".quiz.md" if kind == "quiz" else ".md"
    path = f"{folder}/{_next_number(names):02d}-{slug}{suffix}"
    if kind == "quiz":
        text = document({"title": title, "id": slug, "passing_score": 70}, (
            f"## Pertanyaan pertama? {{#{slug}-q1}}\n\n- [x] Jawaban benar\n- [ ] Jawaban salah"))
    else:
        text = document({"title": title, "minutes": 5, "id": slug}, "Tulis materi di sini.")
    _add_file(draft, path, text)
    touch(draft, user)
    session.flush()
    return path


def add_gift_quiz(session: Session, draft: CourseDraft, user: User, folder: str, slug: str,
                  title: str, gift: str) -> tuple[str | None, list[ContentError]]:
    """Convert GIFT questions into a new quiz at the end of a module. Returns the new file's
    path (None when nothing could be converted) and every GIFT feature left out."""
    slug = _item_slug(draft, slug, title)
    names = _module_names(draft, folder)
    text, problems = gift_to_quiz(gift, title=title, slug=slug)
    if any(p.message == NO_QUESTION for p in problems):
        return None, problems
    path = f"{folder}/{_next_number(names):02d}-{slug}.quiz.md"
    _add_file(draft, path, text)
    touch(draft, user)
    session.flush()
    return path, problems


def add_task(session: Session, draft: CourseDraft, user: User) -> str:
    """Give the draft an application task (``tugas.md``) to fill in; returns its path. A
    draft has one task at most: one it has already is kept as it is."""
    if TASK_FILE not in draft.files:
        _add_file(draft, TASK_FILE, document({"title": "Tugas Penerapan"}, (
            "Terapkan materi kursus ini dalam pekerjaan Anda, lalu tuliskan laporan singkat: "
            "apa yang Anda lakukan, hasilnya, dan kendalanya. Lampirkan bukti bila ada.")))
        touch(draft, user)
        session.flush()
    return TASK_FILE


def _add_file(draft: CourseDraft, path: str, text: str) -> None:
    draft.files = {**draft.files, path: text}
    draft.revisions = {**draft.revisions, path: draft.revisions.get(path, 0) + 1}


def move(session: Session, draft: CourseDraft, user: User, target: str, step: int) -> None:
    """Move a module folder or an item file one place up (-1) or down (+1) by swapping the
    number prefixes with its neighbour. Item ids do not change, so progress is kept; relative
    links to the moved files are rewritten so they still point at them."""
    if "/" in target:
        folder, name = target.split("/", 1)
        siblings = sorted(p.split("/", 1)[1] for p in draft.files
                          if p.startswith(folder + "/") and p != f"{folder}/module.md")
        prefix = folder + "/"
    else:
        name, prefix = target, ""
        siblings = sorted({p.split("/", 1)[0] for p in draft.files if "/" in p})
    if name not in siblings:
        raise DraftError("missing")
    other = siblings.index(name) + step
    if not 0 <= other < len(siblings):
        return
    a, b = _NUMBERED.match(name), _NUMBERED.match(siblings[other])
    if not (a and b):
        raise DraftError("missing")
    _rename(draft, {prefix + name: f"{prefix}{b.group(1)}-{a.group(2)}",
                    prefix + siblings[other]: f"{prefix}{a.group(1)}-{b.group(2)}"})
    touch(draft, user)
    session.flush()


def _rename(draft: CourseDraft, renames: dict[str, str]) -> None:
    files, revisions = {}, {}
    for path, text in draft.files.items():
        new = _renamed(path, renames)
        relinked = _relink(text, renames=renames, old=posixpath.dirname(path),
                           new=posixpath.dirname(new))
        files[new] = relinked
        # A moved or relinked file's open editor must reload: its revision moves on.
        old_revisions = (draft.revisions.get(path, 0), draft.revisions.get(new, 0))
        changed = new != path or relinked != text
        revisions[new] = max(old_revisions) + 1 if changed else old_revisions[0]
    draft.files, draft.revisions = files, revisions


def _renamed(path: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        if path == old or path.startswith(old + "/"):
            return new + path[len(old):]
    return path


def delete_entry(session: Session, draft: CourseDraft, user: User, target: str) -> None:
    """Remove a lesson or quiz file, a whole module folder or the application task from the
    draft. Learners' progress on a removed item stops counting once the draft is published."""
    if target == TASK_FILE or (
            "/" in target and target.endswith(".md") and not target.endswith("/module.md")):
        doomed = {target} & set(draft.files)
    elif "/" not in target:
        doomed = {p for p in draft.files if p.startswith(target + "/")}
    else:
        doomed = set()
    if not doomed:
        raise DraftError("missing")
    draft.files = {p: t for p, t in draft.files.items() if p not in doomed}
    draft.revisions = {p: n for p, n in draft.revisions.items() if p not in doomed}
    touch(draft, user)
    session.flush()


def add_asset(session: Session, draft: CourseDraft, user: User, filename: str, data: bytes) -> str:
    """Store an uploaded image under ``assets/``; returns its package path."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    stem, dot, ext = name.rpartition(".")
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not dot or f".{ext}" not in ASSET_TYPES or not stem:
        raise DraftError("type")
    if asset_problem(name, data):  # the content must be what the extension says
        raise DraftError("type")
    if len(data) > MAX_ASSET_BYTES:
        raise DraftError("size")
    path = f"assets/{stem}.{ext}"
    existing = next((a for a in draft.assets if a.path == path), None)
    if existing is not None:
        existing.data = data
    else:
        draft.assets.append(DraftAsset(path=path, data=data, content_type=ASSET_TYPES[f".{ext}"]))
    touch(draft, user)
    session.flush()
    return path


def get_draft_asset(draft: CourseDraft, path: str) -> DraftAsset | None:
    """One asset of a draft, for the editor's preview."""
    return next((a for a in draft.assets if a.path == path), None)
