"""``lms backup``: one archive holding a consistent copy of the database, the upload folder and
the instance keys and settings, with a manifest of checksums, taken while the site serves."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Flask

from lms.extensions import db
from lms.ops.archive import FORMAT, ArchiveWriter, BackupError
from lms.ops.databases import snapshot
from lms.ops.health import sqlite_path
from lms.timeutil import utcnow

STAGING_PREFIX = ".kelas-asn-backup-"
RESTORE_PREFIX = ".kelas-asn-restore-"
# Files that are being written or are someone's scratch, never data.
_TEMPORARY_PREFIXES = (".upload-", ".health-", STAGING_PREFIX, RESTORE_PREFIX)
_SKIPPED_SUFFIXES = (".part", ".tar.gz", ".tgz", ".pyc")


@dataclass(frozen=True)
class BackupSummary:
    """What was written, for the command's output."""

    path: Path
    manifest: dict[str, Any]

    def lines(self) -> list[str]:
        """One line per fact the operator should see."""
        files = self.manifest["files"]
        size = sum(entry["size"] for entry in files)
        counts = self.manifest["row_counts"]
        lines = [f"backup written to {self.path}",
                 f"{self.manifest['engine']} database at revision "
                 f"{self.manifest['schema_revision']}: {sum(counts.values())} rows in "
                 f"{len(counts)} tables",
                 f"{len(files)} files, {size / 1024 / 1024:.1f} MB before compression"]
        return lines + list(self.manifest["notes"])


def archive_path(target: Path, now: datetime) -> Path:
    """``target`` itself, or a dated file name inside it when it is a folder."""
    if target.is_dir():
        return target / f"kelas-asn-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    if target.exists():
        raise BackupError(f"{target} already exists: give a new file name or a folder")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    return target


def create_backup(app: Flask, target: Path) -> BackupSummary:
    """Write the archive: the database snapshot first, then the uploads (files are written
    before the rows that name them, so every file the snapshot refers to is there)."""
    now = utcnow()
    destination = archive_path(target, now)
    upload_folder = Path(app.config["UPLOAD_FOLDER"]).absolute()
    instance = Path(app.instance_path).absolute()
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=destination.parent))
    writer: ArchiveWriter | None = None
    try:
        with app.app_context():
            engine = db.engine
            copy = snapshot(engine, staging)
            database_file = sqlite_path(engine)
        writer = ArchiveWriter(destination)
        writer.add_file(copy.file, f"database/{copy.file.name}")
        for path, name in _files(upload_folder, skip_dirs=set()):
            _add_unless_gone(writer, path, f"uploads/{name}")
        skip_dirs = {upload_folder, staging.absolute()}
        for path, name in _files(instance, skip_dirs=skip_dirs):
            if database_file is None or not _is_database_file(path, database_file):
                _add_unless_gone(writer, path, f"instance/{name}")
        manifest = {
            "format": FORMAT, "app": "kelas-asn", "app_version": _app_version(),
            "created_at": now.isoformat(timespec="seconds") + "Z",
            "engine": engine.dialect.name, "schema_revision": copy.revision,
            "database": f"database/{copy.file.name}", "row_counts": copy.row_counts,
            "notes": _notes(instance),
        }
        writer.finish(manifest)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupSummary(destination, {**manifest, "files": writer.entries})


def _files(root: Path, skip_dirs: set[Path]) -> Iterator[tuple[Path, str]]:
    """Regular files under ``root`` (sorted, relative names), without temporary files."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if here / d not in skip_dirs and d != "__pycache__"
                         and not d.startswith(_TEMPORARY_PREFIXES))
        for name in sorted(names):
            if name.startswith(_TEMPORARY_PREFIXES) or name.endswith(_SKIPPED_SUFFIXES):
                continue
            path = here / name
            if path.is_file():
                yield path, path.relative_to(root).as_posix()


def _is_database_file(path: Path, database: Path) -> bool:
    # The database (copied through the backup API instead) and its journal files.
    return path.absolute().name in {database.name + s for s in ("", "-wal", "-shm", "-journal")} \
        and path.absolute().parent == database.absolute().parent


def _add_unless_gone(writer: ArchiveWriter, path: Path, name: str) -> None:
    # A file removed since the folder was listed (a refused upload): nothing refers to it.
    with suppress(FileNotFoundError):
        writer.add_file(path, name)


def _notes(instance: Path) -> list[str]:
    notes = []
    if os.environ.get("LMS_SECRET_KEY"):
        notes.append("note: the secret key comes from LMS_SECRET_KEY, which is not in the "
                     "archive: keep it with your backups")
    elif not (instance / "secret_key").is_file():
        notes.append("note: no instance/secret_key file: keep the configured SECRET_KEY "
                     "with your backups")
    if os.environ.get("DATABASE_URL") or os.environ.get("LMS_UPLOAD_FOLDER"):
        notes.append("note: settings given as environment variables (DATABASE_URL, LMS_*) "
                     "are not in the archive")
    return notes


def _app_version() -> str:
    try:
        return metadata.version("kelas-asn")
    except metadata.PackageNotFoundError:
        return "unknown"
