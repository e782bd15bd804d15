"""Reading a package's files into memory from a folder or a ``.zip``, with zip-bomb guards."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from .model import N_, ContentError

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
    return path.stem, {}, [ContentError(path.name, 1, N_("bukan folder kursus atau berkas .zip"))]


def read_folder(root: Path) -> tuple[PackageFiles, list[ContentError]]:
    """Read every non-hidden file under ``root``; symbolic links are refused."""
    files: PackageFiles = {}
    errors: list[ContentError] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if _ignored(relative):
            continue
        if path.is_symlink():
            errors.append(ContentError(relative, 1, N_("tautan simbolik tidak diizinkan")))
        elif path.is_file():
            files[relative] = path.read_bytes()
    return files, errors


def read_zip(path: Path) -> tuple[str, PackageFiles, list[ContentError]]:
    """Read a zipped course into memory (never onto disk), refusing unsafe archives."""
    return _read_zip_source(path, path.name, path.stem)


def read_zip_bytes(name: str, data: bytes) -> tuple[str, PackageFiles, list[ContentError]]:
    """Read an uploaded zip held in memory, with the same guards as ``read_zip``."""
    if len(data) > MAX_TOTAL_BYTES:
        too_big = ContentError(name, 1, N_("zip lebih dari 50 MB"))
        return PurePosixPath(name).stem, {}, [too_big]
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
        return stem, {}, [ContentError(name, 1, N_("berkas zip tidak dapat dibaca: %(reason)s"),
                                       {"reason": str(exc)})]
    raw = {n: data for n, data in raw.items() if not _ignored(n)}
    return _strip_root_folder(stem, raw)


def _check_entries(name: str, entries: list[zipfile.ZipInfo]) -> list[ContentError]:
    if len(entries) > MAX_ENTRIES:
        message = N_("zip berisi %(count)s entri; paling banyak %(limit)s")
        return [ContentError(name, 1, message, {"count": len(entries), "limit": MAX_ENTRIES})]
    errors: list[ContentError] = []
    seen: set[str] = set()
    total = 0
    for info in entries:
        entry = info.filename

        def problem(message: str, entry: str = entry) -> None:
            errors.append(ContentError(name, 1, message, {"entry": entry}))

        parts = PurePosixPath(entry).parts
        if entry.startswith("/") or "\\" in entry or (parts and parts[0].endswith(":")):
            problem(N_("entri zip memakai path absolut: %(entry)s"))
        elif ".." in parts:
            problem(N_("entri zip keluar dari paket: %(entry)s"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            problem(N_("entri zip adalah tautan simbolik: %(entry)s"))
        elif entry in seen:
            problem(N_("entri zip muncul dua kali: %(entry)s"))
        seen.add(entry)
        total += info.file_size
        if info.file_size > MAX_FILE_BYTES:
            problem(N_("entri zip lebih dari 10 MB: %(entry)s"))
        elif info.file_size >= RATIO_CHECK_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            problem(N_("entri zip termampatkan lebih dari 100:1: %(entry)s"))
    if total > MAX_TOTAL_BYTES:
        errors.append(ContentError(name, 1, N_("isi zip lebih dari 50 MB sebelum dimampatkan")))
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
