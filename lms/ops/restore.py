"""``lms restore``: check an archive of ``lms backup`` completely, then put back the database,
the uploads and the instance files, and check the result."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import db
from lms.ops.archive import BackupError, extract_verified
from lms.ops.backup import RESTORE_PREFIX
from lms.ops.databases import in_use, integrity_problem, restore_database, row_counts


def restore_backup(app: Flask, archive: Path, *, force: bool = False) -> list[str]:
    """Verify ``archive`` before changing anything, refuse to replace a database in use
    without ``force``, restore, and check integrity and row counts; returns report lines."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=RESTORE_PREFIX, dir=instance))
    try:
        manifest = extract_verified(archive, staging)
        lines = [f"archive verified: {len(manifest['files'])} files, checksums match "
                 f"({manifest['engine']} database at revision {manifest['schema_revision']}, "
                 f"taken {manifest['created_at']})"]
        with app.app_context():
            lines += _restore_database(db.engine, staging, manifest, force)
        lines += _merge(staging / "uploads", Path(app.config["UPLOAD_FOLDER"]), "uploads",
                        keep_replaced=False)
        lines += _merge(staging / "instance", instance, "instance files", keep_replaced=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return lines


def _restore_database(engine, staging: Path, manifest: dict[str, Any], force: bool) -> list[str]:
    if manifest["engine"] != engine.dialect.name:
        raise BackupError(f"the archive holds a {manifest['engine']} database but the configured "
                          f"database is {engine.dialect.name}: restore it into the same engine")
    try:
        occupied = in_use(engine)
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise BackupError(f"cannot read the configured database: {type(exc).__name__}") from exc
    if occupied and not force:
        raise BackupError("the configured database already holds data: nothing was changed. "
                          "Stop `lms serve` and run again with --force to replace it "
                          "(take a backup of it first)")
    restore_database(engine, staging / manifest["database"])
    problem = integrity_problem(engine)
    if problem:
        raise BackupError(f"the restored database fails its integrity check: {problem}")
    counts = row_counts(engine)
    expected: dict[str, int] = manifest["row_counts"]
    differing = sorted(name for name, n in expected.items() if counts.get(name) != n)
    if differing:
        name = differing[0]
        raise BackupError(f"the restored database does not match the backup: {name} has "
                          f"{counts.get(name)} rows, the backup {expected[name]}")
    rows = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()) if n)
    checked = "integrity check ok, " if engine.dialect.name == "sqlite" else ""
    return [f"database restored: {checked}{sum(counts.values())} rows in {len(counts)} tables, "
            "as in the backup", f"rows: {rows}"]


def _merge(staged: Path, folder: Path, what: str, *, keep_replaced: bool) -> list[str]:
    """Copy every file of ``staged`` into ``folder`` (each one atomically). A different file of
    the same name is kept as ``NAME.before-restore`` when ``keep_replaced`` (instance
    settings an operator may have edited); files absent from the backup stay untouched."""
    files = sorted(p for p in staged.rglob("*") if p.is_file()) if staged.is_dir() else []
    kept = []
    for source in files:
        target = folder / source.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        if keep_replaced and target.is_file() and target.read_bytes() != source.read_bytes():
            aside = target.with_name(target.name + ".before-restore")
            os.replace(target, aside)
            kept.append(aside.name)
        temporary = target.with_name(f".restore-{target.name}")
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
    line = f"{what} restored: {len(files)} file(s) into {folder}"
    if kept:
        line += f" (the previous {', '.join(kept)} kept beside them)"
    return [line]
