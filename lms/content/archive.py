"""Reading a package's files into memory from a folder or a ``.zip``, with zip-bomb guards."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from .model import ContentError

MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_RATIO = 100
# Small files legitimately compress far better than 100:1 (a page of spaces); only big ones matter.
RATIO_CHECK_FROM_BYTES = 1024 * 1024

PackageFiles = dict[str, bytes]


def read_package(path: Path) -> tuple[str, PackageFiles, list[ContentError]]:
    """Read a course folder or zip into (slug, package-relative path → bytes, errors)."""
    if path.is_dir():
        return path.resolve().name, *read_folder(path)
    if path.suffix.lower() == ".zip" and path.is_file():
        return read_zip(path)
    return path.stem, {}, [ContentError(path.name, 1, "not a course folder or .zip file")]


def read_folder(root: Path) -> tuple[PackageFiles, list[ContentError]]:
    """Read every non-hidden file under ``root``; symbolic links are refused."""
    files: PackageFiles = {}
    errors: list[ContentError] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if _ignored(relative):
            continue
        if path.is_symlink():
            errors.append(ContentError(relative, 1, "symbolic links are not allowed"))
        elif path.is_file():
            files[relative] = path.read_bytes()
    return files, errors


def read_zip(path: Path) -> tuple[str, PackageFiles, list[ContentError]]:
    """Read a zipped course into memory (never onto disk), refusing unsafe archives."""
    return _read_zip_source(path, path.name, path.stem)


def read_zip_bytes(name: str, data: bytes) -> tuple[str, PackageFiles, list[ContentError]]:
    """Read an uploaded zip held in memory, with the same guards as ``read_zip``."""
    if len(data) > MAX_TOTAL_BYTES:
        return PurePosixPath(name).stem, {}, [ContentError(name, 1, "zip is larger than 50 MB")]
    return _read_zip_source(io.BytesIO(data), name, PurePosixPath(name).stem)


def _read_zip_source(
    source: Path | IO[bytes], name: str, stem: str
) -> tuple[str, PackageFiles, list[ContentError]]:
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            errors = _check_entries(name, entries)
            if errors:
                return stem, {}, errors
            raw = {info.filename: archive.read(info) for info in entries if not info.is_dir()}
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
        # RuntimeError: encrypted entry; NotImplementedError: unknown compression method.
        return stem, {}, [ContentError(name, 1, f"cannot read zip file: {exc}")]
    raw = {n: data for n, data in raw.items() if not _ignored(n)}
    return _strip_root_folder(stem, raw)


def _check_entries(name: str, entries: list[zipfile.ZipInfo]) -> list[ContentError]:
    if len(entries) > MAX_ENTRIES:
        message = f"zip has {len(entries)} entries; at most {MAX_ENTRIES} are allowed"
        return [ContentError(name, 1, message)]
    errors: list[ContentError] = []
    seen: set[str] = set()
    total = 0
    for info in entries:
        entry = info.filename
        parts = PurePosixPath(entry).parts
        if entry.startswith("/") or "\\" in entry or (parts and parts[0].endswith(":")):
            errors.append(ContentError(name, 1, f"zip entry has an absolute path: {entry}"))
        elif ".." in parts:
            errors.append(ContentError(name, 1, f"zip entry leaves the package: {entry}"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            errors.append(ContentError(name, 1, f"zip entry is a symbolic link: {entry}"))
        elif entry in seen:
            errors.append(ContentError(name, 1, f"zip entry appears twice: {entry}"))
        seen.add(entry)
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES:
            errors.append(ContentError(name, 1, f"zip entry is larger than 10 MB: {entry}"))
        elif info.file_size >= RATIO_CHECK_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            errors.append(ContentError(name, 1, f"zip entry compresses over 100:1: {entry}"))
    if total > MAX_TOTAL_BYTES:
        errors.append(ContentError(name, 1, "zip content is larger than 50 MB uncompressed"))
    return errors


def _strip_root_folder(
    stem: str, raw: PackageFiles
) -> tuple[str, PackageFiles, list[ContentError]]:
    # A zip of the course folder holds "slug/course.md"; a zip of its contents holds "course.md".
    roots = {n.split("/", 1)[0] for n in raw}
    if "course.md" not in raw and len(roots) == 1 and all("/" in n for n in raw):
        root = roots.pop()
        return root, {n[len(root) + 1 :]: data for n, data in raw.items()}, []
    return stem, raw, []


def _ignored(relative: str) -> bool:
    # Hidden files (.git, .DS_Store) and macOS zip metadata are not part of a course.
    parts = relative.split("/")
    return any(p.startswith(".") for p in parts) or parts[0] == "__MACOSX"
