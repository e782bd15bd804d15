"""The backup archive: one ``.tar.gz`` holding ``database/``, ``uploads/``, ``instance/`` and a
``manifest.json`` that lists every other file with its size and SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

FORMAT = 1
MANIFEST_NAME = "manifest.json"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


class _HashingReader:
    """Reads a file for tarfile while hashing exactly the bytes that go into the archive."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.sha256, self.size = fh, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes ``<path>.part`` and renames it to ``path`` only when complete, so a backup that
    fails half-way never leaves a file that looks like a backup."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        self.entries: list[dict[str, Any]] = []
        # Only the owner may read it: the archive holds the secret key and personal data.
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        # Level 6 (gzip's own default) instead of tarfile's 9: about as small, much faster.
        self._tar = tarfile.open(fileobj=self._file, mode="w:gz", compresslevel=6)

    def add_file(self, source: Path, name: str) -> None:
        """Add a file that does not change while it is read (a snapshot, an upload)."""
        with source.open("rb") as fh:
            info = tarfile.TarInfo(name)
            info.size = os.fstat(fh.fileno()).st_size
            info.mtime = int(os.fstat(fh.fileno()).st_mtime)
            info.mode = 0o600  # the archive holds the secret key and personal data
            reader = _HashingReader(fh)
            self._tar.addfile(info, reader)  # type: ignore[arg-type]
        if reader.size != info.size:
            raise BackupError(f"{name} changed while it was archived; run the backup again")
        self.entries.append({"path": name, "size": info.size, "sha256": reader.sha256.hexdigest()})

    def finish(self, manifest: dict[str, Any]) -> None:
        """Add the manifest (with the file list), close, flush to disk and publish."""
        body = json.dumps({**manifest, "files": self.entries}, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST_NAME)
        info.size, info.mode, info.mtime = len(body), 0o600, int(time.time())
        self._tar.addfile(info, io.BytesIO(body))
        self._tar.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        """Drop the unfinished archive."""
        self._tar.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)


def extract_verified(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack ``archive`` into the folder ``into`` and check it against its manifest: every
    listed file present with its size and SHA-256, nothing unlisted. Returns the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # "data" refuses absolute paths, ``..``, links out of the folder and devices.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive}: not a readable backup archive ({exc})") from exc
    try:
        manifest = json.loads((into / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive}: no valid {MANIFEST_NAME} in the archive") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: archive format {manifest.get('format')!r} is not "
                          f"supported (this version reads format {FORMAT})")
    listed = set()
    for entry in files:
        name = str(entry.get("path", ""))
        if not _safe_name(name):
            raise BackupError(f"{archive}: the manifest names an unsafe path {name!r}")
        listed.add(name)
        path = into / name
        if not path.is_file():
            raise BackupError(f"{archive}: {name} is listed in the manifest but missing")
        if path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
            raise BackupError(f"{archive}: checksum mismatch for {name}: the archive is damaged")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()}
    unlisted = sorted(present - listed - {MANIFEST_NAME})
    if unlisted:
        raise BackupError(f"{archive}: {unlisted[0]} is not in the manifest: the archive was "
                          "changed after it was written")
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
