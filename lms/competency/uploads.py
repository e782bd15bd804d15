"""Certificate scans of outside training: checked by their bytes, stored by a random name."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

# What a file really is, from its first bytes: the client's name and content type are ignored.
_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSIONS = {mime: ext for _magic, mime, ext in _SIGNATURES}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
_CHUNK = 64 * 1024


class CertificateRejected(ValueError):
    """The upload is empty, too large, or not a PDF, PNG or JPEG; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large" or "type"


def sniff_type(head: bytes) -> str | None:
    """The MIME type of a PDF, PNG or JPEG judged by its magic bytes, else None."""
    for magic, mime, _ext in _SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


@dataclass(frozen=True)
class Certificate:
    """An accepted upload, read into memory (it is small) with its real type."""

    content: bytes
    mime_type: str


@dataclass(frozen=True)
class CertificateStore:
    """Where certificates live (``<UPLOAD_FOLDER>/evidence``) and how large they may be."""

    folder: Path
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CertificateStore:
        """The store configured by ``UPLOAD_FOLDER`` and ``EVIDENCE_MAX_BYTES``."""
        return cls(Path(config["UPLOAD_FOLDER"]) / "evidence",
                   int(config.get("EVIDENCE_MAX_BYTES") or DEFAULT_MAX_BYTES))

    @property
    def max_megabytes(self) -> float:
        """The size limit in MB, for messages (5, not 5.0)."""
        megabytes = round(self.max_bytes / 1024 / 1024, 1)
        return int(megabytes) if megabytes.is_integer() else megabytes

    def check(self, stream: BinaryIO | None) -> Certificate:
        """Read an upload (at most ``max_bytes``) and accept it only as PDF, PNG or JPEG."""
        if stream is None:
            raise CertificateRejected("empty")
        chunks, size = [], 0
        while size <= self.max_bytes:
            chunk = stream.read(min(_CHUNK, self.max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size == 0:
            raise CertificateRejected("empty")
        if size > self.max_bytes:
            raise CertificateRejected("too_large")
        content = b"".join(chunks)
        mime_type = sniff_type(content[:16])
        if mime_type is None:
            raise CertificateRejected("type")
        return Certificate(content, mime_type)

    def save(self, certificate: Certificate) -> str:
        """Write the file atomically under a new random name and return that name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = secrets.token_hex(16) + EXTENSIONS[certificate.mime_type]
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(certificate.content)
                fh.flush()
                os.fsync(fh.fileno())
            # A reader sees either no file or the whole file, never half of it.
            os.replace(temporary, self.folder / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return name

    def path(self, name: str) -> Path:
        """The stored file of ``name``; a name that is not a plain file name is refused."""
        if not name or Path(name).name != name or name.startswith("."):
            raise ValueError(f"not a stored certificate name: {name!r}")
        return self.folder / name

    def remove(self, name: str) -> None:
        """Delete a stored file (used when the record that refers to it is not saved)."""
        self.path(name).unlink(missing_ok=True)
